// Host-side views the reliability tests judge berth by: which berth-monitor
// processes run for a root, what a container's cgroup holds, what lies in
// containers/ that is no container. Read from /proc and the filesystem, never
// from berth, so a berth that lies cannot pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** Pids of the berth-monitor processes whose arguments name a path under `root`. */
export function monitorsOf(root: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv[0].endsWith('berth-monitor') && argv.some((a) => a.startsWith(root + '/'))) out.push(Number(p));
    } catch { /* gone */ }
  }
  return out;
}

/** Entries of <root>/containers/ that are neither the lock, nor the name index, nor a directory
 * holding a record. */
export function strayContainerEntries(root: string): string[] {
  const dir = join(root, 'containers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n !== 'lock' && n !== '.names' && !existsSync(join(dir, n, 'container.json')));
}

/** Container IDs named in events.jsonl (creates included): the ones a killed CLI never printed. */
export function idsFromEvents(root: string): string[] {
  const file = join(root, 'events.jsonl');
  if (!existsSync(file)) return [];
  return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).id as string))];
}

/** Container IDs a root's monitors name in their arguments (--exit-file <root>/containers/<id>/...). */
export function idsOfMonitors(root: string): string[] {
  const ids = new Set<string>();
  for (const pid of monitorsOf(root)) {
    try {
      const m = /containers\/([0-9a-f]{64})\//.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      if (m) ids.add(m[1]);
    } catch { /* gone */ }
  }
  return [...ids];
}

/** Pids in the cgroup2 (unified) directory recorded for a container, [] when it is gone. */
export function cgroupPids(cgroupDirs: string[]): number[] {
  const pids = new Set<number>();
  for (const d of cgroupDirs) {
    try {
      for (const l of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (l.trim()) pids.add(Number(l));
    } catch { /* removed */ }
  }
  return [...pids];
}

/** Sleeps without an event loop (tests drive child processes synchronously). */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Waits up to `ms` for `cond`; returns whether it came true. */
export function waitFor(cond: () => boolean, ms: number, step = 20): boolean {
  const deadline = Date.now() + ms;
  for (;;) {
    if (cond()) return true;
    if (Date.now() > deadline) return false;
    pause(step);
  }
}

export function sh(cmd: string): string {
  return spawnSync('sh', ['-c', cmd], { encoding: 'utf8' }).stdout;
}
