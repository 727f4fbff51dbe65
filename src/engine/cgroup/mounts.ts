// Where each cgroup hierarchy is mounted, from /proc/self/mountinfo. A cgroup
// directory's hierarchy (v1 controllers or cgroup2) is the mount it lives under.
import { readFileSync } from 'node:fs';

export interface CgroupMount {
  version: 1 | 2;
  /** Where the hierarchy is mounted on the host, e.g. /sys/fs/cgroup/memory. */
  mountPoint: string;
  /** The cgroup shown at the mount point (mountinfo's "root" field), within the hierarchy. */
  root: string;
  /** v1: the controllers and "name=..." of the hierarchy (from the super options); cgroup2: []. */
  controllers: string[];
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The cgroup and cgroup2 mounts in a mountinfo text. `known` holds the kernel's v1 controller
 * names (/proc/cgroups) to tell them apart from generic super options (rw, xattr, ...). */
export function parseCgroupMounts(mountinfo: string, known: ReadonlySet<string>): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0) continue;
    const fstype = f[sep + 1];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const root = unescape(f[3]), mountPoint = unescape(f[4]);
    if (fstype === 'cgroup2') {
      out.push({ version: 2, mountPoint, root, controllers: [] });
    } else {
      const opts = (f[sep + 3] ?? '').split(',');
      const controllers = opts.filter((o) => known.has(o) || o.startsWith('name='));
      out.push({ version: 1, mountPoint, root, controllers });
    }
  }
  return out;
}

/** Controller names the kernel knows, from /proc/cgroups ("#subsys_name hierarchy ..."). */
export function parseKnownControllers(procCgroups: string): Set<string> {
  const names = new Set<string>();
  for (const line of procCgroups.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    names.add(line.split(/\s+/)[0]);
  }
  return names;
}

let cachedMounts: readonly CgroupMount[] | undefined;
/** The cgroup mounts of this host. They are set up at boot, as the mode is (mode.ts), so they
 *  are read once per process: the mount table costs ~1 ms to read, and one start-to-removal
 *  asked for it nine times. */
export function readCgroupMounts(): readonly CgroupMount[] {
  cachedMounts ??= Object.freeze(readCgroupMountsNow());
  return cachedMounts;
}

function readCgroupMountsNow(): CgroupMount[] {
  let known = new Set<string>();
  try {
    known = parseKnownControllers(readFileSync('/proc/cgroups', 'utf8'));
  } catch { /* kernels without v1 support: only cgroup2 mounts matter then */ }
  return parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'), known);
}

/** True when `path` is `dir` or below it (whole path components). */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

/** The mount holding an absolute cgroup directory (the deepest mount point above it). */
export function mountOfDir(dir: string, mounts: readonly CgroupMount[]): CgroupMount | undefined {
  let best: CgroupMount | undefined;
  for (const m of mounts) {
    if (isWithin(dir, m.mountPoint) && (!best || m.mountPoint.length > best.mountPoint.length)) best = m;
  }
  return best;
}
