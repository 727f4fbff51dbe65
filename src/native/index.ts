// The TypeScript face of berth's native layer: the N-API addon and the paths of
// the native executables (monitor, init) built by binding.gyp. The engine
// imports only this file; nothing here decides policy.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (package) root: the first ancestor holding binding.gyp (this file
 *  runs from src/native, dist/src/native, or bundled into dist/bundle). */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'binding.gyp'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('berth: cannot find the package root');
    dir = up;
  }
  return dir;
})();

const buildDir = join(packageRoot, 'build', 'Release');
/** The per-container monitor executable (conmon-like). */
export const monitorPath = join(buildDir, 'berth-monitor');
/** The minimal init (`--init`): forwards signals, reaps zombies. Static. */
export const initPath = join(buildDir, 'berth-init');

/** An error thrown by the addon: `step` names what failed, `code` the errno name. */
export interface NativeError extends Error {
  code: string;
  errno: number;
  step: string;
  /** spawnContainer only, when the failure came after the init was cloned: its
   * monitor is still running and will write the exit file (127/126/125). */
  initPid?: number;
  monitorPid?: number;
}

export function isNativeError(e: unknown): e is NativeError {
  return e instanceof Error && typeof (e as NativeError).step === 'string';
}

/** One setup step run by the container's init inside its new mount namespace,
 * before pivot_root. Targets are paths inside the container root and are
 * resolved there (openat2 RESOLVE_IN_ROOT): symlinks cannot lead outside. */
export type RootfsOp =
  /** mount(2). `source` is a host path (bind) or a fs name; mkdir creates the
   * target inside the root first (a directory, or an empty file for binds of files).
   * A bind (MS_BIND) with per-mount flags (RDONLY, NOSUID, NODEV, NOEXEC, ...) is
   * bind-remounted with them at once: the kernel ignores them on the bind itself. */
  | { op: 'mount'; source: string; target: string; fstype: string; flags: number; data: string; mkdir?: 'dir' | 'file' }
  /** Remount an existing mount point with new flags (MS_REMOUNT is added). */
  | { op: 'remount'; target: string; flags: number }
  /** Hide a path: /dev/null bound over a file, an empty read-only tmpfs over a directory. Missing: skipped. */
  | { op: 'mask'; target: string }
  /** Make a path read-only (bind onto itself, remount ro,nosuid,nodev,noexec). Missing: skipped. */
  | { op: 'readonly'; target: string }
  /** `mode` includes the file type (S_IFCHR | 0o666); without type bits, a char device. */
  | { op: 'mknod'; target: string; mode: number; major: number; minor: number; uid: number; gid: number }
  | { op: 'symlink'; target: string; linkTo: string }
  /** mkdir -p inside the root (0755, root-owned); an existing directory is kept. */
  | { op: 'mkdir'; target: string }
  /** One write of `value` to a file of the container's own procfs (a /proc/sys entry): refused
   * unless the target resolves to a file on procfs. Done by the init, so the namespaced entries
   * (net.*, IPC) are the container's. */
  | { op: 'sysctl'; target: string; value: string };

/** A negative or non-finite soft/hard (-1, Infinity) means RLIM_INFINITY. */
export interface Rlimit { resource: number; soft: number; hard: number }

/** The process a container runs, its init or an exec: the fields both share, built
 * once (engine/runtime/process-spec.ts) and parsed once (get_process in spawn-spec.c). */
export interface ProcessSpec {
  /** argv; args[0] is looked up in PATH (from env) inside the root. */
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  groups: number[];
  /** Capability sets as 64-bit masks (decimal strings: JS numbers lose bits). */
  caps: { bounding: string; effective: string; permitted: string; inheritable: string; ambient: string };
  noNewPrivileges: boolean;
  rlimits: Rlimit[];
  /** Open the process's stdin on /dev/null (the container's own). */
  stdinNull: boolean;
  /** -t: a pty of this size in the container's own devpts (the process opens /dev/pts/ptmx
   * inside); it gets the slave as 0/1/2 and controlling terminal (an init also on /dev/console),
   * the monitor the master, sent over a socketpair (`--console-socket 3`). */
  tty?: { rows: number; cols: number };
  /** -i without -t: stdin is a pipe whose write end the monitor holds (`--stdin-fd 5`). */
  stdinPipe?: boolean;
  /** A seccomp filter (struct sock_filter[], compiled by engine/seccomp) loaded just before
   * execve, with SECCOMP_FILTER_FLAG_* flags; absent: unconfined. */
  seccomp?: { filter: Buffer; flags: number };
}

/** Everything the native side needs to start one container. Prepared fully in
 * TypeScript; the child side of clone() only replays it as syscalls. */
export interface SpawnSpec {
  process: ProcessSpec;
  hostname: string;
  /** Host directory that becomes the container's "/". */
  rootfs: string;
  /** Mounted on `rootfs` first (e.g. overlay); absent: rootfs is bind-mounted onto itself. */
  rootfsMount?: { source: string; fstype: string; flags: number; data: string };
  /** Remount "/" read-only after pivot_root (--read-only). */
  readonlyRootfs: boolean;
  ops: RootfsOp[];
  /** CLONE_NEW* flags for clone(); CLONE_NEWCGROUP is unshared after joining the cgroups. */
  namespaces: number;
  /** The files (one per hierarchy: v1 `tasks`, cgroup2 `cgroup.procs`) the init joins its cgroups
   * through before anything else; into a cgroup2 one it is cloned instead where the kernel can. */
  cgroupJoinFiles: string[];
  /** The monitor (absolute path): native runs `path --init-pid N --stdout-fd 3 --stderr-fd 4
   * [--stdin-fd 5] --ready-fd N ...args`, or `path --init-pid N --console-socket 3 --ready-fd 4
   * ...args` with a tty. */
  monitor: { path: string; args: string[] };
  /** The init waits (after `lo` is up, before rlimits, identity and exec) until releaseStart:
   * the engine configures the container's network namespace in between. */
  networkGate?: boolean;
  /** --network container:NAME: the init joins this process's network namespace (opened before
   * any fork) first thing; `namespaces` has no CLONE_NEWNET then. */
  joinNetns?: number;
}

export interface SpawnResult {
  initPid: number;
  monitorPid: number;
  /** spec.networkGate: the init is waiting at its gate; finish with releaseStart(gate). */
  gate?: StartGate;
}

/** The parent's ends of a gated start: the error pipe and the gate's write end. */
export interface StartGate { msgFd: number; gateFd: number }

/** A process started inside a running container (`exec`): it joins the cgroups and every
 * namespace of the container's init, then sets itself up from `process` as an init does. */
export interface ExecSpec {
  /** Host pid of the container's init (checked by the caller to be its monitor's child). */
  initPid: number;
  process: ProcessSpec;
  cgroupJoinFiles: string[];
  /** The exec's own monitor (as for a container: its pid comes back as monitorPid). */
  monitor: { path: string; args: string[] };
}

interface Addon {
  flock(fd: number, op: number): boolean;
  statfsType(path: string): number;
  mknod(path: string, mode: number, major: number, minor: number): void;
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  umount(target: string, flags: number): void;
  openInRoot(root: string, path: string, flags: number, mode: number): number;
  lsetxattr(path: string, name: string, value: string): void;
  syncfs(fd: number): Promise<void>;
  startWriteback(fd: number): Promise<void>;
  sha256Create(): NativeHash;
  sha256Update(h: NativeHash, data: Buffer): Promise<void>;
  sha256Digest(h: NativeHash): string;
  lgetxattr(path: string, name: string): Buffer | null;
  spawnContainer(spec: SpawnSpec): SpawnResult;
  execInContainer(spec: ExecSpec): SpawnResult;
  cgroupCreate(dir: string): void;
  cgroupWrite(file: string, value: string): void;
  cgroupRead(file: string): string;
  cgroupRemove(dir: string, timeoutMs: number): void;
  cgroupDeviceFilter(dir: string, program: Buffer): void;
  netlinkApply(ops: NetlinkOp[], netnsPid: number): boolean[];
  releaseStart(msgFd: number, gateFd: number, proceed: boolean, initPid: number, monitorPid: number): SpawnResult;
}

/** One rtnetlink request, replayed by netlink.c (policy: engine/network/kernel.ts). */
export type NetlinkOp =
  | { op: 'bridge'; name: string; fresh?: boolean }
  | { op: 'veth'; name: string; peer: string; peerNetnsPid: number }
  | { op: 'link'; name: string; up?: boolean; master?: string; mac?: string; mtu?: number }
  | { op: 'addr'; name: string; ip: string; prefix: number }
  | { op: 'route'; name: string; gateway: string }
  | { op: 'del'; name: string };

const require = createRequire(import.meta.url);
const addon: Addon = require(join(buildDir, 'berth_native.node'));

export const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

/** flock(2); returns false only when LOCK_NB is set and the lock is held elsewhere. */
export const flock = (fd: number, op: number): boolean => addon.flock(fd, op);
export const statfsType = (path: string): number => addon.statfsType(path);
export const mknod = (path: string, mode: number, major: number, minor: number): void =>
  addon.mknod(path, mode, major, minor);
export const mount = (source: string, target: string, fstype: string, flags: number, data: string): void =>
  addon.mount(source, target, fstype, flags, data);
export const umount = (target: string, flags = 0): void => addon.umount(target, flags);
/** Opens `path` as if `root` were "/" (symlinks and ".." cannot leave root). Returns a CLOEXEC fd. */
export const openInRoot = (root: string, path: string, flags: number, mode = 0o644): number =>
  addon.openInRoot(root, path, flags, mode);
/** An extended attribute of `path` (not following a final symlink); null when it is not set. */
export const lgetxattr = (path: string, name: string): Buffer | null => addon.lgetxattr(path, name);
/** lsetxattr(2): sets an extended attribute on `path` itself (a symlink is not followed). */
export const lsetxattr = (path: string, name: string, value: string): void => addon.lsetxattr(path, name, value);
/** syncfs(2) of the filesystem that holds `fd`, on the thread pool; keep `fd` open until it settles. */
export const syncfs = (fd: number): Promise<void> => addon.syncfs(fd);
/** sync_file_range(SYNC_FILE_RANGE_WRITE) of all of `fd`, on the thread pool: starts its
 * writeback without waiting for it (not durable; keep `fd` open until it settles). */
export const startWriteback = (fd: number): Promise<void> => addon.startWriteback(fd);
/** A SHA-256 whose updates run on the thread pool (sha256.c). */
export type NativeHash = { readonly __nativeHash: unique symbol };
export const sha256Create = (): NativeHash => addon.sha256Create();
/** Hashes `data` on the thread pool; one update at a time per hash, and `data` unchanged until it settles. */
export const sha256Update = (h: NativeHash, data: Buffer): Promise<void> => addon.sha256Update(h, data);
/** The lowercase hex digest; after it the hash takes no more updates. */
export const sha256Digest = (h: NativeHash): string => addon.sha256Digest(h);
/** Starts a container: clone()s its init into new namespaces under a detached monitor. */
export const spawnContainer = (spec: SpawnSpec): SpawnResult => addon.spawnContainer(spec);
/** Starts a process inside a running container under its own detached monitor; initPid in
 * the result is the new process's host pid. Errors as spawnContainer's (step "exec X" for
 * a command that is missing or not executable). */
export const execInContainer = (spec: ExecSpec): SpawnResult => addon.execInContainer(spec);

/** Ends a gated start: opens the gate (proceed) or cancels it (the init exits 125, step "wait for
 * network setup"), then waits as spawnContainer does; throws the init's failure if any. */
export const releaseStart = (started: SpawnResult & { gate: StartGate }, proceed: boolean): SpawnResult =>
  addon.releaseStart(started.gate.msgFd, started.gate.gateFd, proceed, started.initPid, started.monitorPid);
/** Replays rtnetlink ops in order, in the network namespace of netnsPid (0: berth's own).
 * One flag per op: false = nothing to do (bridge/address there already, link to delete gone). */
export const netlinkApply = (ops: NetlinkOp[], netnsPid = 0): boolean[] => addon.netlinkApply(ops, netnsPid);

/** mkdir of one cgroup directory (its parent must exist); no error if it exists. */
export const cgroupCreate = (dir: string): void => addon.cgroupCreate(dir);
/** One write(2) of `value` to a cgroup control file (errors name the file). */
export const cgroupWrite = (file: string, value: string): void => addon.cgroupWrite(file, value);
export const cgroupRead = (file: string): string => addon.cgroupRead(file);
/** Kills every process in the cgroup and its descendants (cgroup.kill where present, else
 * SIGKILL to each pid in cgroup.procs, thawing a frozen cgroup first), then removes the
 * directories deepest-first, retrying EBUSY until timeoutMs. A missing dir is not an error. */
export const cgroupRemove = (dir: string, timeoutMs = 5000): void => addon.cgroupRemove(dir, timeoutMs);

/** Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (struct bpf_insn[], built by the engine) and
 * attaches it to a cgroup2 directory (BPF_F_ALLOW_MULTI); it lives as long as the cgroup. */
export const cgroupDeviceFilter = (dir: string, program: Buffer): void => addon.cgroupDeviceFilter(dir, program);

export const MS = {
  RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, REMOUNT: 32, NOATIME: 1024, BIND: 4096,
  MOVE: 8192, REC: 16384, PRIVATE: 1 << 18, SLAVE: 1 << 19, STRICTATIME: 1 << 24,
} as const;
export const MNT_DETACH = 2;

export const CLONE = {
  NEWNS: 0x00020000, NEWCGROUP: 0x02000000, NEWUTS: 0x04000000, NEWIPC: 0x08000000,
  NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000,
} as const;

export const FS_MAGIC = { CGROUP2: 0x63677270, TMPFS: 0x01021994, CGROUP: 0x27e0eb, OVERLAY: 0x794c7630 } as const;
