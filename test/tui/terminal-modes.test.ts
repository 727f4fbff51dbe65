// After berth the terminal's keys are what they were: blessed turns on the
// application cursor-key and keypad modes (smkx), so Up sends `ESC O A`; a
// quit, a SIGTERM and a SIGHUP must all turn them off again (rmkx), or a
// program run next sees `^[OA` for Up. Read with `cat -v` in the same tmux pane.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthLine, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-modes-');
let pane: TmuxPane;
let runs = 0;

test.before(() => {
  pane = new TmuxPane(100, 30);
});

test.after(() => endTui(t, [pane]));

/** Starts berth in the pane and waits for its first frame. */
async function start(): Promise<void> {
  runs++;
  pane.type(`clear; ${berthLine(t, '', `-${runs}`)}`);
  await pane.waitFor((x) => x.includes('Containers — 0 of 0'), 'the first frame');
}

/** What the terminal sends for Up now, as `cat -v` shows it. */
async function upKey(): Promise<string> {
  pane.type('clear; cat -v');
  await new Promise((r) => setTimeout(r, 300));
  pane.keys('Up', 'Enter');
  const s = await pane.waitFor((x) => /\^\[\S*A$/m.test(x), 'cat -v echoing the Up key');
  pane.keys('C-c');
  // the shell is back before anything is typed: on a loaded machine the next command line
  // otherwise reached cat, which the C-c then ended
  await pane.waitFor((x) => x.trimEnd().endsWith('PROMPT$'), 'the prompt after cat');
  return /(\^\[\S*A)$/m.exec(s)![1];
}

/** The berth process in the pane (the shell's node child). */
function berthPid(): number {
  const shell = pane.tmux(['display-message', '-p', '#{pane_pid}']).trim();
  const r = spawnSync('pgrep', ['-P', shell, 'node'], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split('\n')[0]);
  assert.ok(pid > 0, `berth's pid (${r.stdout})`);
  return pid;
}

test('before berth, Up is ESC [ A (the test itself is sound)', async () => {
  assert.is(await upKey(), '^[[A');
});

test('after q, Up is ESC [ A again (keypad and cursor-key modes restored)', async () => {
  await start();
  pane.keys('q');
  await pane.waitFor((x) => x.includes(`EXITED-${runs} 0`), 'berth quit');
  assert.is(await upKey(), '^[[A');
});

for (const [sig, code] of [['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130]] as const) {
  test(`after a ${sig}, Up is ESC [ A again`, async () => {
    await start();
    process.kill(berthPid(), sig);
    await pane.waitFor((x) => x.includes(`EXITED-${runs} ${code}`), `berth ended by ${sig}`);
    assert.not.ok(pane.alternateOn(), 'alternate screen left');
    assert.is(await upKey(), '^[[A');
  });
}

test.run();
