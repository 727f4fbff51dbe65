// The engine in-process: what the TUI and an API service pay per action, with no
// node start-up in the figure. One cycle = create + start + wait + remove of
// `/bin/true` (`--network none`), each phase timed, interleaved with `crun run`
// of the same rootfs (the floor: a runtime alone, no records or monitor).
// Then density from one process: N containers started back to back (`sleep`),
// starts per second, and N short ones (`/bin/true`) whose exits must all be
// recorded with nothing polling per container.
//   standalone: node dist/bench/engine.js [ROUNDS] [N]  (inside `unshare --net`)
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/engine/index.js';
import type { Anchors } from './anchors.js';
import { anchorsDir, fmt, interleave, log, summary, timed, verdict, type Row } from './util.js';

const PHASES = ['create', 'start', 'wait', 'remove'] as const;
type Phase = typeof PHASES[number];

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** One create + start + wait + remove; each phase's wall ms into `phases`, returns the total. */
async function cycle(engine: Engine, phases: Record<Phase, number[]>): Promise<number> {
  const c = engine.containers;
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
  if (code !== 0) throw new Error(`/bin/true exited ${code}`);
  return ms(t0);
}

export async function benchEngine(a: Anchors | undefined, bbTar: string, rounds: number, n: number): Promise<Row[]> {
  const rows: Row[] = [];
  const root = mkdtempSync(join(a?.tmp ?? '/tmp', 'berth-engine-'));
  const engine = Engine.open({ root, collectExits: true }); // as the TUI and an API service
  try {
    await engine.images.import(bbTar, 'bb');
    const phases = Object.fromEntries(PHASES.map((p) => [p, [] as number[]])) as Record<Phase, number[]>;
    const tools: Record<string, () => number | Promise<number>> = { 'berth engine': () => cycle(engine, phases) };
    let k = 0;
    if (a && !a.skip.crun) tools.crun = () => timed(join(anchorsDir, 'crun-hybrid.sh'), ['run', '--bundle', join(a.bb, 'bundle'), `bench-eng-${process.pid}-${k++}`]);
    const errors: Record<string, string> = {};
    log(`engine cycle: ${Object.keys(tools).join(', ')} × ${rounds}`);
    await interleave(2, tools, errors); // warm-up: page cache, first cgroups, the seccomp compile cache
    for (const p of PHASES) phases[p].length = 0;
    const res = await interleave(rounds, tools, errors);
    if (errors['berth engine']) throw new Error(errors['berth engine']);
    const total = summary(res['berth engine']);
    rows.push({ section: 'engine', what: 'in-process create + start + wait + remove of /bin/true', value: fmt(total, 'ms', 1),
      note: verdict(total.med <= 30, 'target ≤ 30 ms') });
    for (const p of PHASES) rows.push({ section: 'engine', what: `  ${p}`, value: fmt(summary(phases[p]), 'ms', 1) });
    if (res.crun?.length) {
      const cr = summary(res.crun);
      rows.push({ section: 'engine', what: 'floor: `crun run` (bundle, /bin/true, a process of its own)', value: fmt(cr, 'ms', 1),
        note: `berth engine / crun ${(total.med / cr.med).toFixed(2)}×` });
    } else rows.push({ section: 'engine', what: 'floor: `crun run`', value: 'skipped', note: errors.crun ?? a?.skip.crun ?? 'no anchors' });

    // N long-running containers started one after another from this process
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

    // N short ones: started back to back, then every exit collected (the monitors record them)
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
      rows.push({ section: 'engine', what: `${n} × /bin/true started, every exit recorded`, value: `${(n / s).toFixed(1)} /s (${s.toFixed(2)} s)`,
        note: bad ? `${bad} exits not 0` : undefined });
    } finally {
      for (const id of short) await engine.containers.remove(id, { force: true }).catch(() => {});
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { busyboxTar } = await import('../test/helpers/fixtures.js');
  const rounds = Number(process.argv[2] ?? 21);
  const n = Number(process.argv[3] ?? 100);
  const rows = await benchEngine(undefined, busyboxTar(), rounds, n);
  for (const r of rows) console.log(`${r.what}\t${r.value}\t${r.note ?? ''}`);
}
