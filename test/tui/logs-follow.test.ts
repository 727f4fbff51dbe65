// The logs tab over a container's life: it keeps following across restarts
// (by the CLI and by the restart policy) without a key, its "older lines
// dropped" count belongs to the container shown, and a 48 MB log opens by its
// tail without the TUI holding the file (its RSS, from /proc, not a timing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-logs-');
let pane: TmuxPane;

/** Each run of the container counts itself in a file of its own root and says so. */
const counting = (tag: string): string =>
  `n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; while true; do echo "${tag} run$n tick"; sleep 0.2; done`;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'cli-restarted', 'bb', 'sh', '-c', counting('cli')]));
  // the policy restarts it: each run ticks for a second, then fails
  t.seen.push(t.ok(['run', '-d', '--name', 'policy-restarted', '--restart', 'always', 'bb', 'sh', '-c',
    'n=$(cat /runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > /runs; i=0; while [ $i -lt 5 ]; do echo "policy run$n tick"; i=$((i+1)); sleep 0.2; done; exit 3']));
  // 3000 lines a second: the buffer's 5000 fill and the oldest are dropped while it is shown
  t.seen.push(t.ok(['run', '-d', '--name', 'many', 'bb', 'sh', '-c', 'while true; do seq 1 3000 | sed "s/^/many /"; sleep 1; done']));
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane]));

async function select(name: string): Promise<string> {
  pane.keys('Escape');
  await pane.waitFor((x) => !/— filter "/.test(x), 'no filter');
  pane.keys('/', ...name.split(''), 'Enter');
  return pane.waitFor((x) => new RegExp(`─ ${name} — logs`).test(x), `${name} selected`);
}

test('logs keep following after a restart from the CLI', async () => {
  await pane.waitFor((x) => x.includes('cli-restarted'), 'the list');
  await select('cli-restarted');
  await pane.waitFor((x) => x.includes('cli run1 tick') && x.includes('● follow'), 'the first run ticking');
  t.ok(['restart', '-t', '1', 'cli-restarted']);
  await pane.waitFor((x) => x.includes('cli run2 tick'), 'the second run in the logs, no key pressed', 15_000);
  t.ok(['restart', '-t', '1', 'cli-restarted']);
  await pane.waitFor((x) => x.includes('cli run3 tick'), 'the third run too', 15_000);
});

test('logs keep following across restarts by the policy', async () => {
  await select('policy-restarted');
  await pane.waitFor((x) => /policy run\d+ tick/.test(x), 'a run ticking');
  const first = Number(/policy run(\d+) tick/.exec(pane.screen())![1]);
  await pane.waitFor((x) => x.includes(`policy run${first + 2} tick`), 'two restarts later, still following', 20_000);
});

test('the dropped-lines count belongs to the container shown', async () => {
  await select('many');
  await pane.waitFor((x) => /\(\d+ older dropped\)/.test(x), 'many has dropped lines', 30_000);
  await select('cli-restarted');
  const s = await pane.waitFor((x) => x.includes('cli run') && /\d+ lines/.test(x), 'cli-restarted logs');
  assert.not.ok(/older dropped/.test(s.split('\n').find((l) => /\d+ lines/.test(l)) ?? ''), `no count carried over:\n${s}`);
});

test('a 48 MB log opens by its tail; the TUI does not hold the file', async () => {
  await select('cli-restarted');
  // 48 MB of log in one line (a progress bar redrawn with \r, a minified dump): the
  // monitor writes it as many `P` pieces of one record. Made now, not shown yet.
  t.seen.push(t.ok(['run', '-d', '--name', 'huge', 'bb', 'sh', '-c',
    'yes "a progress bar that is redrawn in place, never ending its line: 42% " | tr -d "\\n" | head -c 48000000; echo; echo huge-last-line; sleep 100000']));
  const log = `${t.root}/containers/${t.ok(['inspect', '-f', '{{.Id}}', 'huge'])}/ctr.log`;
  const ready = Date.now() + 60_000;
  while (!readFileSync(log, 'utf8').slice(-200).includes('huge-last-line') && Date.now() < ready) await new Promise((r) => setTimeout(r, 200));
  const size = Number(spawnSync('stat', ['-c', '%s', log], { encoding: 'utf8' }).stdout);
  assert.ok(size > 48e6, `the log is ${size} bytes`);
  const oneLine = readFileSync(log, 'latin1').split('\n').filter((l) => / stdout P /.test(l)).length;
  assert.ok(oneLine > 1000, `the long line came in ${oneLine} pieces`);
  const shell = pane.tmux(['display-message', '-p', '#{pane_pid}']).trim();
  const pid = spawnSync('pgrep', ['-P', shell, 'node'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  const rss = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  await new Promise((r) => setTimeout(r, 1000));
  const before = rss();
  await select('huge');
  await pane.waitFor((x) => x.includes('huge-last-line'), 'the last line of the big log', 30_000);
  await new Promise((r) => setTimeout(r, 1000));
  const after = rss();
  console.log(`  RSS ${(before / 1e6).toFixed(0)} MB → ${(after / 1e6).toFixed(0)} MB opening a ${(size / 1e6).toFixed(0)} MB log`);
  assert.ok(after - before < 50e6, `RSS grew by ${((after - before) / 1e6).toFixed(0)} MB`);
  pane.keys('Escape', 'q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
