// What the stats sampler costs: N idle containers (default 50) subscribed for
// S seconds (default 10) in one sampler; prints this process's CPU time
// (process.cpuUsage) per container per second of sampling, against the same
// process idle for the same time. A measurement, not a test.
//   usage: node dist/bench/sampler-cost.js [N] [SECONDS]
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '../src/engine/index.js';
import { busyboxTar } from '../test/helpers/fixtures.js';

const n = Number(process.argv[2] ?? 50), seconds = Number(process.argv[3] ?? 10);
const root = mkdtempSync(join('/tmp', 'berth-bench-stats-'));
const engine = Engine.open({ root });
const ids: string[] = [];

async function cpuOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await sleep(ms);
  const d = process.cpuUsage(before);
  return d.user + d.system; // µs
}

try {
  await engine.images.import(busyboxTar(), 'bb');
  for (let i = 0; i < n; i++) {
    const rec = await engine.containers.create({ image: 'bb', cmd: ['sleep', '100000'] });
    await engine.containers.start(rec.id);
    ids.push(rec.id);
  }
  const idle = await cpuOver(seconds * 1000);
  const sampler = engine.stats();
  let samples = 0;
  for (const id of ids) sampler.subscribe(id, () => { samples++; });
  await sleep(2000); // warm-up: files opened, first ticks
  samples = 0;
  const busy = await cpuOver(seconds * 1000);
  sampler.close();
  const perCtrPerSec = (busy - idle) / n / seconds;
  console.log(`containers: ${n}, seconds: ${seconds}, samples delivered: ${samples}`);
  console.log(`process CPU idle: ${(idle / 1000).toFixed(1)} ms; sampling: ${(busy / 1000).toFixed(1)} ms`);
  console.log(`sampler cost: ${perCtrPerSec.toFixed(1)} µs CPU per container per second ` +
    `(${((busy - idle) / seconds / 1e4).toFixed(3)} % of one CPU for all ${n})`);
} finally {
  for (const id of ids) await engine.containers.remove(id, { force: true }).catch((e) => console.error(String(e)));
  rmSync(root, { recursive: true, force: true });
}
