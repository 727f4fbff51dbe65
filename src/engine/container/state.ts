// A container's live state, derived from facts instead of trusted from a
// record: the monitor's exit file, whether the recorded monitor process is
// still the same process (pid + start time + boot id), whether anything still
// lives in the container's cgroups (a killed monitor leaves its init running),
// and the paused flag.
import { existsSync, readFileSync } from 'node:fs';
import type { ContainerPaths } from '../store/layout.js';
import { readJson } from '../store/atomic.js';
import { livePids } from '../cgroup/index.js';
import type { ContainerExit, ContainerRecord, ContainerStatus } from './types.js';
import { readHealth, type HealthState } from './health.js';

export interface ContainerState {
  status: ContainerStatus;
  running: boolean;
  paused: boolean;
  pid: number;            // 0 unless running
  exit?: ContainerExit;   // the last run's exit, if collected or written by the monitor
  /** docker's State.Health: present once a run with a health check started (health.ts). */
  health?: HealthState;
  /** The run ended without its monitor's exit record and nobody collected it yet (settle.ts
   * collects it): set here so that a reader settles from the facts it derived, not a re-read. */
  lost?: true;
}

import { bootId, procStartTime } from '../proc.js';

export { bootId, parentOf, procStartTime } from '../proc.js';

/** The monitor's exit record for the current run, if it wrote one. */
export function readExitFile(paths: ContainerPaths): ContainerExit | undefined {
  // a running container has none: asked first without the read's thrown ENOENT, which cost
  // `ps` more than the read of the record
  if (!existsSync(paths.exitFile)) return undefined;
  try {
    return readJson<ContainerExit>(paths.exitFile);
  } catch {
    return undefined; // torn reads cannot happen (atomic rename); a bad file counts as absent
  }
}

export function monitorAlive(rec: ContainerRecord): boolean {
  const run = rec.run;
  if (!run || run.bootId !== bootId()) return false;
  return procStartTime(run.monitorPid) === run.monitorStartTime;
}

export function deriveState(rec: ContainerRecord, paths: ContainerPaths): ContainerState {
  const st = runState(rec, paths);
  // a run's checker keeps the file; the last one's status stays after the run (docker's)
  const health = rec.config.healthcheck && rec.run ? readHealth(paths) : undefined;
  return health ? { ...st, health } : st;
}

function runState(rec: ContainerRecord, paths: ContainerPaths): ContainerState {
  if (!rec.run) {
    // never started, or the start failed (docker keeps such a container "created", with its error)
    return { status: 'created', running: false, paused: false, pid: 0, exit: rec.exit };
  }
  const fromMonitor = readExitFile(paths);
  if (fromMonitor) return { status: 'exited', running: false, paused: false, pid: 0, exit: fromMonitor };
  if (rec.exit && rec.exit.finishedAt >= rec.run.startedAt) {
    // collected already by finalize() (which removes the exit file); a policy restart may be due
    return { status: rec.restarting ? 'restarting' : 'exited', running: false, paused: false, pid: 0, exit: rec.exit };
  }
  const paused = !!rec.paused;
  if (monitorAlive(rec)) return { status: paused ? 'paused' : 'running', running: true, paused, pid: rec.run.pid };
  // The monitor vanished without an exit record (killed, or the machine rebooted). The
  // container's processes are the truth: it runs while anything lives in its cgroups.
  const pids = rec.run.bootId === bootId() ? livePids(rec.run.cgroupPaths) : [];
  if (pids.length) {
    return { status: paused ? 'paused' : 'running', running: true, paused, pid: pids.includes(rec.run.pid) ? rec.run.pid : pids[0] };
  }
  return { status: 'exited', running: false, paused: false, pid: 0, exit: lostExit(rec.run.startedAt), lost: true };
}

/** The exit of a run whose monitor died before it could record one: the status is lost. */
export function lostExit(startedAt: string, finishedAt = startedAt): ContainerExit {
  return { exitCode: 255, signal: null, finishedAt, oomKilled: false, error: 'the container monitor died (or the host rebooted): the exit status is lost' };
}

/** True when a run ended without its monitor's exit record and nobody collected it yet. */
export function exitLost(rec: ContainerRecord, paths: ContainerPaths): boolean {
  return runState(rec, paths).lost === true;
}
