// The engine in-process: what the TUI and an API service pay per action, with no
// node start-up in the figure (Engine.open with collectExits, as those faces run).
// One cycle = create + start + wait + remove of `/bin/true` (`--network none`),
// each phase timed, interleaved with `crun run` of the same rootfs (the floor: a
// runtime alone, no records or monitor). Then N containers (`sleep`) created and
// started one after another from one process, and N short ones (`/bin/true`)
// whose exits must all be recorded (by the collector: nothing polls).
// The measuring process runs in a v1 cpuacct cgroup of its own, so the CPU of
// everything a cycle sets off is counted too: monitors, cleanup processes, the
// containers (nested under the caller's cgroup) — wall time alone hides work
// that lands after the cycle, and swings with the shared cores' load.
//   standalone: node dist/bench/engine.js [ROUNDS] [N]  (inside `unshare --net`)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/engine/index.js';
import type { Anchors } from './anchors.js';
import { anchorsDir, fmt, interleave, log, summary, timed, verdict, type Row } from './util.js';

const PHASES = ['create', 'start', 'wait', 'remove'] as const;
type Phase = typeof PHASES[number];
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** This process's v1 cpuacct directory, when it has one of its own to read (see benchEngine). */
function ownCpuacct(): string | undefined {
  const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes('cpuacct'));
  const path = line?.split(':')[2];
  return path && path.includes('/berth-bench-') ? join('/sys/fs/cgroup/cpuacct', path) : undefined;
}
const cpuMs = (dir: string) => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6;

/** One create + start + wait + remove; each phase's wall ms into `phases`, returns the total. */
async function cycle(engine: Engine, phases: Record<Phase, number[]>, cpu: number[], acct?: string): Promise<number> {
  const c = engine.containers;
  const u0 = acct ? cpuMs(acct) : 0;
  let t = process.hrtime.bigint();
  const t0 = t;
  const rec = await c.create({ image: 'bb', cmd: ['/bin/true'], network: { mode: 'none' } });
  phases.create.push(ms(t)); t = process.hrtime.bigint();
  await c.start(rec.id);
  phases.start.push(ms(t)); t = process.hrtime.bigint();
  const code = await c.wait(rec.id);
  phases.wait.push(ms(t)); t = process.hrtime.bigint();
  await c.remove(rec.id);
  phases.remove.push(ms(t));
  if (acct) cpu.push(cpuMs(acct) - u0);
  if (code !== 0) throw new Error(`/bin/true exited ${code}`);
  return ms(t0);
}

/** The measurement itself (in the child process, see benchEngine). */
async function measure(bbTar: string, crunBundle: string | undefined, rounds: number, n: number): Promise<Row[]> {
  const rows: Row[] = [];
  const root = mkdtempSync('/tmp/berth-bench-engine-');
  const engine = Engine.open({ root, collectExits: true }); // as the TUI and an API service
  const acct = ownCpuacct();
  try {
    await engine.images.import(bbTar, 'bb');
    const phases = Object.fromEntries(PHASES.map((p) => [p, [] as number[]])) as Record<Phase, number[]>;
    const cpu: number[] = [];
    const tools: Record<string, () => number | Promise<number>> = { 'berth engine': () => cycle(engine, phases, cpu, acct) };
    let k = 0;
    if (crunBundle) tools.crun = () => timed(join(anchorsDir, 'crun-hybrid.sh'), ['run', '--bundle', crunBundle, `bench-eng-${process.pid}-${k++}`]);
    const errors: Record<string, string> = {};
    log(`engine cycle: ${Object.keys(tools).join(', ')} × ${rounds}${acct ? '' : ' (no cgroup of its own: no CPU figure)'}`);
    await interleave(2, tools, errors); // warm-up: page cache, the seccomp filter, first cgroups
    for (const p of PHASES) phases[p].length = 0;
    cpu.length = 0;
    const res = await interleave(rounds, tools, errors);
    if (errors['berth engine']) throw new Error(errors['berth engine']);
    const total = summary(res['berth engine']);
    rows.push({ section: 'engine', what: 'in-process create + start + wait + remove of /bin/true', value: fmt(total, 'ms', 1),
      note: verdict(total.med <= 30, 'target ≤ 30 ms') });
    for (const p of PHASES) rows.push({ section: 'engine', what: `  ${p}`, value: fmt(summary(phases[p]), 'ms', 1) });
    if (cpu.length) rows.push({ section: 'engine', what: '  CPU per cycle (node, monitor, container, anything it sets off)', value: fmt(summary(cpu), 'ms', 1) });
    if (res.crun?.length) {
      const cr = summary(res.crun);
      rows.push({ section: 'engine', what: 'floor: `crun run` (bundle, /bin/true, a process of its own)', value: fmt(cr, 'ms', 1),
        note: `berth engine / crun ${(total.med / cr.med).toFixed(2)}×` });
    } else rows.push({ section: 'engine', what: 'floor: `crun run`', value: 'skipped', note: errors.crun ?? 'no anchors' });

    // N long-running containers created and started one after another from this process
    const ids: string[] = [];
    try {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const rec = await engine.containers.create({ image: 'bb', cmd: ['sleep', '1000000'], network: { mode: 'none' } });
        await engine.containers.start(rec.id);
        ids.push(rec.id);
      }
      const s = ms(t0) / 1000;
      rows.push({ section: 'engine', what: `${n} containers created and started from one process`, value: `${(n / s).toFixed(1)} /s (${s.toFixed(2)} s)`,
        note: verdict(n / s >= 30, 'target ≥ 30 /s') });
    } finally {
      for (const id of ids) await engine.containers.remove(id, { force: true }).catch(() => {});
    }

    // N short ones started back to back, then every exit collected
    const short: string[] = [];
    try {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const rec = await engine.containers.create({ image: 'bb', cmd: ['/bin/true'], network: { mode: 'none' } });
        await engine.containers.start(rec.id);
        short.push(rec.id);
      }
      const codes = await Promise.all(short.map((id) => engine.containers.wait(id)));
      const s = ms(t0) / 1000;
      const bad = codes.filter((c) => c !== 0).length;
      rows.push({ section: 'engine', what: `${n} × /bin/true started, every exit recorded (no polling)`, value: `${(n / s).toFixed(1)} /s (${s.toFixed(2)} s)`,
        note: bad ? `${bad} exits not 0` : undefined });
    } finally {
      for (const id of short) await engine.containers.remove(id, { force: true }).catch(() => {});
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/** Runs `measure` in a child process placed in a cpuacct cgroup made for it (v1 hosts such as
 *  this one; elsewhere without the CPU figure); the cgroup goes afterwards. */
export async function benchEngine(a: Anchors | undefined, bbTar: string, rounds: number, n: number): Promise<Row[]> {
  const self = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.split(':')[1]?.split(',').includes('cpuacct'))?.split(':')[2];
  const cg = self !== undefined ? join('/sys/fs/cgroup/cpuacct', self, `berth-bench-${process.pid}`) : undefined;
  try { if (cg) mkdirSync(cg); } catch { /* no v1 cpuacct here */ }
  const args = [fileURLToPath(import.meta.url), 'child', JSON.stringify({ bbTar, crun: a && !a.skip.crun ? join(a.bb, 'bundle') : undefined, rounds, n })];
  try {
    const r = spawnSync('sh', ['-c', 'test -z "$1" || echo $$ > "$1/cgroup.procs" 2>/dev/null; shift; exec "$@"', 'sh', cg ?? '', process.execPath, ...args],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`engine bench exited ${r.status ?? r.signal}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Row[];
  } finally {
    if (cg) try { rmdirSync(cg); } catch { /* not made, or a straggler still in it */ }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'child') {
    const o = JSON.parse(process.argv[3]) as { bbTar: string; crun?: string; rounds: number; n: number };
    console.log(JSON.stringify(await measure(o.bbTar, o.crun, o.rounds, o.n)));
  } else {
    const { busyboxTar } = await import('../test/helpers/fixtures.js');
    const rows = await benchEngine(undefined, busyboxTar(), Number(process.argv[2] ?? 21), Number(process.argv[3] ?? 100));
    for (const r of rows) console.log(`${r.what}\t${r.value}\t${r.note ?? ''}`);
  }
}
