// `berth cp`: copying between the host and a container's root filesystem with
// docker cp's rules, without ever letting the container's content steer a
// read or a write outside its root (CVE-2018-15664: symlinks swapped in during
// the copy; CVE-2019-14271: nothing of the container is loaded or run here).
//
// `root` is a host path that is the container's "/" (/proc/PID/root of a
// running container, or its overlay mounted for the copy). Container paths
// resolve inside it (place.ts); from there, everything is done one component
// at a time under open directory fds, without following symlinks (fdops.ts).
//
// docker cp's rules, for SRC and DEST:
// - SRC a file: DEST missing → written as DEST (DEST ending in "/" must exist);
//   DEST a file → overwritten; DEST a directory → copied into it.
// - SRC a directory: DEST missing → created with SRC's content; DEST a file →
//   error; DEST a directory → SRC copied into it, or with "SRC/." its content.
// - A symlink as SRC is copied as the link; "SRC/" or "SRC/." follows it
//   (in-root), and so does `followLink` (docker cp -L), keeping the link's name.
//   A symlink as DEST is followed (in-root).
// - Ownership (docker's default): files copied out belong to the user running
//   berth, files copied in to the container's root (ours: no user namespace);
//   with `archive` (docker cp -a) the source's uid/gid are kept. Modes and
//   mtimes are kept; set-id bits are dropped when copying out without
//   `archive`, so a container cannot hand the host a root-owned setuid file.
// - Devices and sockets are not copied (listed in the report's `skipped`).
import type { Readable, Writable } from 'node:stream';
import { posix } from 'node:path';
import { BerthError, invalid } from '../errors.js';
import { closeQuietly, openDirAt, readlinkAt } from './fdops.js';
import { containerPlace, hostPlace, pathArg, type PathArg, type Place } from './place.js';
import { copyChildren, copyEntry, newReport, type CopyReport, type Policy } from './tree.js';
import { packTree } from './tar-out.js';
import { unpackTree } from './tar-in.js';

export type { CopyReport } from './tree.js';

export interface CopyOptions {
  /** docker cp -a: keep the source's uid/gid (and set-id bits). */
  archive?: boolean;
  /** docker cp -L: a symlink as SRC is followed (in-root for a container path). */
  followLink?: boolean;
}

/** CONTAINER:SRC → host DEST. */
export async function copyOut(root: string, srcPath: string, hostDest: string, opts: CopyOptions = {}): Promise<CopyReport> {
  const src = pathArg(srcPath);
  const dst = pathArg(hostDest, process.cwd());
  const policy: Policy = { preserveOwner: !!opts.archive, stripSetid: !opts.archive };
  return withPlaces(
    () => containerPlace(root, src.clean, src.dirOnly || !!opts.followLink, srcPath),
    (from) => checkSource(from, src, `no such file or directory in container: ${srcPath}`),
    () => hostPlace(dst.clean, true),
    (from, to) => place(from, src, to, dst, policy),
    `copying ${srcPath} out of the container`,
  );
}

/** host SRC → CONTAINER:DEST. */
export async function copyIn(hostSrc: string, root: string, destPath: string, opts: CopyOptions = {}): Promise<CopyReport> {
  const src = pathArg(hostSrc, process.cwd());
  const dst = pathArg(destPath);
  const policy: Policy = { preserveOwner: !!opts.archive, stripSetid: false };
  return withPlaces(
    () => hostPlace(src.clean, src.dirOnly || !!opts.followLink),
    (from) => checkSource(from, src, `no such file or directory: ${hostSrc}`),
    () => containerPlace(root, dst.clean, true, destPath),
    (from, to) => place(from, src, to, dst, policy),
    `copying ${hostSrc} into the container`,
  );
}

/** CONTAINER:SRC → a tar stream on `out` (docker cp CONTAINER:SRC -). `out` is not ended. */
export async function copyOutTar(root: string, srcPath: string, out: Writable, opts: CopyOptions = {}): Promise<CopyReport> {
  const src = pathArg(srcPath);
  const from = await containerPlace(root, src.clean, src.dirOnly || !!opts.followLink, srcPath);
  try {
    checkSource(from, src, `no such file or directory in container: ${srcPath}`);
    const contents = src.contents && from.st!.isDirectory();
    return await packTree(from.dir, from.name, contents ? '' : posix.basename(src.clean), contents, out);
  } catch (e) {
    throw fault(e, `copying ${srcPath} out of the container`);
  } finally {
    await closeQuietly(from.dir);
  }
}

/** A tar stream → the existing directory CONTAINER:DEST (docker cp - CONTAINER:DEST). */
export async function copyInTar(inp: Readable, root: string, destPath: string, opts: CopyOptions = {}): Promise<CopyReport> {
  const dst = pathArg(destPath);
  const to = await containerPlace(root, dst.clean, true, destPath);
  let top: number | undefined;
  try {
    if (!to.st) throw new BerthError('NOT_FOUND', `no such file or directory in container: ${destPath}`);
    if (!to.st.isDirectory()) throw invalid(`destination must be a directory to unpack a tar stream into: ${destPath}`);
    top = await openDirAt(to.dir, to.name);
    return await unpackTree(inp, top, { preserveOwner: !!opts.archive, stripSetid: false });
  } catch (e) {
    throw fault(e, `copying into ${destPath}`);
  } finally {
    await closeQuietly(top);
    await closeQuietly(to.dir);
  }
}

async function withPlaces(
  source: () => Promise<Place>,
  check: (from: Place) => void,
  dest: () => Promise<Place>,
  fn: (from: Place, to: Place) => Promise<CopyReport>,
  what: string,
): Promise<CopyReport> {
  const from = await source();
  let to: Place | undefined;
  try {
    check(from);
    to = await dest();
    return await fn(from, to);
  } catch (e) {
    throw fault(e, what);
  } finally {
    await closeQuietly(to?.dir);
    await closeQuietly(from.dir);
  }
}

function checkSource(from: Place, src: PathArg, missing: string): void {
  if (!from.st) throw new BerthError('NOT_FOUND', missing);
  if (src.dirOnly && !from.st.isDirectory()) throw invalid(`not a directory: ${src.given}`);
}

/** docker cp's placement rules (see the top of this file). */
async function place(from: Place, src: PathArg, to: Place, dst: PathArg, policy: Policy): Promise<CopyReport> {
  const report = newReport();
  const fromDir = from.st!.isDirectory();
  const name = posix.basename(src.clean);
  if (!to.st) {
    if (dst.dirOnly && !fromDir) throw new BerthError('NOT_FOUND', `destination directory does not exist: ${dst.given}`);
    await copyEntry(from.dir, from.name, to.dir, to.name, policy, report, name);
  } else if (to.st.isDirectory()) {
    const into = await openDirAt(to.dir, to.name);
    try {
      if (fromDir && src.contents) {
        const s = await openDirAt(from.dir, from.name);
        try {
          await copyChildren(s, into, policy, report, '');
        } finally {
          await closeQuietly(s);
        }
      } else {
        await copyEntry(from.dir, from.name, into, name, policy, report, name);
      }
    } finally {
      await closeQuietly(into);
    }
  } else {
    if (dst.dirOnly) throw invalid(`not a directory: ${dst.given}`);
    if (fromDir) throw invalid(`cannot copy a directory to a file: ${dst.given}`);
    await copyEntry(from.dir, from.name, to.dir, to.name, policy, report, name);
  }
  return report;
}

/** A BerthError for what went wrong mid-copy, naming the entry rather than fd paths. */
function fault(e: unknown, what: string): BerthError {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException & { copyPath?: string };
  const where = err.copyPath ? `${what}: ${err.copyPath}` : what;
  const detail = (err.message ?? String(e)).replace(/, \w+ '\/proc\/self\/fd\/.*$/, '');
  const code = err.code === 'ENOENT' ? 'NOT_FOUND'
    : ['ELOOP', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENOTEMPTY'].includes(err.code ?? '') ? 'CONFLICT' // changed under us
    : 'INTERNAL';
  return new BerthError(code, `${where}: ${detail}`, { cause: e });
}

/** What docker's archive API says of a container path (its X-Docker-Container-Path-Stat):
 * the entry itself, not followed unless the path ends in "/" or "/.". `mode` in Go's
 * os.FileMode bits (docker's clients test ModeDir, 1<<31, and ModeSymlink, 1<<27). */
export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

export async function statInRoot(root: string, path: string, container: string): Promise<PathStat> {
  const p = pathArg(path);
  const at = await containerPlace(root, p.clean, p.dirOnly, path);
  try {
    const st = at.st;
    if (!st) throw new BerthError('NOT_FOUND', `Could not find the file ${path} in container ${container}`);
    const link = st.isSymbolicLink() ? await readlinkAt(at.dir, at.name) : '';
    const mode = (st.mode & 0o7777) + (st.isDirectory() ? 2 ** 31 : 0) + (st.isSymbolicLink() ? 2 ** 27 : 0);
    return { name: posix.basename(p.clean) || '/', size: st.size, mode, mtime: st.mtime.toISOString(), linkTarget: link };
  } finally {
    await closeQuietly(at.dir);
  }
}

// the build's COPY/ADD (engine/build) place files with the same in-root rules
export { copyIntoRoot, isDirInRoot, mkdirInRoot, unpackIntoRoot } from './into-root.js';
export type { Policy as CopyPolicy } from './tree.js';
