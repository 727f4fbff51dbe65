// File operations relative to an open directory, one path component at a
// time, never following a symlink at that component. The kernel resolves
// /proc/self/fd/N straight to the directory we hold open (wherever it now is,
// whatever was swapped in above it), and `name` is a single component that
// every call here treats without following: open with O_NOFOLLOW, lstat,
// readlink, mkdir, symlink, unlink, lchown, lutimes. Path-following calls
// (chmod, chown, utimes, copyFile, stat) are never used on these paths: a
// container could swap a name for a symlink to a host file between two calls.
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { mknod } from '../../native/index.js';
import { invalid } from '../errors.js';

export const O_PATH = 0o10000000;
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** The path naming `name` in the directory open as `dirfd` ('.' = the directory itself). */
export function at(dirfd: number, name = '.'): string {
  if (name === '' || name === '..' || name.includes('/') || name.includes('\0')) throw invalid(`bad file name: ${JSON.stringify(name)}`);
  return `/proc/self/fd/${dirfd}/${name}`;
}

const openFd = promisify(fs.open) as (path: string, flags: number, mode?: number) => Promise<number>;
export const close = promisify(fs.close);
export const fstat = promisify(fs.fstat) as (fd: number) => Promise<fs.Stats>;
export const fchown = promisify(fs.fchown);
export const fchmod = promisify(fs.fchmod);
export const futimes = promisify(fs.futimes);
const readP = promisify(fs.read);
const writeP = promisify(fs.write);
export const read = async (fd: number, buf: Buffer, off: number, len: number, pos: number | null): Promise<number> =>
  (await readP(fd, buf, off, len, pos)).bytesRead;

export async function closeQuietly(fd: number | undefined): Promise<void> {
  if (fd !== undefined) await close(fd).catch(() => undefined);
}

/** lstat of one entry; undefined when it does not exist. */
export async function lstatAt(dirfd: number, name: string): Promise<fs.Stats | undefined> {
  try {
    return await fs.promises.lstat(at(dirfd, name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Opens a host directory the user named (their path: resolved normally). */
export const openDirPath = (path: string): Promise<number> => openFd(path, O_RDONLY | O_DIRECTORY);

/** Opens a child directory; fails (ELOOP / ENOTDIR) if it is a symlink or not a directory. */
export const openDirAt = (dirfd: number, name: string): Promise<number> =>
  openFd(at(dirfd, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

/**
 * Opens a child for reading. O_NONBLOCK: if a fifo was swapped in after the
 * lstat, the open must not hang; callers fstat the fd and check its type.
 */
export const openReadAt = (dirfd: number, name: string): Promise<number> =>
  openFd(at(dirfd, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);

/** Creates a new file (never an existing one, never through a symlink). */
export const createFileAt = (dirfd: number, name: string): Promise<number> =>
  openFd(at(dirfd, name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);

export const readdirAt = (dirfd: number): Promise<string[]> => fs.promises.readdir(at(dirfd));
export const readlinkAt = (dirfd: number, name: string): Promise<string> => fs.promises.readlink(at(dirfd, name));
export const mkdirAt = (dirfd: number, name: string): Promise<void> => fs.promises.mkdir(at(dirfd, name), { mode: 0o700 });
export const symlinkAt = (target: string, dirfd: number, name: string): Promise<void> => fs.promises.symlink(target, at(dirfd, name));
export const unlinkAt = (dirfd: number, name: string): Promise<void> => fs.promises.unlink(at(dirfd, name));
export const lchownAt = (dirfd: number, name: string, uid: number, gid: number): Promise<void> =>
  fs.promises.lchown(at(dirfd, name), uid, gid);
export const lutimesAt = (dirfd: number, name: string, atime: Date, mtime: Date): Promise<void> =>
  fs.promises.lutimes(at(dirfd, name), atime, mtime);
/** link(2) without AT_SYMLINK_FOLLOW: the old name is not followed either. */
export const linkAt = (olddir: number, oldname: string, newdir: number, newname: string): Promise<void> =>
  fs.promises.link(at(olddir, oldname), at(newdir, newname));

/** A fifo, created without following; opened (non-blocking, no follow) for its metadata. */
export async function mkfifoAt(dirfd: number, name: string): Promise<number> {
  mknod(at(dirfd, name), fs.constants.S_IFIFO | 0o600, 0, 0);
  return openFd(at(dirfd, name), O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
}

export async function writeAll(fd: number, buf: Buffer): Promise<void> {
  for (let off = 0; off < buf.length;) off += (await writeP(fd, buf, off, buf.length - off)).bytesWritten;
}

/**
 * Makes room for a non-directory at `name`: an existing non-directory is
 * removed (tar's way: replaced, never written through), an existing directory
 * is an error (docker cp refuses to overwrite a directory with a non-directory).
 */
export async function clearForFile(dirfd: number, name: string, shown: string): Promise<void> {
  const st = await lstatAt(dirfd, name);
  if (!st) return;
  if (st.isDirectory()) throw invalid(`cannot overwrite directory ${shown} with non-directory`);
  await unlinkAt(dirfd, name);
}

/** Opens (creating if missing) a child directory to copy into; a non-directory there is an error. */
export async function ensureDirAt(dirfd: number, name: string, shown: string): Promise<{ fd: number; created: boolean }> {
  const st = await lstatAt(dirfd, name);
  if (st && !st.isDirectory()) throw invalid(`cannot overwrite non-directory ${shown} with directory`);
  if (!st) await mkdirAt(dirfd, name);
  return { fd: await openDirAt(dirfd, name), created: !st };
}
