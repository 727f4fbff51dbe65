// The resources issue's "done when", on the real kernel through the CLI, with
// CPU % read from the engine's own sampler (not from wall-clock timing): OOM →
// 137 + OOMKilled, --cpus 0.5 → ~50 %, a fork bomb held at --pids-limit, pause
// → CPU 0, update --memory live, bad values refused, nothing left after rm.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { Engine, type StatsSample } from '../../src/engine/index.js';
import { detectSupport } from '../../src/engine/cgroup/index.js';

const t = new TestRoot('berth-test-res-');
let engine: Engine;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  engine = Engine.open({ root: t.root });
});

test.after(() => {
  engine.stats().close();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const runDetached = (args: string[]): string => {
  const id = t.ok(['run', '-d', ...args]);
  t.seen.push(id);
  return id;
};
const cgroupPaths = (id: string): string[] =>
  (JSON.parse(readFileSync(join(t.root, 'containers', id, 'container.json'), 'utf8')) as { run: { cgroupPaths: string[] } }).run.cgroupPaths;
/** The container's file `v1` in its v1 hierarchy `ctrl`, else `v2` in its cgroup2 directory. */
function limitFile(id: string, ctrl: string, v1: string, v2: string): string {
  const paths = cgroupPaths(id);
  const v1Dir = paths.find((p) => existsSync(join(p, v1)) && p.includes(`/${ctrl}/`));
  if (v1Dir) return join(v1Dir, v1);
  const v2Dir = paths.find((p) => existsSync(join(p, v2)));
  if (!v2Dir) throw new Error(`no ${v1} / ${v2} for ${id}`);
  return join(v2Dir, v2);
}

/** `count` samples of one container from the engine's sampler (after its baseline). */
function samples(id: string, count: number): Promise<StatsSample[]> {
  return new Promise((resolve) => {
    const got: StatsSample[] = [];
    const off = engine.stats().subscribe(id, (s) => {
      got.push(s);
      if (got.length === count) { off(); resolve(got); }
    });
  });
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** idle + iowait ticks and the wall time, to tell how many CPUs the host left unused since. */
const hostIdle = (): { idle: number; at: number } => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  return { idle: Number(f[4]) + Number(f[5]), at: Date.now() };
};
const idleCpusSince = (b: { idle: number; at: number }): number => {
  const a = hostIdle();
  return (a.idle - b.idle) / 100 / ((a.at - b.at) / 1000); // USER_HZ = 100
};

test('--memory 32m: a memory hog is OOM-killed, exits 137, inspect says OOMKilled', () => {
  const r = t.berth(['run', '--name', 'hog', '--memory', '32m', 'bb', 'sh', '-c', 'x=a; while :; do x="$x$x"; done']);
  assert.is(r.code, 137, r.stderr);
  const st = JSON.parse(t.ok(['inspect', 'hog']))[0].State;
  assert.is(st.OOMKilled, true);
  assert.is(st.ExitCode, 137);
  t.ok(['rm', 'hog']);
});

test('--cpus 0.5: a busy loop shows 50 % ± 5 in the sampler over ~3 s', async () => {
  const id = runDetached(['--cpus', '0.5', 'bb', 'sh', '-c', 'while :; do :; done']);
  assert.is(readFileSync(limitFile(id, 'cpu', 'cpu.cfs_quota_us', 'cpu.max'), 'utf8').trim().split(' ')[0], '50000');
  // other work on this shared 2-CPU host can starve the container below its quota, never lift
  // it above: take 3-sample windows until one is within 50 ± 5 (at most 6). Below 45 only
  // counts as a failure when the host had a spare half CPU during that window (/proc/stat idle).
  // The quota itself: container CPU time over wall time across all windows ≤ 0.53 CPU — not
  // per docker sample, whose tick-based host time jitters on emulated (TCG) guests.
  const seen: number[] = [];
  let best = 0, idleCpus = 0, first: StatsSample | undefined, last: StatsSample | undefined;
  for (let w = 0; w < 6; w++) {
    const before = hostIdle();
    const all = await samples(id, 4);
    first ??= all[0];
    last = all[3];
    idleCpus = idleCpusSince(before);
    const s = all.slice(1).map((x) => x.cpu!.percent); // the first includes the baseline gap
    seen.push(...s);
    best = mean(s);
    if (best >= 45 && best <= 55) break;
  }
  const cpusUsed = (last!.cpu!.usageNs - first!.cpu!.usageNs) / ((last!.at - first!.at) * 1e6);
  console.log(`  --cpus 0.5 busy loop: ${best.toFixed(1)} % (CPU time / wall ${cpusUsed.toFixed(3)}; host idle ${idleCpus.toFixed(2)} CPUs; samples ${seen.map((x) => x.toFixed(1)).join(', ')})`);
  assert.ok(cpusUsed <= 0.53, `the container used ${cpusUsed} CPUs: the 0.5 quota is not enforced`);
  if (best < 45 && idleCpus < 0.5) console.log('  NOTE: the host was saturated by other work: the container was starved, only the quota bound was checked');
  else assert.ok(best >= 45 && best <= 55, `CPU ${best}`);
  const row = JSON.parse(t.ok(['stats', '--no-stream', '--format', 'json', id]));
  assert.match(row.CPUPerc, /^\d+\.\d\d%$/);
  assert.is(row.ID, id.slice(0, 12));
  const paths = cgroupPaths(id);
  t.ok(['rm', '-f', id]);
  for (const p of paths) assert.not.ok(existsSync(p), `${p} left after rm`);
});

test('--pids-limit 20: a fork bomb stops at 20, the container stays killable, the host is fine', async () => {
  const id = runDetached(['--pids-limit', '20', 'bb', 'sh', '-c', 'b() { b | b & }; b; sleep 1000']);
  assert.is(readFileSync(limitFile(id, 'pids', 'pids.max', 'pids.max'), 'utf8').trim(), '20');
  const s = await samples(id, 3);
  const peak = Math.max(...s.map((x) => x.pids ?? 0));
  console.log(`  fork bomb pids: ${s.map((x) => x.pids).join(', ')}`);
  assert.ok(peak <= 20, `pids ${peak}`);
  // the kernel's own count of forks refused at the limit: samples a second apart can miss the
  // peak of a bomb whose shells die as their forks fail
  const refused = Number(/^max (\d+)/m.exec(readFileSync(limitFile(id, 'pids', 'pids.events', 'pids.events'), 'utf8'))?.[1] ?? 0);
  assert.ok(refused > 0, `the bomb should have hit the limit (pids ${peak}, forks refused ${refused})`);
  const host = spawnSync('sh', ['-c', 'for i in 1 2 3 4 5; do true & done; wait; echo ok'], { encoding: 'utf8', timeout: 10_000 });
  assert.is(host.stdout.trim(), 'ok', 'the host can still fork');
  const paths = cgroupPaths(id);
  t.ok(['rm', '-f', id]);
  for (const p of paths) assert.not.ok(existsSync(p), `${p} left after rm`);
});

test('pause freezes (CPU ~0 over 1 s), unpause resumes', async () => {
  const id = runDetached(['bb', 'sh', '-c', 'while :; do :; done']);
  t.ok(['pause', id]);
  const paused = await samples(id, 2);
  console.log(`  paused: ${paused.map((x) => x.cpu!.percent.toFixed(2)).join(', ')} %`);
  assert.ok(paused[1].cpu!.percent < 1, `paused CPU ${paused[1].cpu!.percent}`);
  t.ok(['unpause', id]);
  const resumed = await samples(id, 2);
  console.log(`  resumed: ${resumed.map((x) => x.cpu!.percent.toFixed(1)).join(', ')} %`);
  // runs again (how much depends on the other load of this shared host)
  assert.ok(resumed[1].cpu!.percent > 5, `resumed CPU ${resumed[1].cpu!.percent}`);
  t.ok(['rm', '-f', id]);
});

test('update --memory changes the live limit and is stored', () => {
  const id = runDetached(['--memory', '64m', 'bb', 'sleep', '1000']);
  const file = limitFile(id, 'memory', 'memory.limit_in_bytes', 'memory.max');
  assert.is(readFileSync(file, 'utf8').trim(), String(64 * 1024 * 1024));
  assert.is(t.ok(['update', '--memory', '48m', '--pids-limit', '50', id]), id);
  assert.is(readFileSync(file, 'utf8').trim(), String(48 * 1024 * 1024));
  assert.is(readFileSync(limitFile(id, 'pids', 'pids.max', 'pids.max'), 'utf8').trim(), '50');
  const rec = JSON.parse(readFileSync(join(t.root, 'containers', id, 'container.json'), 'utf8'));
  assert.is(rec.config.resources.memory, 48 * 1024 * 1024);
  const hc = JSON.parse(t.ok(['inspect', id]))[0].HostConfig;
  assert.is(hc.Memory, 48 * 1024 * 1024);
  assert.is(hc.PidsLimit, 50);
  const bad = t.berth(['update', '--memory', '1k', id]);
  assert.is(bad.code, 1, 'a refusal of update: docker exits 1');
  assert.is(readFileSync(file, 'utf8').trim(), String(48 * 1024 * 1024), 'a refused update changes nothing');
  const paths = cgroupPaths(id);
  t.ok(['rm', '-f', id]);
  for (const p of paths) assert.not.ok(existsSync(p), `${p} left after rm`);
});

test('invalid values: exit 125, one line, no container created', () => {
  const before = t.ok(['ps', '-a', '-q']); // (a failed test above may have left its container)
  for (const [args, re] of [
    [['--memory', '1k'], /Minimum memory limit allowed is 6MB/],
    [['--cpus', '-1'], /Range of CPUs/],
    [['--cpuset-cpus', '99'], /Requested CPUs are not available/],
    [['--memory', 'lots'], /invalid size/],
    [['--memory', '32m', '--memory-swap', '16m'], /memoryswap/],
  ] as [string[], RegExp][]) {
    const r = t.berth(['run', '--rm', ...args, 'bb', 'true']);
    assert.is(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.is(t.ok(['ps', '-a', '-q']), before);
});

test('a limit the host cannot enforce is dropped with a visible warning where docker drops it', () => {
  const support = detectSupport();
  const r = t.berth(['run', '--rm', '--blkio-weight', '300', 'bb', 'true']);
  assert.is(r.code, 0, r.stderr);
  if (support.blkioWeight) assert.not.match(r.stderr, /WARNING/);
  else assert.match(r.stderr, /^WARNING: Your kernel does not support Block I\/O weight or the cgroup is not mounted\. Weight discarded\.$/m);
  console.log(`  blkio weight here: ${support.blkioWeight ?? 'unsupported (warned)'}`);
});

test('stats: docker columns, CPU % basis said, -a shows stopped containers', () => {
  t.ok(['create', '--name', 'idle', 'bb', 'true']);
  const out = t.ok(['stats', '--no-stream', '-a']);
  const lines = out.split('\n');
  assert.match(lines[0], /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
  assert.match(out, /idle\s+0\.00%\s+0B \/ 0B/);
  assert.match(out, /CPU % = docker's formula/);
  t.ok(['rm', 'idle']);
});

test.run();
