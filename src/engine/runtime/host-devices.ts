// `--privileged` gives a container every device of the host, as docker does (containerd's
// HostDevices): each character and block device under /dev, recreated inside the container's
// /dev with the host's numbers, mode and owner. Skipped as there: the directories that are a
// container's own (pts, shm, mqueue, fd) or runtime litter, /dev/console (the container's is
// its terminal), and /dev/ptmx (the container's points at its own devpts).
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostDevice } from './devices.js';

const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);
const SKIP_FILES = new Set(['/dev/console', '/dev/ptmx']);
const S_IFMT = 0o170000, S_IFCHR = 0o020000, S_IFBLK = 0o060000, S_IFDIR = 0o040000;

/** Every device node under `dir` (host /dev), parents before children, sorted by path; each
 * at the same path in the container, with every access. */
export function privilegedDevices(dir = '/dev'): HostDevice[] {
  const out: HostDevice[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out; // a directory that went away while walking
  }
  for (const name of names) {
    const p = join(dir, name);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    const type = st.mode & S_IFMT;
    if (type === S_IFDIR) {
      if (!SKIP_DIRS.has(name)) out.push(...privilegedDevices(p));
    } else if ((type === S_IFCHR || type === S_IFBLK) && !SKIP_FILES.has(p)) {
      // st.rdev: Linux's encoding (glibc's major()/minor())
      const major = Number((BigInt(st.rdev) >> 8n) & 0xfffn), minor = Number((BigInt(st.rdev) & 0xffn) | ((BigInt(st.rdev) >> 12n) & 0xfff00n));
      out.push({ path: p, type: type === S_IFBLK ? 'b' : 'c', mode: st.mode & 0o7777, major, minor, uid: st.uid, gid: st.gid, permissions: 'rwm' });
    }
  }
  return out;
}
