// Facts about host processes from /proc: whether a recorded process is still the same
// process (pid + start time + boot id), as container state and the store's temp files
// both need to know.
import { readFileSync } from 'node:fs';

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
