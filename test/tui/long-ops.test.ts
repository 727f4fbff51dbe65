// Long operations are visible: a stop or restart that waits for its timeout
// shows "stopping"/"restarting" and the countdown to SIGKILL, a container the
// kernel killed for memory says OOM (not only "exit 137"), and status messages
// clear. Real TUI in tmux (160×45 and 80×24), real containers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-longops-');
let pane: TmuxPane;
const rowOf = (s: string, name: string): string => s.split('\n').find((l) => l.includes(` ${name} `)) ?? '';
const status = (s: string): string => s.split('\n').filter(Boolean).at(-1) ?? '';

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  // sleep as PID 1 has no SIGTERM handler, so the kernel ignores SIGTERM: only the SIGKILL ends it
  t.seen.push(t.ok(['run', '-d', '--name', 'stubborn', '--stop-timeout', '6', 'bb', 'sleep', '100000']));
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane]));

test('a stop shows "stopping" and counts down to SIGKILL', async () => {
  await pane.waitFor((x) => /running/.test(rowOf(x, 'stubborn')), 'the list');
  pane.keys('s');
  const first = await pane.waitFor((x) => /stopping +SIGKILL in [56]s/.test(rowOf(x, 'stubborn')), 'stopping, with the countdown');
  assert.match(status(first), /stopping stubborn \(SIGKILL in [56]s\)/, 'the status line counts too');
  await pane.waitFor((x) => /stopping +SIGKILL in [1-3]s/.test(rowOf(x, 'stubborn')), 'the countdown moves');
  const s = await pane.waitFor((x) => /exited +exit 137/.test(rowOf(x, 'stubborn')), 'killed at the end', 15_000);
  assert.match(s, /stopped 1 container/);
});

test('a restart shows "restarting"; at 80×24 the status line carries the countdown', async () => {
  pane.keys('S');
  await pane.waitFor((x) => /running/.test(rowOf(x, 'stubborn')), 'started again');
  pane.tmux(['resize-window', '-x', '80', '-y', '24']);
  await new Promise((r) => setTimeout(r, 300));
  pane.keys('r');
  const s = await pane.waitFor((x) => /restart…/.test(rowOf(x, 'stubborn')) && /restarting stubborn \(SIGKILL in \ds\)/.test(status(x)), 'restarting at 80×24');
  assert.ok(s);
  await pane.waitFor((x) => x.includes('restarted 1 container') && /running/.test(rowOf(x, 'stubborn')), 'running again', 15_000);
  pane.tmux(['resize-window', '-x', '160', '-y', '45']);
});

test('a container the OOM killer ended says so', async () => {
  t.seen.push(t.ok(['run', '-d', '--name', 'hog', '--network', 'none', '--memory', '16m', 'bb', 'sh', '-c',
    'sleep 1; x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived']));
  const s = await pane.waitFor((x) => /OOM +OOM-killed 137/.test(rowOf(x, 'hog')), 'OOM in the row', 20_000);
  assert.match(status(s), /hog was killed by the kernel: out of memory \(OOM, exit 137\)/);
  assert.is(t.ok(['inspect', '-f', '{{.State.OOMKilled}}', 'hog']), 'true');
});

test('status messages clear: an error goes with the next key, information by itself', async () => {
  pane.keys(':', ...'nonsense'.split(''), 'Enter');
  await pane.waitFor((x) => /✖ unknown command ":nonsense"/.test(x), 'the error');
  await new Promise((r) => setTimeout(r, 1200));
  pane.keys('j');
  await pane.waitFor((x) => !x.includes('unknown command'), 'the error cleared by a key');
  pane.keys('A');
  await pane.waitFor((x) => x.includes('stopped containers hidden'), 'an information');
  await pane.waitFor((x) => !x.includes('stopped containers hidden'), 'it clears by itself', 10_000);
  pane.keys('A', 'q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
