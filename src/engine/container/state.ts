// A container's live state, derived from facts instead of trusted from a
// record: the monitor's exit file, whether the recorded monitor process is
// still the same process (pid + start time + boot id), and the paused flag.
import { readFileSync } from 'node:fs';
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

let cachedBootId: string | undefined;
export function bootId(): string {
  cachedBootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return cachedBootId;
}

/** The fields of /proc/PID/stat after the command name (state first), or undefined if gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: split after the last ")"
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (start time in clock ticks), or undefined if the process is gone.
 * A zombie counts as gone: an exited monitor may wait seconds for PID 1 to reap it. */
export function procStartTime(pid: number): number | undefined {
  const f = statFields(pid);
  if (!f || f[0] === 'Z' || f[0] === 'X') return undefined;
  return Number(f[19]);
}

/** The parent pid of a process (to check that a recorded init is still the monitor's child). */
export function parentOf(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? Number(f[1]) : undefined;
}

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
