// What the container sees at /sys/fs/cgroup. Its init has unshared a cgroup
// namespace after joining its cgroups, so a cgroup filesystem mounted from
// inside shows the container's own cgroup as the root, never the host's tree.
//  - unified hosts: one read-only cgroup2 mount (as Docker on cgroup v2).
//  - hybrid/legacy hosts: a tmpfs holding one read-only v1 mount per hierarchy the
//    container has a cgroup in (named as on the host: cpu, memory, systemd, ...),
//    symlinks for co-mounted controllers (cpu -> cpu,cpuacct), plus cgroup2 at
//    `unified` on hybrid; then the tmpfs itself is remounted read-only.
//    (runc does the same in cgroupns mode; a read-only tmpfs alone would leave
//    systemd-style tools in the container with nothing to read.)
import { MS, type RootfsOp } from '../../native/index.js';
import type { CgroupMode } from '../cgroup/index.js';

/** One hierarchy the container has a cgroup in. */
export interface ContainerHierarchy {
  version: 1 | 2;
  /** The host mount point's last component: the container gets the same name. */
  mountName: string;
  /** v1: controllers and "name=..." of the hierarchy. */
  controllers: string[];
}

const RW = MS.NOSUID | MS.NOEXEC | MS.NODEV;
const BASE = '/sys/fs/cgroup';

/** The v1 mount data: exactly the hierarchy's controllers (a different set is EBUSY);
 * a named hierarchy without controllers needs "none" or the kernel would bind them all. */
export function v1MountData(controllers: string[]): string {
  const real = controllers.filter((c) => !c.startsWith('name='));
  return (real.length ? controllers : ['none', ...controllers]).join(',');
}

const safeName = (n: string): boolean => n !== '' && n !== '.' && n !== '..' && !n.includes('/');

/** `writable`: --privileged (docker mounts the cgroup filesystems read-write then). */
export function cgroupFsOps(mode: CgroupMode, hierarchies: ContainerHierarchy[], writable = false): RootfsOp[] {
  const flags = writable ? RW : RW | MS.RDONLY;
  if (mode === 'unified') {
    return [{ op: 'mount', source: 'cgroup2', target: BASE, fstype: 'cgroup2', flags, data: '', mkdir: 'dir' }];
  }
  const ops: RootfsOp[] = [
    { op: 'mount', source: 'tmpfs', target: BASE, fstype: 'tmpfs', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV, data: 'mode=755', mkdir: 'dir' },
  ];
  const names = new Set<string>();
  for (const h of hierarchies) {
    if (!safeName(h.mountName) || names.has(h.mountName)) continue;
    if (h.version === 2 && mode !== 'hybrid') continue;
    names.add(h.mountName);
    ops.push(h.version === 2
      ? { op: 'mount', source: 'cgroup2', target: `${BASE}/${h.mountName}`, fstype: 'cgroup2', flags, data: '', mkdir: 'dir' }
      : { op: 'mount', source: 'cgroup', target: `${BASE}/${h.mountName}`, fstype: 'cgroup', flags, data: v1MountData(h.controllers), mkdir: 'dir' });
  }
  // co-mounted controllers ("cpu,cpuacct"): each name also reachable on its own, as on the host
  for (const h of hierarchies) {
    if (h.version !== 1 || !names.has(h.mountName)) continue;
    for (const c of h.controllers) {
      if (c.startsWith('name=') || c === h.mountName || names.has(c)) continue;
      names.add(c);
      ops.push({ op: 'symlink', target: `${BASE}/${c}`, linkTo: h.mountName });
    }
  }
  ops.push({ op: 'remount', target: BASE, flags: MS.BIND | flags });
  return ops;
}
