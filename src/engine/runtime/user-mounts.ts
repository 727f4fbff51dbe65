// The container's own mounts (volumes, binds, tmpfs) as rootfs ops. Replayed
// by the init like every other op: each destination is resolved inside the
// root (openat2 RESOLVE_IN_ROOT), so an image's symlink at a mount point
// (/data -> /etc, or ../../../etc) leads to the container's /etc, never the
// host's (CVE-2021-30465).
import { MS, type RootfsOp } from '../../native/index.js';
import type { MountSpec } from '../volume/index.js';

const TMPFS_FLAGS: Record<string, [set: number, clear: number]> = {
  exec: [0, MS.NOEXEC], noexec: [MS.NOEXEC, 0],
  suid: [0, MS.NOSUID], nosuid: [MS.NOSUID, 0],
  dev: [0, MS.NODEV], nodev: [MS.NODEV, 0],
  atime: [0, MS.NOATIME], noatime: [MS.NOATIME, 0],
};

/** docker's tmpfs: nosuid,nodev,noexec unless the options say otherwise; the rest is tmpfs data. */
export function tmpfsOp(m: MountSpec): RootfsOp {
  let flags = MS.NOSUID | MS.NODEV | MS.NOEXEC;
  const data: string[] = [];
  for (const o of m.options) {
    const f = TMPFS_FLAGS[o];
    if (f) flags = (flags | f[0]) & ~f[1];
    else data.push(o);
  }
  if (m.readonly) flags |= MS.RDONLY;
  return { op: 'mount', source: 'tmpfs', target: m.target, fstype: 'tmpfs', flags, data: data.join(','), mkdir: 'dir' };
}

/** Number of path components: docker mounts parents before children (/a before /a/b). */
const depth = (p: string): number => p.split('/').filter(Boolean).length;

/**
 * `kindOf(source)` says whether a bind source is a file (the mount point is then
 * created as an empty file) or anything else (a directory).
 */
export function userMountOps(mounts: readonly MountSpec[], kindOf: (source: string) => 'dir' | 'file'): RootfsOp[] {
  const sorted = [...mounts].sort((a, b) => depth(a.target) - depth(b.target)); // stable: equal depths keep their order
  return sorted.map((m): RootfsOp => {
    if (m.type === 'tmpfs') return tmpfsOp(m);
    // MS_REC: submounts of a bound host directory come along, as docker's rbind;
    // MS_RDONLY: the native side applies it with a bind remount right after the bind
    return {
      op: 'mount', source: m.source, target: m.target, fstype: '', data: '',
      flags: MS.BIND | MS.REC | (m.readonly ? MS.RDONLY : 0),
      mkdir: m.type === 'bind' ? kindOf(m.source) : 'dir',
    };
  });
}
