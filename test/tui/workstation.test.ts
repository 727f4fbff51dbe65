// The workstation end to end: the real TUI in tmux over a real root with real
// containers (busybox), driven by keys and read back from the screen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { DEFAULT_KEYMAP } from '../../src/tui/keys.js';
import { TmuxPane, berthLine, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-');
let pane: TmuxPane;
/** The list pane's rows (the screen's top part), where container rows are. */
const listArea = (s: string): string => s.split('\n').slice(0, 17).join('\n');
const rowOf = (s: string, name: string): string => listArea(s).split('\n').find((l) => l.includes(` ${name} `)) ?? '';

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'chatty', 'bb', 'sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done']));
  // sh as PID 1 ignores SIGTERM unless it traps it: stop must not need the 10 s timeout
  t.seen.push(t.ok(['run', '-d', '--name', 'sleeper', 'bb', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done']));
  t.seen.push(t.ok(['create', '--name', 'doomed', 'bb', 'true']));
  t.ok(['volume', 'create', 'testvol']);
  pane = new TmuxPane(160, 45);
});

test.after(() => endTui(t, [pane]));

test('opens on the container list (first frame)', async () => {
  const start = Date.now();
  pane.type(berthLine(t));
  const s = await pane.waitFor((x) => x.includes('Containers — 3 of 3') && x.includes('chatty') && x.includes('sleeper') && x.includes('doomed'), 'the container list');
  console.log(`  first frame after ${Date.now() - start} ms (node start included)`);
  assert.ok(pane.alternateOn(), 'full screen (alternate screen)');
  assert.match(rowOf(s, 'chatty'), /running/);
  assert.match(rowOf(s, 'doomed'), /created/);
});

test('a running container shows CPU and memory from the sampler', async () => {
  await pane.waitFor((x) => /\d+\.\d/.test(rowOf(x, 'chatty')) && /[kM]B/.test(rowOf(x, 'chatty')), 'stats in the chatty row');
});

test('c shows labelled CPU, memory, network and block I/O charts that follow the load', async () => {
  t.seen.push(t.ok(['run', '-d', '--name', 'burner', 'bb', 'sh', '-c', 'while true; do :; done']));
  try {
    pane.keys('/', 'b', 'u', 'r', 'n', 'Enter', 'c');
    const s = await pane.waitFor((x) => /─ burner — stats/.test(x) && /CPU (\d+)\.\d% of one CPU/.test(x) && Number(/CPU (\d+)\.\d% of one CPU/.exec(x)![1]) >= 10,
      'the busy container at ≥ 10% CPU on the stats tab');
    for (const title of ["CPU % (100% = one CPU, docker's formula)", 'Memory used (', 'Network (', 'Block I/O (']) assert.ok(s.includes(title), title);
    assert.match(s, /-\d+:\d\d/, 'a time axis');
  } finally {
    t.ok(['rm', '-f', 'burner']);
  }
  await pane.waitFor((x) => !rowOf(x, 'burner'), 'burner gone');
  pane.keys('Escape', 'Escape', 'l', 'Escape');
  await pane.waitFor((x) => x.includes('Containers — 3 of 3'), 'the whole list');
});

test('/ filters the list, Esc clears it', async () => {
  pane.keys('/', 'c', 'h', 'a', 't');
  let s = await pane.waitFor((x) => x.includes('1 of 3') && x.includes('filter "chat"'), 'the filtered list');
  assert.not.ok(listArea(s).includes('sleeper'));
  assert.ok(rowOf(s, 'chatty'));
  pane.keys('Enter', 'Escape');
  s = await pane.waitFor((x) => x.includes('Containers — 3 of 3'), 'the whole list again');
  assert.ok(listArea(s).includes('sleeper'));
});

test('j and k move the selection (the details follow it)', async () => {
  pane.keys('g');
  const first = await pane.waitFor((x) => /─ doomed — logs/.test(x), 'doomed selected (newest first)');
  assert.ok(first);
  pane.keys('j');
  await pane.waitFor((x) => /─ sleeper — logs/.test(x), 'sleeper selected after j');
  pane.keys('j');
  await pane.waitFor((x) => /─ chatty — logs/.test(x), 'chatty selected after j');
  pane.keys('k');
  await pane.waitFor((x) => /─ sleeper — logs/.test(x), 'sleeper selected after k');
});

test('l shows the logs; / searches them while following, n/N move between matches', async () => {
  pane.keys('j', 'l');
  await pane.waitFor((x) => /─ chatty — logs/.test(x) && /tick \d+/.test(x) && x.includes('● follow'), 'chatty logs, following');
  pane.keys('/', 't', 'i', 'c', 'k', ' ', '1', 'Enter');
  let s = await pane.waitFor((x) => /match 1\/\d+ for "tick 1"/.test(x), 'the first match');
  const total = Number(/match 1\/(\d+)/.exec(s)![1]);
  assert.ok(total >= 1);
  pane.keys('n');
  s = await pane.waitFor((x) => /match \d+\/\d+ for "tick 1"/.test(x) && (total === 1 || /match 2\//.test(x)), 'the next match');
  pane.keys('N');
  await pane.waitFor((x) => /match 1\/\d+ for "tick 1"/.test(x), 'back to the first match');
  // still reading: the buffer keeps growing while we look at a match
  const lines = (x: string): number => Number(/(\d+) lines/.exec(x)?.[1] ?? 0);
  const before = lines(pane.screen());
  await pane.waitFor((x) => lines(x) > before, 'new lines arriving while searching');
  pane.keys('f', 'Escape');
});

/** Escape on its own, seen to take effect: "Escape /" in one burst reads as alt-/. */
async function clearFilter(): Promise<void> {
  pane.keys('Escape');
  await pane.waitFor((x) => !/— filter "/.test(x), 'the filter cleared');
}

test('e opens a shell in a container, runs a command; a second shell in another; switching keeps both', async () => {
  pane.keys('/', 'c', 'h', 'a', 't', 't', 'y', 'Enter', 'e');
  await pane.waitFor((x) => /─ chatty — shell/.test(x) && x.includes('/ # '), 'a shell prompt in chatty');
  pane.tmux(['send-keys', '-l', 'echo in-$(hostname)-$((6*7))']);
  pane.keys('Enter');
  const chattyId = t.ok(['inspect', '-f', '{{.Id}}', 'chatty']).slice(0, 12);
  await pane.waitFor((x) => x.includes(`in-${chattyId}-42`), 'the command ran inside chatty');
  pane.keys('C-]');
  await pane.waitFor((x) => x.includes('left the shell'), 'left the shell');
  await clearFilter();
  pane.keys('/', 's', 'l', 'e', 'e', 'p', 'e', 'r', 'Enter', 'e');
  await pane.waitFor((x) => /─ sleeper — shell/.test(x) && x.includes('/ # '), 'a second shell, in sleeper');
  pane.tmux(['send-keys', '-l', 'echo second-$((7*6))']);
  pane.keys('Enter');
  await pane.waitFor((x) => x.includes('second-42'), 'the command ran in the second shell');
  pane.keys('C-]');
  await pane.waitFor((x) => x.includes('left the shell'), 'left the second shell');
  await clearFilter();
  pane.keys('/', 'c', 'h', 'a', 't', 't', 'y', 'Enter', 'e');
  await pane.waitFor((x) => /─ chatty — shell/.test(x) && x.includes(`in-${chattyId}-42`), 'back in the first shell, its screen kept');
  pane.keys('C-]');
  await pane.waitFor((x) => x.includes('left the shell'), 'left again');
  pane.keys('l', 'Escape', 'Escape');
});

test('s stops a running container; the row changes through the event path', async () => {
  pane.keys('/', 's', 'l', 'e', 'e', 'p', 'Enter');
  await pane.waitFor((x) => /─ sleeper — /.test(x), 'sleeper selected');
  pane.keys('s');
  await pane.waitFor((x) => /exited/.test(rowOf(x, 'sleeper')), 'sleeper exited on screen', 15_000);
  assert.match(t.ok(['inspect', '-f', '{{.State.Status}}', 'sleeper']), /exited/);
  pane.keys('Escape');
});

test('a container started by another process appears (engine events from disk)', async () => {
  t.seen.push(t.ok(['run', '-d', '--name', 'outsider', 'bb', 'sleep', '1000']));
  await pane.waitFor((x) => /running/.test(rowOf(x, 'outsider')), 'outsider in the list');
  t.ok(['rm', '-f', 'outsider']);
  await pane.waitFor((x) => !rowOf(x, 'outsider'), 'outsider gone after rm from the CLI');
});

test('d asks for confirmation, then removes', async () => {
  pane.keys('/', 'd', 'o', 'o', 'm', 'Enter', 'd');
  await pane.waitFor((x) => x.includes('Confirm') && x.includes('Remove doomed?'), 'the confirmation');
  pane.keys('n');
  await pane.waitFor((x) => x.includes('cancelled') && !!rowOf(x, 'doomed'), 'cancel keeps it');
  pane.keys('d');
  await pane.waitFor((x) => x.includes('Remove doomed?'), 'asked again');
  pane.keys('y');
  await pane.waitFor((x) => x.includes('removed 1 container') && !rowOf(x, 'doomed'), 'doomed removed');
  assert.is(t.berth(['inspect', 'doomed']).code !== 0, true);
  pane.keys('Escape');
});

test('2, Tab and 3 switch to images and volumes; 1 comes back', async () => {
  pane.keys('2');
  let s = await pane.waitFor((x) => x.includes('Images — 1 of 1'), 'the images view');
  assert.match(rowOf(s, 'bb:latest'), /1\.98MB|MB/);
  assert.match(rowOf(s, 'bb:latest'), /chatty/);
  pane.keys('Tab');
  s = await pane.waitFor((x) => x.includes('Volumes — 1 of 1'), 'the volumes view');
  assert.ok(rowOf(s, 'testvol'));
  pane.keys('2', '3');
  await pane.waitFor((x) => x.includes('Volumes — 1 of 1'), 'volumes by number');
  pane.keys('2', ':', 'v', 'o', 'l', 'Enter');
  await pane.waitFor((x) => x.includes('Volumes — 1 of 1'), 'volumes by command mode');
  pane.keys('1');
  await pane.waitFor((x) => x.includes('Containers — 2 of 2'), 'back to containers');
});

test('? shows the help generated from the keymap', async () => {
  pane.keys('?');
  const s = await pane.waitFor((x) => x.includes('Help — keys'), 'the help overlay');
  for (const b of DEFAULT_KEYMAP.slice(0, 12)) assert.ok(s.includes(b.help), `help shows "${b.help}"`);
  pane.keys('Escape');
  await pane.waitFor((x) => !x.includes('Help — keys'), 'help closed');
});

test('q quits to an intact terminal (no alternate screen, prompt back)', async () => {
  pane.keys('q');
  const s = await pane.waitFor((x) => x.includes('EXITED 0'), 'the exit status');
  assert.not.ok(pane.alternateOn(), 'alternate screen left');
  assert.ok(s.trimEnd().endsWith('PROMPT$'), `prompt back:\n${s}`);
  // the terminal still echoes and takes lines (not left raw)
  pane.type('echo still-cooked');
  await pane.waitFor((x) => /^still-cooked$/m.test(x), 'a cooked terminal');
});

test('leave and come back: berth tui --theme high-contrast shows the same state in that theme', async () => {
  pane.type('clear');
  pane.type(berthLine(t, 'tui --theme high-contrast'));
  await pane.waitFor((x) => x.includes('Containers — 2 of 2') && x.includes('chatty'), 'the list again');
  // high-contrast selects with bright yellow (SGR 103); the dark theme uses cyan (46)
  const colored = pane.screen(true);
  assert.match(colored, /\x1b\[[0-9;]*103[;m]/, 'bright yellow selection');
  pane.keys('q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit again');
  pane.type(berthLine(t, 'tui --theme no-such-theme'));
  await pane.waitFor((x) => x.includes('no theme "no-such-theme"') && x.includes('EXITED 1'), 'a clear error for a bad theme');
  assert.not.ok(pane.alternateOn());
});

test.run();
void join;
