// Where a copy reads from or writes to: an open parent directory and one name
// in it. Container paths are resolved as if the container's root were "/"
// (openat2 RESOLVE_IN_ROOT through the native layer): symlinks and ".." cannot
// lead out of it. Host paths are the user's own and resolve normally.
import type { Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, posix, resolve } from 'node:path';
import { openInRoot, isNativeError } from '../../native/index.js';
import { BerthError, invalid } from '../errors.js';
import { close, closeQuietly, lstatAt, openDirPath, readlinkAt } from './fdops.js';

/** `name` in the directory open as `dir`; `name` '.' = that directory itself (a root). */
export interface Place {
  dir: number;
  name: string;
  /** lstat of the entry; undefined when it does not exist (yet). */
  st: Stats | undefined;
}

/** A user's path: docker's trailing "/." (the contents) and "/" (must be a directory). */
export interface PathArg {
  /** As typed, for messages. */
  given: string;
  /** Lexically cleaned: absolute, no "." or ".." (clamped at "/", as docker cleans), no trailing "/". */
  clean: string;
  /** Ends with "/." (or is the root): copy the directory's contents, not the directory. */
  contents: boolean;
  /** Ends with "/" or "/.": must be a directory (and a symlink there is followed). */
  dirOnly: boolean;
}

export function pathArg(given: string, base = '/'): PathArg {
  if (given === '') throw invalid('empty path');
  if (given.includes('\0')) throw invalid(`bad path: ${JSON.stringify(given)}`);
  const dotted = given === '.' || given.endsWith('/.');
  const dirOnly = dotted || given.endsWith('/');
  let clean = posix.normalize(posix.isAbsolute(given) ? given : posix.join(base, given));
  if (clean.length > 1) clean = clean.replace(/\/+$/, '');
  return { given, clean, contents: dotted || clean === '/', dirOnly: dirOnly || clean === '/' };
}

const MAX_LINKS = 40;
const { O_RDONLY, O_DIRECTORY } = constants;

/** The error for a container path: NOT_FOUND for missing parts, else what the kernel said. */
export function containerError(e: unknown, path: string): BerthError {
  if (e instanceof BerthError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new BerthError('NOT_FOUND', `no such file or directory in container: ${path}`);
  if (code === 'ELOOP') return invalid(`too many levels of symbolic links in container: ${path}`);
  if (isNativeError(e)) return new BerthError('NATIVE', `${path}: ${e.message}`, { step: e.step, errno: e.code, cause: e });
  return new BerthError('INTERNAL', `${path}: ${(e as Error).message}`, { cause: e });
}

/**
 * Resolves `clean` inside `root`. The parent directory is opened in-root by
 * the kernel; the last component is looked at with lstat under that fd. With
 * `follow`, a symlink there is followed the same way (its target resolved
 * in-root again), up to 40 links, so the result is never a symlink.
 */
export async function containerPlace(root: string, clean: string, follow: boolean, shown: string): Promise<Place> {
  let path = clean;
  for (let hops = 0; ; hops++) {
    const name = posix.basename(path);
    const isDir = path === '/' || name === '.' || name === '..'; // only a directory can be named so
    const parent = isDir ? path : posix.dirname(path);
    let dir: number;
    try {
      // mode 0: the addon passes the mode on when flags & O_TMPFILE, and O_TMPFILE
      // includes O_DIRECTORY's bit; openat2 refuses a mode without O_CREAT (EINVAL)
      dir = openInRoot(root, parent, O_RDONLY | O_DIRECTORY, 0);
    } catch (e) {
      throw containerError(e, shown);
    }
    try {
      if (isDir) return { dir, name: '.', st: await lstatAt(dir, '.') };
      const st = await lstatAt(dir, name);
      if (!follow || !st?.isSymbolicLink()) return { dir, name, st };
      if (hops >= MAX_LINKS) throw containerError(Object.assign(new Error('ELOOP'), { code: 'ELOOP' }), shown);
      const target = await readlinkAt(dir, name);
      // not normalized: "a/../b" is resolved by the kernel, physically and in-root
      path = (target.startsWith('/') ? target : `${parent === '/' ? '' : parent}/${target}`).replace(/(.)\/+$/, '$1');
      await close(dir);
    } catch (e) {
      await closeQuietly(dir);
      throw containerError(e, shown);
    }
  }
}

/** A host path: with `follow`, the real location of an existing path (so a symlink to a directory counts as one). */
export async function hostPlace(abs: string, follow: boolean): Promise<Place> {
  let path = resolve(abs);
  if (follow) path = await realpath(path).catch(() => path);
  const atRoot = path === '/';
  let dir: number;
  try {
    dir = await openDirPath(atRoot ? '/' : dirname(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BerthError('NOT_FOUND', `no such directory: ${dirname(path)}`);
    throw e;
  }
  const name = atRoot ? '.' : basename(path);
  try {
    return { dir, name, st: await lstatAt(dir, name) };
  } catch (e) {
    await closeQuietly(dir);
    throw e;
  }
}
