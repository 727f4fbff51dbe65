// The build's COPY and ADD placing files in an image's root (an overlay the
// builder mounted): the same in-root resolution and fd-by-fd copying as
// `berth cp`, with the Dockerfile's rules on top — missing parent directories
// are made (0755, or the --chown owner), a directory source gives its
// contents, and the policy carries --chown, --chmod and the .dockerignore.
import type { Readable } from 'node:stream';
import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import * as f from './fdops.js';
import { containerError, containerPlace, hostPlace } from './place.js';
import { unpackTree } from './tar-in.js';
import { closeLinks, copyChildren, copyEntry, newReport, type CopyReport, type Policy } from './tree.js';

/** mkdir -p of `path` (absolute, clean) inside `root`; symlinks on the way are followed in-root. */
export async function mkdirInRoot(root: string, path: string, owner?: { uid: number; gid: number }): Promise<void> {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    const place = await containerPlace(root, at, true, at);
    try {
      if (place.st && !place.st.isDirectory()) throw new BerthError('INVALID_ARGUMENT', `cannot create directory ${at}: not a directory`);
      if (!place.st) {
        await f.mkdirAt(place.dir, place.name);
        const fd = await f.openDirAt(place.dir, place.name);
        try {
          if (owner) await f.fchown(fd, owner.uid, owner.gid);
          await f.fchmod(fd, 0o755);
        } finally {
          await f.close(fd);
        }
      }
    } finally {
      await f.closeQuietly(place.dir);
    }
  }
}

/** Whether `path` is a directory in `root` (following symlinks in-root). */
export async function isDirInRoot(root: string, path: string): Promise<boolean> {
  try {
    const place = await containerPlace(root, path, true, path);
    await f.closeQuietly(place.dir);
    return !!place.st?.isDirectory();
  } catch (e) {
    if (e instanceof BerthError && e.code === 'NOT_FOUND') return false;
    throw e;
  }
}

/**
 * Copies the host path `src` (no symlink: the caller resolved it) into `root`:
 * a directory's contents into the directory `dest`, anything else as the entry `dest`.
 */
export async function copyIntoRoot(src: string, root: string, dest: string, policy: Policy): Promise<CopyReport> {
  const report = newReport();
  const from = await hostPlace(src, false);
  try {
    if (!from.st) throw new BerthError('NOT_FOUND', `${src}: not found`);
    if (from.st.isDirectory()) {
      await mkdirInRoot(root, dest, policy.owner);
      const srcFd = await f.openDirAt(from.dir, from.name);
      const to = await containerPlace(root, dest, true, dest);
      let dstFd: number | undefined;
      try {
        dstFd = await f.openDirAt(to.dir, to.name);
        await copyChildren(srcFd, dstFd, policy, report, '');
      } finally {
        await f.closeQuietly(dstFd);
        await f.closeQuietly(to.dir);
        await f.close(srcFd);
      }
      return report;
    }
    const parent = posix.dirname(dest);
    await mkdirInRoot(root, parent, policy.owner);
    // a symlink at the destination is followed in-root, as BuildKit writes through one
    const to = await containerPlace(root, dest, true, dest);
    try {
      await copyEntry(from.dir, from.name, to.dir, to.name === '.' ? posix.basename(dest) : to.name, policy, report, posix.basename(dest));
    } finally {
      await f.closeQuietly(to.dir);
    }
    return report;
  } catch (e) {
    throw e instanceof BerthError ? e : containerError(e, dest);
  } finally {
    await closeLinks(report);
    await f.closeQuietly(from.dir);
  }
}

/** ADD's local archive: unpacked into the directory `dest` (made if missing), owners as the archive says. */
export async function unpackIntoRoot(inp: Readable, root: string, dest: string, policy: Policy): Promise<CopyReport> {
  await mkdirInRoot(root, dest, policy.owner);
  const to = await containerPlace(root, dest, true, dest);
  let fd: number | undefined;
  try {
    fd = await f.openDirAt(to.dir, to.name);
    return await unpackTree(inp, fd, policy);
  } finally {
    await f.closeQuietly(fd);
    await f.closeQuietly(to.dir);
  }
}
