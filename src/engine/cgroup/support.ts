// Which limits this host can enforce, judged at the caller's own cgroup (where
// berth's cgroups will nest): v1 by the controller's hierarchy being mounted and
// its files present; cgroup2 by the controller being available to the caller
// (its cgroup.controllers). On hybrid hosts the v1 controllers win: cgroup2 there
// usually has none (this machine: hugetlb only). Also the online CPUs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCallerHierarchies, type CallerHierarchy } from './hierarchies.js';
import { parseCpuList, type HostCpus } from './limits.js';

export interface CgroupSupport {
  /** Where each limit goes: 'v1' / 'v2', or absent when the host cannot enforce it. */
  memory?: 'v1' | 'v2';
  swap?: 'v1' | 'v2';
  cpu?: 'v1' | 'v2';
  cpuset?: 'v1' | 'v2';
  pids?: 'v1' | 'v2';
  blkioWeight?: 'v1' | 'v2';
  /** Controllers the caller's cgroup2 directory can hand to its children. */
  v2Controllers: string[];
}

function v2Available(h: CallerHierarchy | undefined): string[] {
  if (!h) return [];
  try {
    return readFileSync(join(h.callerDir, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

export function detectSupport(hierarchies: readonly CallerHierarchy[] = readCallerHierarchies()): CgroupSupport {
  const v1 = (ctrl: string): CallerHierarchy | undefined =>
    hierarchies.find((h) => h.mount.version === 1 && h.mount.controllers.includes(ctrl));
  const v1File = (ctrl: string, file: string): boolean => {
    const h = v1(ctrl);
    return !!h && existsSync(join(h.callerDir, file));
  };
  const v2 = v2Available(hierarchies.find((h) => h.mount.version === 2));
  const pick = (v1ok: boolean, v2ok: boolean): 'v1' | 'v2' | undefined => (v1ok ? 'v1' : v2ok ? 'v2' : undefined);
  return {
    memory: pick(v1File('memory', 'memory.limit_in_bytes'), v2.includes('memory')),
    // v1: swap accounting is a kernel option (memsw files); cgroup2: part of the memory controller
    swap: pick(v1File('memory', 'memory.memsw.limit_in_bytes'), v2.includes('memory')),
    cpu: pick(v1File('cpu', 'cpu.cfs_quota_us'), v2.includes('cpu')),
    cpuset: pick(!!v1('cpuset'), v2.includes('cpuset')),
    pids: pick(!!v1('pids'), v2.includes('pids')),
    // v1 blkio.weight exists only with CFQ (gone since Linux 5.0); BFQ's is blkio.bfq.weight
    blkioWeight: pick(v1File('blkio', 'blkio.weight') || v1File('blkio', 'blkio.bfq.weight'), v2.includes('io')),
    v2Controllers: v2,
  };
}

/** The online CPUs (/sys/devices/system/cpu/online, e.g. "0-1"). */
export function hostCpus(): HostCpus {
  const list = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
  const ids = parseCpuList(list);
  return { count: ids.length, list, ids };
}
