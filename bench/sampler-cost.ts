// What the stats sampler costs: N idle containers (default 50) subscribed for
// S seconds (default 10) in one sampler; prints this process's CPU time
// (process.cpuUsage) per container per second of sampling, against the same
// process idle for the same time. A measurement, not a test.
//   usage: node dist/bench/sampler-cost.js [N] [SECONDS]
// bench/stats.ts reuses samplerCost() on containers it already runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '../src/engine/index.js';
import { busyboxTar } from '../test/helpers/fixtures.js';

async function cpuOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await sleep(ms);
  const d = process.cpuUsage(before);
  return d.user + d.system; // µs
}

export interface SamplerCost { n: number; seconds: number; samples: number; idleUs: number; busyUs: number; perCtrPerSecUs: number; percentOfCpu: number }

/** Samples the running containers `ids` of `engine` for `seconds`, against the same time idle. */
export async function samplerCost(engine: Engine, ids: string[], seconds: number): Promise<SamplerCost> {
  const n = ids.length;
  const idle = await cpuOver(seconds * 1000);
  const sampler = engine.stats();
  let samples = 0;
  const offs = ids.map((id) => sampler.subscribe(id, () => { samples++; }));
  try {
    await sleep(2000); // warm-up: files opened, first ticks
    samples = 0;
    const busy = await cpuOver(seconds * 1000);
    return { n, seconds, samples, idleUs: idle, busyUs: busy, perCtrPerSecUs: (busy - idle) / n / seconds, percentOfCpu: (busy - idle) / seconds / 1e4 };
  } finally {
    // unsubscribe, not close(): engine.stats() hands out one cached sampler, and a closed
    // one fails the next subscribe (EBADF on its /proc/stat fd)
    for (const off of offs) off();
  }
}

/** Creates and starts `n` idle busybox containers (image `bb` must exist). */
export async function startIdle(engine: Engine, n: number, ids: string[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const rec = await engine.containers.create({ image: 'bb', cmd: ['sleep', '100000'] });
    ids.push(rec.id); // before start: a failed start is still removed
    await engine.containers.start(rec.id);
  }
}

export async function removeAll(engine: Engine, ids: string[]): Promise<void> {
  for (const id of ids) await engine.containers.remove(id, { force: true }).catch((e) => console.error(String(e)));
  ids.length = 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 50), seconds = Number(process.argv[3] ?? 10);
  const root = mkdtempSync(join('/tmp', 'berth-bench-stats-'));
  const engine = Engine.open({ root });
  const ids: string[] = [];
  try {
    await engine.images.import(busyboxTar(), 'bb');
    await startIdle(engine, n, ids);
    const c = await samplerCost(engine, ids, seconds);
    console.log(`containers: ${n}, seconds: ${seconds}, samples delivered: ${c.samples}`);
    console.log(`process CPU idle: ${(c.idleUs / 1000).toFixed(1)} ms; sampling: ${(c.busyUs / 1000).toFixed(1)} ms`);
    console.log(`sampler cost: ${c.perCtrPerSecUs.toFixed(1)} µs CPU per container per second ` +
      `(${c.percentOfCpu.toFixed(3)} % of one CPU for all ${n})`);
  } finally {
    await removeAll(engine, ids);
    rmSync(root, { recursive: true, force: true });
  }
}
