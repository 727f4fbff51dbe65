// Copying a tree between two directories we hold open (host and container,
// either way round). Every step works on one component under an open
// directory fd (fdops.ts): a symlink is copied as a symlink and never
// followed, a directory swapped for a symlink mid-copy makes the open fail, and
// a file's type and metadata are taken from the fd we read (fstat), not from
// an earlier lstat of a name that may have changed since.
import type { Stats } from 'node:fs';
import * as f from './fdops.js';

/** What the copy does with ownership and set-id bits (see index.ts for docker's rules). */
export interface Policy {
  /** chown to the source's uid/gid; otherwise new files belong to us. */
  preserveOwner: boolean;
  /** Drop setuid/setgid bits (copying out without keeping owners: no host set-id files from a container). */
  stripSetid: boolean;
  /** The build's COPY --chown / --chmod: this owner and this mode for everything copied. */
  owner?: { uid: number; gid: number };
  mode?: number;
  /** The build's .dockerignore: entries (named as in messages, relative to the copy's top) left out. */
  skip?: (shown: string) => boolean;
  /** The build's COPY: files linked to each other in the source are linked in the copy too
   *  (BuildKit's copy keeps them); the copy's caller ends with closeLinks. */
  keepHardlinks?: boolean;
}

export interface CopyReport {
  /** Files, directories, symlinks and fifos written. */
  entries: number;
  /** Bytes of file content written. */
  bytes: number;
  /** Devices and sockets, which are not copied (shown relative to the copy's top). */
  skipped: string[];
  /** keepHardlinks: a source file's (dev:ino) with several links → where its first copy is (an open directory). */
  links?: Map<string, { dir: number; name: string }>;
}

/** Closes what keepHardlinks held open. */
export async function closeLinks(report: CopyReport): Promise<void> {
  for (const l of report.links?.values() ?? []) await f.closeQuietly(l.dir);
  report.links?.clear();
}

export const newReport = (): CopyReport => ({ entries: 0, bytes: 0, skipped: [] });

export interface Meta { mode: number; uid: number; gid: number; atime: Date; mtime: Date }

const BUF = 256 * 1024;

/** The metadata to write for a source: mode bits only, per the policy. */
export function modeFor(st: Meta, policy: Policy): number {
  if (policy.mode !== undefined) return policy.mode;
  return st.mode & (policy.stripSetid ? 0o1777 : 0o7777);
}

/** Owner, then mode (chown clears set-id bits), then times, on an open fd. */
export async function applyMeta(fd: number, st: Meta, policy: Policy): Promise<void> {
  if (policy.owner) await f.fchown(fd, policy.owner.uid, policy.owner.gid);
  else if (policy.preserveOwner) await f.fchown(fd, st.uid, st.gid);
  await f.fchmod(fd, modeFor(st, policy));
  await f.futimes(fd, st.atime, st.mtime);
}

/** A symlink has no mode of its own; owner and times are set without following it. */
export async function applyLinkMeta(dirfd: number, name: string, st: Meta, policy: Policy): Promise<void> {
  if (policy.owner) await f.lchownAt(dirfd, name, policy.owner.uid, policy.owner.gid);
  else if (policy.preserveOwner) await f.lchownAt(dirfd, name, st.uid, st.gid);
  await f.lutimesAt(dirfd, name, st.atime, st.mtime);
}

/** Copies entry `name` of `srcDir` to `dstName` in `dstDir`; `shown` names it in messages. */
export async function copyEntry(srcDir: number, name: string, dstDir: number, dstName: string, policy: Policy, report: CopyReport, shown: string): Promise<void> {
  try {
    await copyOne(srcDir, name, dstDir, dstName, policy, report, shown);
  } catch (e) {
    // the deepest entry names the error (the fd paths in Node's message mean nothing to a user)
    if (e instanceof Error && !('copyPath' in e)) Object.assign(e, { copyPath: shown });
    throw e;
  }
}

async function copyOne(srcDir: number, name: string, dstDir: number, dstName: string, policy: Policy, report: CopyReport, shown: string): Promise<void> {
  const st = await f.lstatAt(srcDir, name);
  if (!st) return; // removed while we were copying: like tar, skip it
  if (st.isDirectory()) return copyDir(srcDir, name, dstDir, dstName, policy, report, shown);
  if (st.isSymbolicLink()) {
    const target = await f.readlinkAt(srcDir, name);
    await f.clearForFile(dstDir, dstName, shown);
    await f.symlinkAt(target, dstDir, dstName);
    await applyLinkMeta(dstDir, dstName, st, policy);
    report.entries++;
    return;
  }
  if (st.isFile()) return copyFile(srcDir, name, dstDir, dstName, policy, report, shown);
  if (st.isFIFO()) {
    await f.clearForFile(dstDir, dstName, shown);
    const fd = await f.mkfifoAt(dstDir, dstName);
    try {
      await applyMeta(fd, st, policy);
    } finally {
      await f.close(fd);
    }
    report.entries++;
    return;
  }
  report.skipped.push(shown); // device or socket
}

/** Copies the children of one open directory into another. */
export async function copyChildren(srcFd: number, dstFd: number, policy: Policy, report: CopyReport, shown: string): Promise<void> {
  const prefix = shown === '' || shown.endsWith('/') ? shown : `${shown}/`;
  for (const child of await f.readdirAt(srcFd)) {
    if (policy.skip?.(prefix + child)) continue;
    await copyEntry(srcFd, child, dstFd, child, policy, report, prefix + child);
  }
}

async function copyDir(srcDir: number, name: string, dstDir: number, dstName: string, policy: Policy, report: CopyReport, shown: string): Promise<void> {
  const src = await f.openDirAt(srcDir, name);
  let dst: number | undefined;
  try {
    const st = await f.fstat(src);
    dst = (await f.ensureDirAt(dstDir, dstName, shown)).fd;
    await copyChildren(src, dst, policy, report, shown);
    await applyMeta(dst, st, policy); // last: adding children changed its mtime
    report.entries++;
  } finally {
    await f.closeQuietly(dst);
    await f.close(src);
  }
}

async function copyFile(srcDir: number, name: string, dstDir: number, dstName: string, policy: Policy, report: CopyReport, shown: string): Promise<void> {
  const src = await f.openReadAt(srcDir, name);
  let dst: number | undefined;
  try {
    const st: Stats = await f.fstat(src);
    if (!st.isFile()) {
      report.skipped.push(shown); // swapped for something else since the lstat
      return;
    }
    const key = policy.keepHardlinks && st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined;
    const first = key !== undefined ? report.links?.get(key) : undefined;
    await f.clearForFile(dstDir, dstName, shown);
    if (first) {
      await f.linkAt(first.dir, first.name, dstDir, dstName);
      report.entries++;
      return;
    }
    dst = await f.createFileAt(dstDir, dstName);
    if (key !== undefined) (report.links ??= new Map()).set(key, { dir: await f.openDirAt(dstDir, '.'), name: dstName });
    const buf = Buffer.allocUnsafe(BUF);
    for (;;) {
      const n = await f.read(src, buf, 0, BUF, null);
      if (n === 0) break;
      await f.writeAll(dst, buf.subarray(0, n));
      report.bytes += n;
    }
    await applyMeta(dst, st, policy);
    report.entries++;
  } finally {
    await f.closeQuietly(dst);
    await f.close(src);
  }
}
