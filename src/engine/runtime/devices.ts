// --device HOST[:CONTAINER[:rwm]]: docker's syntax (its CLI's parseDevice and
// validateDevice, with its messages), and the host's device nodes it names,
// looked up as docker's DevicesFromPath does: a device node (a symlink to one
// is followed), or a directory whose device nodes are all added under the
// container path. Each becomes a mknod in the container (the host node's type,
// numbers, mode and owner) and an allow rule for the container's cgroup.
import { lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import type { RootfsOp } from '../../native/index.js';
import type { DeviceRule } from '../cgroup/index.js';
import { invalid } from '../errors.js';

/** As given and stored (docker's HostConfig.Devices entry). */
export interface DeviceMapping { pathOnHost: string; pathInContainer: string; cgroupPermissions: string }

/** One node to create in the container. */
export interface HostDevice {
  path: string;         // in the container
  type: 'b' | 'c';
  major: number;
  minor: number;
  mode: number;         // permission bits of the host's node
  uid: number;
  gid: number;
  permissions: string;  // cgroup access: r, w, m
}

/** r, w and m, each at most once (docker's validDeviceMode). */
const validMode = (m: string): boolean => m !== '' && /^[rwm]+$/.test(m) && new Set(m).size === m.length;

/** `--device` as docker parses and validates it. */
export function parseDeviceFlag(spec: string): DeviceMapping {
  const parts = spec.split(':');
  if (parts.length > 3 || parts[0] === '') throw invalid(`bad format for path: ${spec}`);
  const [src, second, third] = parts;
  let dst = src, permissions = 'rwm';
  if (third !== undefined) {
    if (!validMode(third)) throw invalid(`bad mode specified: ${third}`);
    dst = second, permissions = third;
  } else if (second !== undefined) {
    if (validMode(second)) permissions = second;
    else dst = second;
  }
  // docker checks only the container path; a relative host path would be the CLI's cwd here
  for (const p of [dst, src]) if (!posix.isAbsolute(p)) throw invalid(`${p} is not an absolute path`);
  const pathInContainer = posix.normalize(dst).replace(/(.)\/+$/, '$1');
  if (pathInContainer === '/' || pathInContainer === '/dev') throw invalid(`invalid device destination ${dst}: a device cannot replace ${pathInContainer}`);
  return { pathOnHost: src, pathInContainer, cgroupPermissions: permissions };
}

const S_IFMT = 0o170000, S_IFBLK = 0o060000, S_IFCHR = 0o020000;

function nodeOf(st: Stats, path: string, permissions: string): HostDevice | undefined {
  const fmt = st.mode & S_IFMT;
  if (fmt !== S_IFBLK && fmt !== S_IFCHR) return undefined;
  // Linux's dev_t: major in bits 8-19 (and 32+), minor in bits 0-7 and 20-31 (glibc's gnu_dev_major/minor)
  const rdev = BigInt(st.rdev);
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path, type: fmt === S_IFBLK ? 'b' : 'c', major, minor, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, permissions };
}

/** The host nodes of one mapping (docker's DevicesFromPath). */
export function hostDevicesOf(m: DeviceMapping): HostDevice[] {
  const fail = (why: string): never => {
    throw invalid(`error gathering device information while adding custom device "${m.pathOnHost}": ${why}`);
  };
  let resolved = m.pathOnHost;
  let st: Stats;
  try {
    if (lstatSync(resolved).isSymbolicLink()) resolved = realpathSync(resolved);
    st = lstatSync(resolved);
  } catch (e) {
    return fail((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message);
  }
  const one = nodeOf(st, m.pathInContainer, m.cgroupPermissions);
  if (one) return [one];
  if (!st.isDirectory()) return fail('not a device node');
  const out: HostDevice[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      let s: Stats;
      try { s = lstatSync(p); } catch { continue; } // gone meanwhile: docker ignores it too
      if (s.isDirectory()) walk(p, posix.join(rel, name));
      else {
        const d = nodeOf(s, posix.join(m.pathInContainer, rel, name), m.cgroupPermissions);
        if (d) out.push(d);
      }
    }
  };
  walk(resolved, '');
  return out.length ? out : fail('not a device node');
}

/** Every node of the container's --device flags, from the host as it is now. */
export const hostDevices = (mappings: readonly DeviceMapping[]): HostDevice[] => mappings.flatMap(hostDevicesOf);

export const deviceRule = (d: HostDevice): DeviceRule => ({ type: d.type, major: d.major, minor: d.minor, access: d.permissions });

export function deviceMknodOp(d: HostDevice): RootfsOp {
  return { op: 'mknod', target: d.path, mode: (d.type === 'b' ? S_IFBLK : S_IFCHR) | d.mode, major: d.major, minor: d.minor, uid: d.uid, gid: d.gid };
}

