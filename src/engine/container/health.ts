// A container's health (docker's State.Health) without a daemon: each run of a
// container with a health check gets one small checker process (health-main.ts),
// started detached by `start`, that probes through `exec` and writes
// containers/<id>/health.json. A checker is known by its arguments (ROOT ID
// STARTED_AT), as a monitor is by its exit file, so one that a killed start never
// recorded is found all the same. Every write of the file happens under the
// container's lock, and whoever collects the run's exit (finalize, settle, rm)
// kills the container's checkers under the same lock: a result never lands after
// the run ended, and no checker outlives its run (it also ends by itself when
// it sees its run's monitor gone). A paused container is not probed.
// The rules are moby's (daemon/health.go): the first probe one interval after
// the start, `retries` consecutive failures make it unhealthy (failures inside
// the start period do not count while it is still starting), one success makes
// it healthy, the last 5 results are kept, output is cut at 4096 bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ContainerPaths, Layout } from '../store/layout.js';
import { spawnNodeHelper } from '../node-helper.js';
import { readJson, writeJson } from '../store/atomic.js';
import { emitContainerEvent } from './events.js';
import { healthTimings, probeCommand, type HealthConfig } from './health-config.js';
import type { ContainerRecord } from './types.js';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe, as docker's HealthcheckResult (times RFC3339). */
export interface HealthResult { Start: string; End: string; ExitCode: number; Output: string }

export interface HealthState { Status: HealthStatus; FailingStreak: number; Log: HealthResult[] }

export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT = 4096;

export const healthMain = fileURLToPath(new URL('./health-main.js', import.meta.url));

export function readHealth(paths: ContainerPaths): HealthState | undefined {
  try {
    return readJson<HealthState>(paths.health);
  } catch {
    return undefined;
  }
}

/** docker's handleProbeResult: the state after one more result (pure). */
export function applyProbeResult(h: HealthState, r: HealthResult, hc: HealthConfig, runStartedAt: string): HealthState {
  const t = healthTimings(hc);
  const next: HealthState = { Status: h.Status, FailingStreak: h.FailingStreak, Log: [...h.Log, r].slice(-MAX_LOG_ENTRIES) };
  if (r.ExitCode === 0) {
    next.FailingStreak = 0;
    next.Status = 'healthy';
    return next;
  }
  // while still starting, failures inside the start period do not count
  const inStartPeriod = h.Status === 'starting' && Date.parse(r.Start) - Date.parse(runStartedAt) < t.startPeriod;
  if (!inStartPeriod) {
    next.FailingStreak += 1;
    if (next.FailingStreak >= t.retries) next.Status = 'unhealthy';
  }
  return next;
}

/** Writes a probe's result; the caller holds the container's lock and checked the run is current. */
export function recordProbeResult(layout: Layout, rec: ContainerRecord, r: HealthResult): void {
  const paths = layout.container(rec.id);
  const before = readHealth(paths) ?? { Status: 'starting', FailingStreak: 0, Log: [] };
  const after = applyProbeResult(before, r, rec.config.healthcheck ?? {}, rec.run!.startedAt);
  writeJson(paths.health, after, { durable: false });
  if (after.Status !== before.Status) {
    emitContainerEvent(layout, rec, `health_status: ${after.Status}`);
  }
}

/** At start, under the container's lock, before the run is saved: the status goes back to
 * starting with the log kept (docker's initHealthMonitor), and the run's checker starts. */
export function startHealthChecker(layout: Layout, rec: ContainerRecord, startedAt: string): void {
  if (!probeCommand(rec.config.healthcheck)) return;
  const paths = layout.container(rec.id);
  writeJson(paths.health, { Status: 'starting', FailingStreak: 0, Log: readHealth(paths)?.Log ?? [] }, { durable: false });
  spawnNodeHelper(healthMain, [layout.root, rec.id, startedAt]);
}

/** When a run ends (its exit collected, or the container removed), under the container's
 * lock: its checker is killed, and the status says unhealthy, as docker's does once its
 * monitor stops ("for compatibility"). */
export function stopHealthChecker(layout: Layout, rec: ContainerRecord): void {
  if (!rec.config.healthcheck) return;
  for (const c of checkersOfRoot(layout)) {
    if (c.id !== rec.id) continue;
    try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
  markHealthStopped(layout.container(rec.id));
}

/** No probes any more (the run ended, or it is paused): docker's CloseMonitorChannel says
 * unhealthy "for compatibility"; the next success (after an unpause) says healthy again.
 * The caller holds the container's lock. */
export function markHealthStopped(paths: ContainerPaths): void {
  const h = readHealth(paths);
  if (h && h.Status !== 'unhealthy') writeJson(paths.health, { ...h, Status: 'unhealthy' }, { durable: false });
}

/** The health checkers running for this root's containers (by their arguments: ROOT ID STARTED_AT),
 * for `system check`: one that no current run records is an orphan. */
export function checkersOfRoot(layout: Layout): { pid: number; id: string; startedAt: string }[] {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    const at = argv.findIndex((a) => a.endsWith('/health-main.js'));
    if (at < 0 || argv[at + 1] !== layout.root) continue;
    out.push({ pid: Number(name), id: argv[at + 2] ?? '', startedAt: argv[at + 3] ?? '' });
  }
  return out;
}
