// The health checker of one run of one container (health.ts): node --
// health-main.js ROOT ID STARTED_AT, started detached by `start`. It sleeps an
// interval (the start interval while starting inside the start period, as
// moby's monitor does), probes (health-probe.ts) and records the result under
// the container's lock, and ends as soon as its run does: it watches the run's
// monitor between probes, and whoever collects the run's exit kills it too.
import { Layout } from '../store/layout.js';
import { BerthError } from '../errors.js';
import { healthTimings, probeCommand } from './health-config.js';
import { readHealth, recordProbeResult } from './health.js';
import { runProbe } from './health-probe.js';
import { loadRecord, withContainerLock } from './records.js';
import { deriveState, monitorAlive } from './state.js';
import type { ContainerRecord } from './types.js';

const [root, id, startedAt] = process.argv.slice(2);
const layout = new Layout(root);
const paths = layout.container(id);
/** How often the run's monitor is looked at while waiting: how late the checker may end. */
const WATCH_MS = 200;

/** The record if this checker's run is still the container's current, running run. */
function currentRun(): ContainerRecord | undefined {
  let rec;
  try {
    rec = loadRecord(layout, id);
  } catch {
    return undefined; // removed meanwhile
  }
  if (!rec?.run || rec.run.startedAt !== startedAt || !deriveState(rec, paths).running) return undefined;
  return rec;
}

/** Waits ms while the run's monitor lives; false once it is gone. */
async function waitWhileRunning(rec: ContainerRecord, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!monitorAlive(rec)) return false;
    const left = until - Date.now();
    if (left <= 0) return true;
    await new Promise((r) => setTimeout(r, Math.min(left, WATCH_MS)));
  }
}

// no top-level await: the bundle (scripts/bundle.mjs) is CommonJS
async function check(): Promise<void> {
  // under the lock: the start that spawned this checker has saved its run by then
  let rec = await withContainerLock(layout, id, currentRun);
  const cmd = probeCommand(rec?.config.healthcheck);
  if (!rec || !cmd) return;
  const t = healthTimings(rec.config.healthcheck!);
  const started = Date.parse(startedAt);
  for (;;) {
    const starting = readHealth(paths)?.Status === 'starting';
    const interval = Date.now() - started < t.startPeriod && starting ? t.startInterval : t.interval;
    if (!(await waitWhileRunning(rec, interval))) return;
    rec = currentRun();
    if (!rec) return;
    if (rec.paused) continue; // docker probes no paused container
    let result;
    try {
      result = await runProbe(layout, rec, cmd, t.timeout);
    } catch (e) {
      if (e instanceof BerthError && e.code === 'NOT_RUNNING') return;
      throw e;
    }
    const done = await withContainerLock(layout, id, () => {
      const now = currentRun();
      if (!now) return true; // the run ended during the probe: its result is not recorded
      if (!now.paused) recordProbeResult(layout, now, result); // docker drops a probe the pause cut short
      return false;
    });
    if (done) return;
  }
}

check().catch((e: unknown) => {
  if (e instanceof BerthError && e.code === 'NOT_FOUND') return; // removed meanwhile
  process.stderr.write(`berth health ${id}: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
