// Removing from the TUI says what is affected before it acts: an image used by
// eight containers is only untagged (with D, docker's -f), a tag among others
// only loses that tag, a volume in use and a network with endpoints are
// refused; D force-removes; n creates a volume; prune offers docker's --all
// (a). Real TUI in tmux (160×45, and the dialog at 80×24), real containers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-remove-');
let pane: TmuxPane;
const rowOf = (s: string, name: string): string => s.split('\n').find((l) => l.includes(` ${name} `)) ?? '';
/** The confirm dialog's text as one line (a long line wraps in the box): the rows inside its
 * border, cut at its columns (the panes around it are drawn on the same rows). */
function dialog(s: string): string {
  const rows = s.split('\n');
  // a box as wide as the screen meets the one behind it: tmux draws its corners as tees
  const top = rows.findIndex((l) => /[┌├]─ Confirm/.test(l));
  if (top < 0) return '';
  const left = rows[top].search(/[┌├]─ Confirm/), right = rows[top].slice(left).search(/[┐┤]/) + left;
  const out: string[] = [];
  for (const l of rows.slice(top + 1)) {
    if (l[left] === '└' || l[left] === '├') break;
    out.push(l.slice(left + 1, right).trim());
  }
  return out.filter(Boolean).join(' ');
}

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.ok(['tag', 'bb', 'bb:second']);
  for (let i = 1; i <= 6; i++) t.seen.push(t.ok(['create', '--name', `user${i}`, 'bb', 'true']));
  t.ok(['volume', 'create', 'data']);
  t.seen.push(t.ok(['create', '--name', 'vuser', '-v', 'data:/d', 'bb', 'true']));
  t.ok(['network', 'create', '--subnet', '10.88.0.0/24', 'busy']);
  t.seen.push(t.ok(['run', '-d', '--name', 'nuser', '--network', 'busy', 'bb', 'sleep', '100000']));
  t.ok(['commit', 'vuser', 'spare']); // an image no container uses
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane]));

async function select(view: string, title: string, name: string): Promise<void> {
  pane.keys('Escape', 'Escape', view);
  await pane.waitFor((x) => x.includes(`${title} — `) && !/— filter "/.test(x), `the ${title} view`);
  pane.keys('/', ...name.split(''), 'Enter');
  await pane.waitFor((x) => x.includes(`filter "${name}"`) && !!rowOf(x, name), `${name} selected`);
}

test('an image tag among others: only the tag goes', async () => {
  await pane.waitFor((x) => x.includes('Containers — 8 of 8'), 'the list');
  await select('2', 'Images', 'bb:second');
  pane.keys('d');
  const s = await pane.waitFor((x) => x.includes('Remove image bb:second?'), 'the question');
  assert.match(dialog(s), /bb:second: only this tag goes; the image keeps bb:latest/);
  pane.keys('y');
  await pane.waitFor((x) => x.includes('untagged 1 image'), 'untagged');
  assert.is(t.berth(['image', 'inspect', 'bb:second']).code, 1);
});

test('the last tag of an image 8 containers use: refused by d, only untagged by D', async () => {
  await select('2', 'Images', 'bb:latest');
  pane.keys('d');
  let s = await pane.waitFor((x) => x.includes('Remove image bb:latest?'), 'the question');
  assert.match(dialog(s), /bb:latest: used by 8 containers \(\w+, \w+, \w+ and 5 more\): refused without force \(D only untags it\)/);
  pane.keys('y');
  await pane.waitFor((x) => /✖ conflict: unable to remove repository reference "bb:latest" \(must force\)/.test(x), "rmi's refusal");
  pane.keys('D');
  s = await pane.waitFor((x) => x.includes('Force-remove image bb:latest?'), 'the force question');
  assert.match(dialog(s), /bb:latest: used by 8 containers .*: only untagged; the image stays while they exist/);
  pane.keys('y');
  await pane.waitFor((x) => x.includes('untagged 1 image'), 'untagged');
  pane.keys('Escape', 'Escape');
  s = await pane.waitFor((x) => /<none>:<none> .* 8: nuser/.test(x), 'the image stays, untagged, used by the eight');
  assert.is(t.berth(['image', 'inspect', 'bb:latest']).code, 1); // the tag: a bare "bb" also matches an image ID starting with bb
});

test('prune: y dangling only, a all unused (--all)', async () => {
  pane.keys('x');
  let s = await pane.waitFor((x) => x.includes('Prune dangling images?'), 'the prune question');
  assert.match(dialog(s), /a: all unused \(--all\)/);
  pane.keys('y');
  await pane.waitFor((x) => x.includes('pruned 0 dangling images'), 'nothing dangling and unused');
  assert.ok(t.ok(['images', '-q', 'spare']));
  pane.keys('x');
  await pane.waitFor((x) => x.includes('Prune dangling images?'), 'the prune question again');
  pane.keys('a');
  s = await pane.waitFor((x) => x.includes('pruned 1 unused image'), 'the unused image pruned');
  assert.is(t.ok(['images', '-q', 'spare']), '', 'spare is gone');
  assert.is(t.ok(['ps', '-a', '-q']).split('\n').length, 8, 'the containers keep their image');
});

test('a volume in use is refused, even forced; n creates one', async () => {
  await select('3', 'Volumes', 'data');
  pane.keys('D');
  const s = await pane.waitFor((x) => x.includes('Force-remove volume data?'), 'the question');
  assert.match(dialog(s), /data: in use by vuser: refused, even with -f/);
  pane.keys('y');
  await pane.waitFor((x) => /✖ remove data: volume is in use/.test(x), "the engine's refusal");
  pane.keys('Escape', 'Escape', 'n');
  await pane.waitFor((x) => x.includes('new volume name'), 'the create prompt');
  pane.keys(...'fresh'.split(''), 'Enter');
  await pane.waitFor((x) => x.includes('created volume fresh') && !!rowOf(x, 'fresh'), 'fresh created and listed');
  assert.is(t.ok(['volume', 'inspect', '-f', '{{.Name}}', 'fresh']), 'fresh');
});

test('a network with endpoints names them', async () => {
  await select('4', 'Networks', 'busy');
  pane.keys('d');
  const s = await pane.waitFor((x) => x.includes('Remove network busy?'), 'the question');
  assert.match(dialog(s), /busy: 1 endpoint \(nuser\): refused, even with -f/);
  pane.keys('n');
  await pane.waitFor((x) => x.includes('cancelled'), 'kept');
});

test('a running container: d says it will be refused, D kills and removes it', async () => {
  await select('1', 'Containers', 'nuser');
  pane.keys('d');
  let s = await pane.waitFor((x) => x.includes('Remove nuser?'), 'the question');
  assert.match(dialog(s), /running: nuser — refused, as rm without -f \(D kills and removes\)/);
  pane.keys('y');
  await pane.waitFor((x) => x.includes('✖') && x.includes('stop the container before'), "rm's refusal");
  assert.match(t.ok(['inspect', '-f', '{{.State.Status}}', 'nuser']), /running/);
  pane.keys('D');
  s = await pane.waitFor((x) => x.includes('Force-remove nuser?'), 'the force question');
  assert.match(dialog(s), /running, will be killed: nuser/);
  pane.keys('y');
  await pane.waitFor((x) => x.includes('removed 1 container') && !rowOf(x, 'nuser'), 'nuser removed');
});

test('80×24: the dialog fits and says the same', async () => {
  pane.tmux(['resize-window', '-x', '80', '-y', '24']);
  await select('1', 'Containers', 'user1');
  pane.keys('Escape', 'Escape', '2');
  await pane.waitFor((x) => x.includes('Images — 1 of 1'), 'the images view at 80×24');
  pane.keys('d');
  const s = await pane.waitFor((x) => x.includes('Remove image') && x.includes('y/enter: yes'), 'the question, whole');
  assert.match(dialog(s), /used by 7 containers \(\w+, \w+, \w+ and 4 more\): refused/, s); // nuser is gone
  pane.keys('n', 'q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
