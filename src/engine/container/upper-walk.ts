// Reading a container's changes: its overlay upper directory, compared with the
// image layers below it. Shared by `diff` (what changed) and `commit` (the
// changes as a layer tar).
//
// The upper directory's content is the container's: a running container can
// swap a directory for a symlink at any moment. So the walk holds each
// directory open and looks at its children through /proc/self/fd/N/<name>
// (lstat, open with O_NOFOLLOW): a name is never resolved through a symlink,
// and nothing outside the upper directory is ever read.
//
// overlayfs marks a deleted lower entry with a 0:0 character device (a
// whiteout), and a directory whose lower content is hidden with the xattr
// trusted.overlay.opaque=y.
//
// Paths the runtime creates only as mount targets (docker keeps them in an
// "init layer" below the container's own) are left out: empty /etc/hosts,
// /etc/hostname, /etc/resolv.conf and the kernel filesystems' mount points,
// when the image did not have them — and a directory copied up only to hold them.
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { lgetxattr } from '../../native/index.js';

export type UpperKind = 'whiteout' | 'directory' | 'file' | 'symlink' | 'fifo' | 'device' | 'socket';

export interface UpperEntry {
  /** Path relative to the root, no leading "/". */
  rel: string;
  kind: UpperKind;
  st: Stats;
  /** For directories: lower content is hidden (trusted.overlay.opaque=y). */
  opaque: boolean;
  /** The path exists in the image's layers (so this is a change, not an addition). */
  inLower: boolean;
  /** `/proc/self/fd/N/<name>`: valid only during the visit. */
  path: string;
}

/** Mount targets the runtime creates when the image lacks them (see rootfs-ops.ts and spawn-spec.ts).
 *  --init's lands in usr/sbin when the image's /sbin links there (usrmerge). */
const RUNTIME_TARGETS = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'proc', 'sys', 'dev', 'dev/pts', 'dev/shm', 'dev/mqueue',
  'sbin', 'sbin/docker-init', 'usr/sbin/docker-init']);

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = constants;

/** Visits every change in `upper`, parents before children, names sorted. */
export async function walkUpper(upper: string, lowerDirs: string[], visit: (e: UpperEntry) => Promise<void>): Promise<void> {
  const lower = new LowerView(lowerDirs);
  const top = await open(upper, O_RDONLY | O_DIRECTORY);
  try {
    await walkDir(top.fd, '', lower, visit, async () => undefined);
  } finally {
    await top.close();
  }
}

/**
 * Walks one open directory. A directory is visited before its children, but
 * whether it is worth showing can depend on them (a copy-up made only for a
 * hidden mount target): so it is visited lazily, by `ensureParents`, just
 * before its first visible child — while its fd is still open.
 */
async function walkDir(
  fd: number, prefix: string, lower: LowerView, visit: (e: UpperEntry) => Promise<void>, ensureParents: () => Promise<void>,
): Promise<void> {
  const names = (await readdir(`/proc/self/fd/${fd}`)).sort();
  for (const name of names) {
    const path = `/proc/self/fd/${fd}/${name}`;
    const rel = prefix + name;
    let st: Stats;
    try {
      st = await lstat(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted meanwhile
      throw e;
    }
    const kind = kindOf(st);
    const inLower = await lower.exists(rel);
    if (kind !== 'directory') {
      if (kind === 'whiteout' && !inLower) continue; // nothing below it to delete
      if (!inLower && RUNTIME_TARGETS.has(rel) && kind === 'file' && st.size === 0) continue;
      await ensureParents();
      await visit({ rel, kind, st, opaque: false, inLower, path });
      continue;
    }
    const opaque = isOpaque(path);
    let child;
    try {
      child = await open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') continue; // swapped meanwhile
      throw e;
    }
    try {
      let shown = false;
      const show = async () => {
        if (shown) return;
        shown = true;
        await ensureParents();
        await visit({ rel, kind, st, opaque, inLower, path });
      };
      const maybeHidden = (!inLower && RUNTIME_TARGETS.has(rel)) || (inLower && !opaque && (await lower.sameMeta(rel, st)));
      if (!maybeHidden) await show();
      await walkDir(child.fd, `${rel}/`, lower, visit, show);
    } finally {
      await child.close();
    }
  }
}

function kindOf(st: Stats): UpperKind {
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() && st.rdev === 0) return 'whiteout';
  return 'device';
}

function isOpaque(path: string): boolean {
  const v = lgetxattr(path, 'trusted.overlay.opaque');
  return v !== null && v.toString() === 'y';
}

/**
 * The image's filesystem as overlayfs would show it, for existence questions:
 * layers top first; a whiteout or a non-directory on the way hides everything
 * below it; an opaque directory hides the layers below it. Every component is
 * lstat'ed in turn, so a symlink inside a layer is never followed.
 */
class LowerView {
  constructor(private readonly dirs: string[]) {}

  async exists(rel: string): Promise<boolean> {
    return (await this.find(rel, 0)) !== undefined;
  }

  /** The lower directory has the same mode and owner (its copy in upper holds only hidden children). */
  async sameMeta(rel: string, st: Stats): Promise<boolean> {
    const low = await this.find(rel, 0);
    return low !== undefined && low.mode === st.mode && low.uid === st.uid && low.gid === st.gid;
  }

  private async find(rel: string, from: number): Promise<Stats | undefined> {
    const parts = rel.split('/');
    for (let layer = from; layer < this.dirs.length; layer++) {
      let cur = this.dirs[layer];
      let opaqueAbove = false;
      let result: 'absent' | 'hidden' | Stats = 'absent';
      for (let i = 0; i < parts.length; i++) {
        cur = `${cur}/${parts[i]}`;
        const st = await lstat(cur).catch(() => undefined);
        if (!st) { result = opaqueAbove ? 'hidden' : 'absent'; break; }
        if (st.isCharacterDevice() && st.rdev === 0) { result = 'hidden'; break; }
        if (i === parts.length - 1) { result = st; break; }
        if (!st.isDirectory()) { result = 'hidden'; break; }
        if (isOpaque(cur)) opaqueAbove = true;
      }
      if (result === 'hidden') return undefined;
      if (result !== 'absent') return result;
    }
    return undefined;
  }
}
