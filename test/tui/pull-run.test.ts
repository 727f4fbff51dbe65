// "Pull and run an image" in one TUI session: P pulls from a local registry
// with progress shown, the image appears in the images view (from the store's
// change on disk), r opens the run form, and the new container runs and logs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TmuxPane, berthLine, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-pull-');
let reg: TestRegistry;
let pane: TmuxPane;
let ref = '';

test.before(async () => {
  reg = await startRegistry();
  ref = `${reg.addr}/tui/bb:v1`;
  t.ok(['import', busyboxTar(), 'bb']);
  t.ok(['tag', 'bb', ref]);
  t.ok(['push', ref]);
  t.ok(['rmi', 'bb', ref]); // the store starts empty: the pull must bring it
  pane = new TmuxPane(160, 45);
});

test.after(() => endTui(t, [pane], () => reg?.stop()));

test('P pulls with progress; the image shows up in the images view', async () => {
  pane.type(berthLine(t));
  await pane.waitFor((x) => x.includes('2 Images (0)'), 'an empty store');
  pane.keys('P');
  await pane.waitFor((x) => x.includes('pull image'), 'the pull prompt');
  pane.keys(...ref.split(''), 'Enter');
  const s = await pane.waitFor((x) => /Pull .* — done/.test(x), 'the pull finished');
  assert.match(s, /Pulling from tui\/bb/);
  assert.match(s, /Downloaded newer image/);
  pane.keys('Escape', '2');
  await pane.waitFor((x) => x.includes('Images — 1 of 1') && x.includes(`${reg.addr}/tui/bb:v1`), 'the pulled image listed');
});

test('r opens the run form; the container runs and its logs show', async () => {
  pane.keys('r');
  await pane.waitFor((x) => x.includes('Run a container') && x.includes(ref), 'the form with the image filled in');
  pane.keys(...'formed'.split(''), 'Tab', ...`sh -c 'echo from-the-form; sleep 1000'`.split(''), 'Tab', 'Tab', ...'GREETING=hi'.split(''));
  pane.keys('Enter');
  await pane.waitFor((x) => x.includes('started formed') && x.includes('Containers — 1 of 1') && / formed .*running/.test(x), 'the new container running');
  pane.keys('l');
  await pane.waitFor((x) => x.includes('from-the-form'), 'its log');
  assert.match(t.ok(['inspect', '-f', '{{.Config.Env}}', 'formed']), /GREETING=hi/);
  assert.match(t.ok(['inspect', '-f', '{{json .Args}}', 'formed']), /echo from-the-form; sleep 1000/, 'the command as typed, quotes grouping');
  assert.match(t.ok(['inspect', '-f', '{{.State.Status}}', 'formed']), /running/);
});

test('the run form pulls an image that is not in the store, as docker run does', async () => {
  t.ok(['rmi', '-f', ref]); // untagged: by name it is missing again
  pane.keys('Escape', ':', ...`run ${ref}`.split(''), 'Enter');
  await pane.waitFor((x) => x.includes('Run a container') && x.includes(ref), 'the form for the missing image');
  pane.keys(...'pulled'.split(''), 'Tab', ...`sh -c 'echo pulled-then-ran; sleep 1000'`.split(''), 'Enter');
  await pane.waitFor((x) => x.includes('started pulled'), 'the container started after the pull');
  assert.match(t.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), new RegExp(`${reg.addr}/tui/bb:v1`), 'the image is tagged again');
  assert.match(t.ok(['inspect', '-f', '{{.State.Status}}', 'pulled']), /running/);
});

test('q quits to an intact terminal', async () => {
  pane.keys('Escape', 'q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
  assert.not.ok(pane.alternateOn());
});

test.run();
