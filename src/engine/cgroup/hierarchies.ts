// The caller's own cgroup in every mounted hierarchy: the place under which
// berth nests its containers' cgroups (so a berth run inside a cgroup-limited
// service or CI job stays inside that limit, and nothing is created at the root
// of hierarchies it does not own).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isUnifiedEntry, parseProcCgroup, type ProcCgroupEntry } from './proc-cgroup.js';
import { isWithin, readCgroupMounts, type CgroupMount } from './mounts.js';

export interface CallerHierarchy {
  mount: CgroupMount;
  /** The caller's cgroup in this hierarchy as an absolute host directory. */
  callerDir: string;
}

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** Joins /proc/self/cgroup entries with the mounts that show them. Hierarchies that are not
 * mounted, or whose mount does not reach the caller's cgroup, are left out. */
export function callerHierarchies(entries: ProcCgroupEntry[], mounts: readonly CgroupMount[]): CallerHierarchy[] {
  const out: CallerHierarchy[] = [];
  for (const e of entries) {
    const unified = isUnifiedEntry(e);
    const candidates = mounts.filter((m) =>
      (unified ? m.version === 2 : m.version === 1 && sameSet(m.controllers, e.controllers)) && isWithin(e.path, m.root));
    // the same hierarchy can be mounted (or bind-mounted) several times: prefer the standard place
    const mount = candidates.find((m) => isWithin(m.mountPoint, '/sys/fs/cgroup')) ?? candidates[0];
    if (!mount) continue;
    out.push({ mount, callerDir: join(mount.mountPoint, relative(mount.root, e.path)) });
  }
  return out;
}

let cached: readonly CallerHierarchy[] | undefined;
/** This process's hierarchies, read once per process as the mounts are: a process moved to
 *  another cgroup while it runs keeps nesting its new containers where it started. */
export function readCallerHierarchies(): readonly CallerHierarchy[] {
  cached ??= Object.freeze(callerHierarchies(parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8')), readCgroupMounts()));
  return cached;
}
