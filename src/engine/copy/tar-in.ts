// `berth cp - CONTAINER:DEST`: a tar stream unpacked into a directory we hold
// open. The archive is untrusted input: names with ".." are refused, absolute
// names are taken relative to DEST, every directory on the way is opened one
// component at a time without following symlinks (an entry cannot reach
// through a symlink made by an earlier entry or planted by the container), and
// hard links may only point at names inside DEST.
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { BerthError, invalid } from '../errors.js';
import * as f from './fdops.js';
import { applyLinkMeta, applyMeta, newReport, type CopyReport, type Meta, type Policy } from './tree.js';

/** The components of an entry name, relative to DEST; refuses "..". */
function components(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalid(`refusing tar entry outside the destination: ${name}`);
  return parts;
}

/**
 * Opens the directory holding `parts`' last component, walking from `top`;
 * missing directories are made when `create`. The caller closes the fd (unless
 * it is `top`).
 */
async function parentOf(top: number, parts: string[], create: boolean, shown: string): Promise<number> {
  const refuse = () => invalid(`refusing tar entry through a symlink or non-directory: ${shown}`);
  let dir = top;
  try {
    for (const p of parts.slice(0, -1)) {
      if (create) {
        const st = await f.lstatAt(dir, p);
        if (st && !st.isDirectory()) throw refuse();
        if (!st) await f.mkdirAt(dir, p);
      }
      const next = await f.openDirAt(dir, p); // no follow: a symlink swapped in fails here
      if (dir !== top) await f.close(dir);
      dir = next;
    }
    return dir;
  } catch (e) {
    if (dir !== top) await f.closeQuietly(dir);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') throw refuse();
    throw e;
  }
}

const metaOf = (h: tar.Header): Meta => ({ mode: h.mode, uid: h.uid, gid: h.gid, atime: h.mtime, mtime: h.mtime });

/** Unpacks `inp` into the directory open as `top`. */
export async function unpackTree(inp: Readable, top: number, policy: Policy): Promise<CopyReport> {
  const report = newReport();
  const extract = tar.extract();
  inp.on('error', (e) => extract.destroy(e));
  inp.pipe(extract as unknown as NodeJS.WritableStream);
  // directories get their mode and mtime last, deepest first: adding entries changes them
  const dirs: { parts: string[]; meta: Meta }[] = [];
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const parts = components(h.name);
      const shown = parts.join('/');
      try {
        if (parts.length === 0) continue; // "./": DEST itself keeps its own metadata
        await unpackEntry(top, parts, h, entry, policy, report, shown);
        if (h.type === 'directory') dirs.push({ parts, meta: metaOf(h) });
      } finally {
        entry.resume(); // drain whatever was not read, or the extract stalls
      }
    }
    for (const d of dirs.reverse()) {
      const parent = await parentOf(top, d.parts, false, d.parts.join('/'));
      try {
        const fd = await f.openDirAt(parent, d.parts[d.parts.length - 1]);
        try {
          await applyMeta(fd, d.meta, policy);
        } finally {
          await f.close(fd);
        }
      } finally {
        if (parent !== top) await f.close(parent);
      }
    }
  } catch (e) {
    inp.unpipe(extract as unknown as NodeJS.WritableStream);
    extract.destroy();
    throw e;
  }
  return report;
}

async function unpackEntry(top: number, parts: string[], h: tar.Header, body: AsyncIterable<unknown>, policy: Policy, report: CopyReport, shown: string): Promise<void> {
  const name = parts[parts.length - 1];
  const dir = await parentOf(top, parts, true, shown);
  try {
    switch (h.type) {
      case 'directory': {
        const { fd } = await f.ensureDirAt(dir, name, shown);
        await f.close(fd);
        break;
      }
      case 'file':
      case 'contiguous-file': {
        await f.clearForFile(dir, name, shown);
        const fd = await f.createFileAt(dir, name);
        try {
          for await (const chunk of body) {
            await f.writeAll(fd, chunk as Buffer);
            report.bytes += (chunk as Buffer).length;
          }
          await applyMeta(fd, metaOf(h), policy);
        } finally {
          await f.close(fd);
        }
        break;
      }
      case 'symlink':
        await f.clearForFile(dir, name, shown);
        await f.symlinkAt(h.linkname, dir, name); // stored as written: never followed by us
        await applyLinkMeta(dir, name, metaOf(h), policy);
        break;
      case 'link': {
        const target = components(h.linkname);
        if (target.length === 0) throw invalid(`refusing hard link to the destination itself: ${shown}`);
        const tdir = await parentOf(top, target, false, h.linkname);
        try {
          await f.clearForFile(dir, name, shown);
          await f.linkAt(tdir, target[target.length - 1], dir, name);
        } finally {
          if (tdir !== top) await f.close(tdir);
        }
        break;
      }
      case 'fifo': {
        await f.clearForFile(dir, name, shown);
        const fd = await f.mkfifoAt(dir, name);
        try {
          await applyMeta(fd, metaOf(h), policy);
        } finally {
          await f.close(fd);
        }
        break;
      }
      default:
        report.skipped.push(shown); // devices: not made by a copy
        return;
    }
    report.entries++;
  } catch (e) {
    if (e instanceof BerthError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new BerthError(err.code === 'ENOENT' ? 'NOT_FOUND' : 'CONFLICT', `${shown}: ${err.code ?? err.message}`, { cause: e });
  } finally {
    if (dir !== top) await f.close(dir);
  }
}
