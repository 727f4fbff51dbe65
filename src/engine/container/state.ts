// A container's live state, derived from facts instead of trusted from a
// record: the monitor's exit file, whether the recorded monitor process is
// still the same process (pid + start time + boot id), and the paused flag.
import type { ContainerPaths } from '../store/layout.js';
import { readJson } from '../store/atomic.js';
import type { ContainerExit, ContainerRecord, ContainerStatus } from './types.js';

export interface ContainerState {
  status: ContainerStatus;
  running: boolean;
  paused: boolean;
  pid: number;            // 0 unless running
  exit?: ContainerExit;   // the last run's exit, if collected or written by the monitor
}

import { bootId, procStartTime } from '../proc.js';

export { bootId, parentOf, procStartTime } from '../proc.js';

/** The monitor's exit record for the current run, if it wrote one. */
export function readExitFile(paths: ContainerPaths): ContainerExit | undefined {
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
  if (monitorAlive(rec)) {
    const paused = !!rec.paused;
    return { status: paused ? 'paused' : 'running', running: true, paused, pid: rec.run.pid };
  }
  // The monitor vanished without an exit record: killed, or the machine rebooted.
  return {
    status: 'exited', running: false, paused: false, pid: 0,
    exit: { exitCode: 255, signal: null, finishedAt: rec.run.startedAt, oomKilled: false, error: 'the container monitor died (or the host rebooted)' },
  };
}
