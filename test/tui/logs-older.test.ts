// Scrolling up past the first line held reads older lines in front (the logs
// tab opens on the last 1000): the view stays on the line it showed, and the
// older ones are there above it. Real TUI in tmux (160×45 and 80×24), real container.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui, logsHint } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-logolder-');
let pane: TmuxPane;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'long', 'bb', 'sh', '-c',
    'i=0; while [ $i -lt 2500 ]; do i=$((i+1)); echo "row-$i."; done; sleep 100000']));
  const end = Date.now() + 20_000;
  while (!t.ok(['logs', '--tail', '1', 'long']).includes('row-2500.') && Date.now() < end) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane]));

test('up at the top loads the 1000 lines before, keeping the view; again, the rest', async () => {
  await pane.waitFor((x) => x.includes('long'), 'the list');
  pane.keys('l');
  await pane.waitFor((x) => x.includes('row-2500.') && /1000 lines/.test(logsHint(x)), 'the last 1000 lines');
  pane.keys('g');
  await pane.waitFor((x) => x.includes('row-1501.') && !x.includes('row-2500.'), 'the first line held');
  pane.keys('k');
  let s = await pane.waitFor((x) => x.includes('1000 older lines loaded') && /2000 lines/.test(logsHint(x)), 'older lines loaded');
  assert.ok(s.includes('row-1501.'), `the view stays on the line it showed:\n${s}`);
  assert.not.ok(s.includes('row-501.'), 'and does not jump to the oldest');
  pane.keys('g');
  await pane.waitFor((x) => /│row-501\.\s/.test(x), 'the older lines are above it');
  pane.keys('k');
  s = await pane.waitFor((x) => x.includes('500 older lines loaded') && /2500 lines/.test(logsHint(x)), 'the rest');
  pane.keys('g');
  await pane.waitFor((x) => /│row-1\.\s/.test(x), 'the log from its first line');
  pane.keys('k');
  await pane.waitFor((x) => x.includes('the start of the log'), 'nothing more');
  assert.match(logsHint(pane.screen()), /2500 lines/, 'no line twice');
});

test('80×24: the same, in a small window', async () => {
  pane.tmux(['resize-window', '-x', '80', '-y', '24']);
  pane.keys('W', 'W', 'W', 'W', 'W'); // round the windows back to the last 1000
  await pane.waitFor((x) => x.includes('logs: last 1000'), 'the last 1000 again (the status says so: the hint is cut at 80 columns)');
  await pane.waitFor((x) => x.includes('row-2500.'), 'read again');
  pane.keys('g');
  await pane.waitFor((x) => x.includes('row-1501.'), 'the first line held');
  pane.keys('k');
  await pane.waitFor((x) => x.includes('1000 older lines loaded'), 'older lines loaded at 80×24');
  pane.keys('g');
  await pane.waitFor((x) => /│row-501\./.test(x), 'above it');
  pane.keys('q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
