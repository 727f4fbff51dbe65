// The logs tab as a reader uses it: a search starts at the newest match (a log
// is read from its end), and one typed before the log has a line waits for its
// lines; the window of time is chosen (last 1000 lines, since 1m/5m/15m, all),
// and timestamps, wrap, search and window belong to each container. Real TUI in
// tmux over real containers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthLine, berthPane, endTui, logsHint } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-logview-');
let pane: TmuxPane;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'marks', 'bb', 'sh', '-c',
    'i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo "line $i"; case $i in 50|150) echo "hit-$i";; esac; done; sleep 100000']));
  // a log written earlier: its records' times are what the window is about (the monitor's
  // format, written by hand: a container that ran minutes ago)
  const old = t.ok(['create', '--name', 'aged', 'bb', 'true']);
  t.seen.push(old);
  const now = Date.now();
  // one millisecond apart, as a monitor's stamps differ
  const rec = (agoMs: number, i: number, text: string): string => `${new Date(now - agoMs + i).toISOString()} stdout F ${text} ${i}\n`;
  let log = '';
  for (let i = 0; i < 1200; i++) log += rec(20 * 60_000, i, 'ancient');
  for (let i = 0; i < 7; i++) log += rec(10 * 60_000, i, 'ten-minutes');
  for (let i = 0; i < 5; i++) log += rec(3 * 60_000, i, 'three-minutes');
  for (let i = 0; i < 3; i++) log += rec(20_000, i, 'recent');
  writeFileSync(`${t.root}/containers/${t.ok(['inspect', '-f', '{{.Id}}', 'aged'])}/ctr.log`, log);
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane]));

async function select(name: string): Promise<void> {
  pane.keys('Escape', 'Escape');
  await pane.waitFor((x) => !/— filter "/.test(x) && /Containers — (\d+) of \1\b/.test(x), 'the whole list');
  pane.keys('/', ...name.split(''), 'Enter', 'l');
  await pane.waitFor((x) => new RegExp(`─ ${name} — logs`).test(x), `${name}'s logs`);
}

test('a search starts at the newest match; n goes further back', async () => {
  await pane.waitFor((x) => x.includes('marks'), 'the list');
  await select('marks');
  await pane.waitFor((x) => x.includes('line 400'), 'the end of the log');
  pane.keys('/', 'h', 'i', 't', 'Enter');
  let s = await pane.waitFor((x) => /match 1\/2 for "hit"/.test(x), 'the first match');
  assert.ok(s.includes('hit-150'), 'the newest match shown');
  assert.not.ok(s.includes('hit-50\n') || /hit-50 /.test(s), 'not the oldest');
  pane.keys('n');
  s = await pane.waitFor((x) => /match 2\/2 for "hit"/.test(x), 'the next match');
  assert.ok(/hit-50 /.test(s), `n went back to the older one:\n${s}`);
  pane.keys('N');
  await pane.waitFor((x) => /match 1\/2 for "hit"/.test(x) && /hit-150 /.test(x), 'N came forward again');
});

test('W chooses how far back the log is read', async () => {
  await select('aged');
  let s = await pane.waitFor((x) => /last 1000 +1000 lines/.test(logsHint(x)), 'the last 1000 lines');
  pane.keys('W');
  s = await pane.waitFor((x) => /since 1m +3 lines/.test(logsHint(x)), 'the last minute');
  assert.ok(s.includes('recent 2') && !s.includes('three-minutes'), s);
  pane.keys('W');
  await pane.waitFor((x) => /since 5m +8 lines/.test(logsHint(x)), 'the last 5 minutes');
  pane.keys('W');
  await pane.waitFor((x) => /since 15m +15 lines/.test(logsHint(x)), 'the last 15 minutes');
  pane.keys('W');
  s = await pane.waitFor((x) => /all +1215 lines/.test(logsHint(x)), 'all of it');
  assert.ok(s);
});

test('timestamps, wrap, search and window are per container', async () => {
  // aged: window "all" from the test before; add timestamps and a search
  pane.keys('t', '/', 'r', 'e', 'c', 'e', 'n', 't', 'Enter');
  await pane.waitFor((x) => /● timestamps/.test(logsHint(x)) && /search "recent"/.test(logsHint(x)), 'aged: timestamps and a search');
  await select('marks');
  let s = await pane.waitFor((x) => /line 400/.test(x) || /hit-/.test(x), 'marks again');
  s = await pane.waitFor((x) => /○ timestamps/.test(logsHint(x)) && /search "hit"/.test(logsHint(x)) && /last 1000/.test(logsHint(x)), 'marks: its own settings');
  assert.not.ok(/search "recent"/.test(logsHint(s)));
  await select('aged');
  await pane.waitFor((x) => /● timestamps/.test(logsHint(x)) && /search "recent"/.test(logsHint(x)) && /all +1215 lines/.test(logsHint(x)), 'aged: its settings back');
  pane.keys('Escape', 'Escape', 'q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test('a search typed before the log has a line waits for its lines, then finds the match', async () => {
  // it writes its line only once told to (a file in it), after the search is typed
  t.seen.push(t.ok(['run', '-d', '--name', 'late', 'bb', 'sh', '-c', 'while [ ! -e /go ]; do sleep 0.1; done; echo "late-line"; sleep 100000']));
  pane.type(`clear; ${berthLine(t, '', '-late')}`);
  await pane.waitFor((x) => / late /.test(x), 'the list');
  await select('late');
  pane.keys('/', ...'late-line'.split(''), 'Enter');
  await pane.waitFor((x) => x.includes('searching for "late-line" when the log\'s lines come'), 'the search waiting for lines');
  t.ok(['exec', 'late', 'touch', '/go']);
  await pane.waitFor((x) => /match 1\/1 for "late-line"/.test(x), 'the match, once the line came');
  pane.keys('Escape', 'Escape', 'q');
  await pane.waitFor((x) => x.includes('EXITED-late 0'), 'quit');
});

test.run();
