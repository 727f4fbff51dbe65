// The container's filesystem setup after the overlay root is mounted, in the
// order the init replays it: kernel filesystems, /sys/fs/cgroup, the /etc
// bind mounts, device nodes, /dev symlinks, --init, then read-only and masked
// paths (last, so that nothing mounted earlier can uncover them). These are
// Docker's defaults (moby oci/defaults.go, runc's libcontainer/rootfs).
import { MS, initPath, type RootfsOp } from '../../native/index.js';
import type { ContainerPaths } from '../store/layout.js';
import { deviceMknodOp, type HostDevice } from './devices.js';

/** Hidden: /dev/null over files, an empty read-only tmpfs over directories. */
export const MASKED_PATHS: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats',
  '/sys/devices/virtual/powercap', '/sys/firmware',
];

export const READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const S_IFCHR = 0o020000;
/** Character devices every container gets (root:root 0666). */
export const DEFAULT_DEVICES: readonly { path: string; major: number; minor: number }[] = [
  { path: '/dev/null', major: 1, minor: 3 },
  { path: '/dev/zero', major: 1, minor: 5 },
  { path: '/dev/full', major: 1, minor: 7 },
  { path: '/dev/random', major: 1, minor: 8 },
  { path: '/dev/urandom', major: 1, minor: 9 },
  { path: '/dev/tty', major: 5, minor: 0 },
];

export const DEV_SYMLINKS: readonly { path: string; linkTo: string }[] = [
  { path: '/dev/fd', linkTo: '/proc/self/fd' },
  { path: '/dev/stdin', linkTo: '/proc/self/fd/0' },
  { path: '/dev/stdout', linkTo: '/proc/self/fd/1' },
  { path: '/dev/stderr', linkTo: '/proc/self/fd/2' },
  { path: '/dev/ptmx', linkTo: 'pts/ptmx' },   // the container's own devpts instance
  { path: '/dev/core', linkTo: '/proc/kcore' },
];

/** Where --init's binary appears: docker's path, so `ps` in the container shows what docker's
 *  does (`/sbin/docker-init -- CMD` at pid 1). The empty mount target this leaves in the
 *  container's upper dir is one of the runtime's (container/upper-walk.ts): diff, commit and
 *  export leave it out. */
export const INIT_TARGET = '/sbin/docker-init';

const mnt = (source: string, target: string, fstype: string, flags: number, data = ''): RootfsOp =>
  ({ op: 'mount', source, target, fstype, flags, data, mkdir: 'dir' });

/** docker's /dev/shm size when --shm-size is not given (its config.DefaultShmSize). */
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;

/** /proc, /dev and its sub-mounts, /sys: Docker's default mounts (before /sys/fs/cgroup).
 * --privileged: /sys writable, as docker's. */
export function kernelMounts(o: { privileged?: boolean; shmSize?: number } = {}): RootfsOp[] {
  const shmSize = o.shmSize ?? DEFAULT_SHM_SIZE;
  return [
    mnt('proc', '/proc', 'proc', MS.NOSUID | MS.NOEXEC | MS.NODEV),
    mnt('tmpfs', '/dev', 'tmpfs', MS.NOSUID | MS.STRICTATIME, 'mode=755,size=65536k'),
    mnt('devpts', '/dev/pts', 'devpts', MS.NOSUID | MS.NOEXEC, 'newinstance,ptmxmode=0666,mode=0620,gid=5'),
    mnt('shm', '/dev/shm', 'tmpfs', MS.NOSUID | MS.NOEXEC | MS.NODEV, `mode=1777,size=${shmSize}`),
    mnt('mqueue', '/dev/mqueue', 'mqueue', MS.NOSUID | MS.NOEXEC | MS.NODEV),
    mnt('sysfs', '/sys', 'sysfs', (o.privileged ? 0 : MS.RDONLY) | MS.NOSUID | MS.NOEXEC | MS.NODEV),
  ];
}

/** The engine-written /etc files, bound over (or created in) the image's. */
export function etcBinds(paths: ContainerPaths): RootfsOp[] {
  return [
    [paths.hostname, '/etc/hostname'],
    [paths.hosts, '/etc/hosts'],
    [paths.resolvConf, '/etc/resolv.conf'],
  ].map(([source, target]): RootfsOp => ({ op: 'mount', source, target, fstype: '', flags: MS.BIND, data: '', mkdir: 'file' }));
}

/** The default nodes, then `devices` (--privileged: every host device; --device ones), which
 * replace a default at the same path; directories they need first; the links. */
export function deviceOps(devices: readonly HostDevice[] = []): RootfsOp[] {
  const taken = new Set(devices.map((d) => d.path));
  const dirs = [...new Set(devices.map((d) => d.path.slice(0, d.path.lastIndexOf('/'))).filter((d) => d !== '/dev' && d !== ''))];
  return [
    ...DEFAULT_DEVICES.filter((d) => !taken.has(d.path)).map((d): RootfsOp =>
      ({ op: 'mknod', target: d.path, mode: S_IFCHR | 0o666, major: d.major, minor: d.minor, uid: 0, gid: 0 })),
    ...dirs.map((target): RootfsOp => ({ op: 'mkdir', target })),
    ...devices.map(deviceMknodOp),
    ...DEV_SYMLINKS.map((s): RootfsOp => ({ op: 'symlink', target: s.path, linkTo: s.linkTo })),
  ];
}

/** --init: berth-init bound read-only (it is a host binary: the container must not write it). */
export function initOps(): RootfsOp[] {
  return [
    { op: 'mount', source: initPath, target: INIT_TARGET, fstype: '', flags: MS.BIND, data: '', mkdir: 'file' },
    { op: 'remount', target: INIT_TARGET, flags: MS.BIND | MS.RDONLY | MS.NOSUID | MS.NODEV },
  ];
}

export function protectionOps(): RootfsOp[] {
  return [
    ...READONLY_PATHS.map((target): RootfsOp => ({ op: 'readonly', target })),
    ...MASKED_PATHS.map((target): RootfsOp => ({ op: 'mask', target })),
  ];
}
