// The host's cgroup layout, detected the way runc does (libcontainer/cgroups
// IsCgroup2UnifiedMode / IsCgroup2HybridMode): statfs of /sys/fs/cgroup, then
// of /sys/fs/cgroup/unified.
import { FS_MAGIC, statfsType } from '../../native/index.js';

/** unified: cgroup2 only. hybrid: v1 controllers plus cgroup2 at /sys/fs/cgroup/unified. legacy: v1 only. */
export type CgroupMode = 'unified' | 'hybrid' | 'legacy';

export function detectCgroupMode(statfs: (path: string) => number): CgroupMode {
  if (statfs('/sys/fs/cgroup') === FS_MAGIC.CGROUP2) return 'unified';
  try {
    if (statfs('/sys/fs/cgroup/unified') === FS_MAGIC.CGROUP2) return 'hybrid';
  } catch { /* no unified mount point: legacy */ }
  return 'legacy';
}

let cached: CgroupMode | undefined;
/** The mode of this host (it cannot change while berth runs: cached). */
export function cgroupMode(): CgroupMode {
  cached ??= detectCgroupMode(statfsType);
  return cached;
}
