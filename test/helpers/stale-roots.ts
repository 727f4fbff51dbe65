// Test roots whose run was killed (SIGKILL, a timeout, a lost terminal) never reach their
// cleanup: their monitors, container processes, cgroups and mounts stay, and the next run
// would trip over them (and count them as its own leaks). A TestRoot's directory name says
// which process owns it (pid and start time: a reused pid is not the owner), so the test
// runner can sweep, at its start, exactly the roots whose owner is dead — never a root of a
// run that is still going (other worktrees' runs share /tmp).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TMP = '/tmp';
const OWNED = /^berth-test-(?:.*-)?p(\d+)t(\d+)-[A-Za-z0-9]{6}$/;

/** The start time (clock ticks since boot, /proc/PID/stat field 22) of a process, if it runs. */
export function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** The middle of a TestRoot's directory name: this process, as the sweep recognises its owner. */
export function ownerTag(): string {
  return `p${process.pid}t${startTime(process.pid)}`;
}

/** Roots under /tmp made by a TestRoot whose owning process is gone. */
export function staleRoots(tmp = TMP): string[] {
  return readdirSync(tmp).filter((n) => {
    const m = OWNED.exec(n);
    return m && startTime(Number(m[1])) !== Number(m[2]);
  }).map((n) => join(tmp, n));
}

/** Removes what a dead run left under `root`: its processes (monitors, resolvers, and every
 * process in its containers' cgroups), the cgroups, the mounts, then the directory. Returns
 * what could not be removed (empty = clean). */
export function sweepRoot(root: string): string[] {
  const ids = containerIds(root);
  for (const pid of processesNaming(root)) kill(pid);
  const cgroups = ids.flatMap(cgroupDirsOf).sort((a, b) => b.length - a.length); // deepest first
  for (const d of cgroups) {
    try { writeFileSync(join(d, 'cgroup.kill'), '1'); } catch { /* v1 hierarchy: no cgroup.kill */ }
    for (const pid of readLines(join(d, 'cgroup.procs'))) kill(Number(pid));
  }
  const left: string[] = [];
  for (const d of cgroups) {
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      try { rmdirSync(d); gone = true; } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') gone = true;
        else spawnSync('sleep', ['0.1']);
      }
    }
    if (!gone) left.push(`cgroup ${d}`);
  }
  // deepest mount first; lazily, as a dead run's mount may still be busy for a moment
  const mounts = readLines('/proc/self/mountinfo').map((l) => l.split(' ')[4]).filter((m) => m === root || m.startsWith(`${root}/`));
  for (const m of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
  if (existsSync(root)) left.push(`directory ${root}`);
  return left;
}

/** Sweeps every stale root; returns one line per thing that stayed. */
export function sweepStaleRoots(tmp = TMP): string[] {
  return staleRoots(tmp).flatMap(sweepRoot);
}

/** The containers a root holds or held: records, and the staging and removal dirs of killed commands. */
function containerIds(root: string): string[] {
  const dir = join(root, 'containers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((n) => /([0-9a-f]{64})$/.exec(n)?.[1]).filter((id): id is string => !!id);
}

function cgroupDirsOf(id: string): string[] {
  const r = spawnSync('find', ['/sys/fs/cgroup', '-maxdepth', '6', '-type', 'd', '-name', `*${id.slice(0, 12)}*`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

/** Processes whose command line names a path under the root (berth-monitor, resolvers, a berth CLI). */
function processesNaming(root: string): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a === root || a.startsWith(`${root}/`));
    } catch {
      return false;
    }
  }).map(Number);
}

function kill(pid: number): void {
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
