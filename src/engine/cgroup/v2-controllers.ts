// cgroup2 hands a controller to a child only when every ancestor lists it in
// cgroup.subtree_control. Used when a container's cgroup2 directory is made
// (so that its memory.events, memory.current, ... exist from the start) and
// again before limits are written.
import { dirname, join } from 'node:path';
import { cgroupRead, cgroupWrite } from '../../native/index.js';
import { readCgroupMounts, mountOfDir, isWithin } from './mounts.js';

const codeOf = (e: unknown): string | undefined => (e as { code?: string }).code;

/** The controllers berth turns on for its containers on cgroup2 (limits and accounting). */
export const V2_CONTROLLERS = ['cpu', 'cpuset', 'memory', 'pids', 'io'];

/**
 * cgroup2 hands a controller to a child only when every ancestor lists it in
 * cgroup.subtree_control. Turns on the wanted ones (that the host has) from the mount
 * point down to the container's parent. A level that holds processes refuses (EBUSY, the
 * "no internal processes" rule) — which is why, on unified hosts, berth's parent is not the
 * caller's own cgroup (see container-cgroups.ts). Returns the controllers now usable.
 */
export function enableV2Controllers(containerDir: string, wanted: string[] = V2_CONTROLLERS): string[] {
  const mount = mountOfDir(containerDir, readCgroupMounts());
  if (!mount || mount.version !== 2) return [];
  const levels: string[] = [];
  for (let d = dirname(containerDir); isWithin(d, mount.mountPoint); d = dirname(d)) {
    levels.unshift(d);
    if (d === mount.mountPoint) break;
  }
  const words = (f: string): string[] => {
    try { return cgroupRead(f).split(/\s+/).filter(Boolean); } catch { return []; }
  };
  let usable = [...wanted];
  for (const level of levels) {
    const on = words(join(level, 'cgroup.subtree_control'));
    for (const c of usable.filter((x) => !on.includes(x))) {
      try {
        cgroupWrite(join(level, 'cgroup.subtree_control'), `+${c}`);
      } catch (e) {
        if (!['EBUSY', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL', 'ENOENT'].includes(codeOf(e) ?? '')) throw e;
        usable = usable.filter((x) => x !== c); // not for this container: its limits will say so
      }
    }
  }
  return usable;
}

/** The controllers a cgroup2 directory can hand to its children (its cgroup.controllers). */
export function availableControllers(dir: string): string[] {
  try {
    return cgroupRead(join(dir, 'cgroup.controllers')).split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}
