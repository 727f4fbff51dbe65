// `berth cp CONTAINER:SRC -`: the source as a tar stream, walked with the same
// no-follow, fd-relative steps as a copy (symlinks archived as symlinks, file
// types and sizes taken from the fd that is read). Entries carry the source's
// uid/gid and modes, as docker's archive does; devices and sockets are left out.
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import * as tar from 'tar-stream';
import * as f from './fdops.js';
import { newReport, type CopyReport } from './tree.js';
import { writeTar } from '../write-tar.js';

const BUF = 256 * 1024;

type Header = Parameters<tar.Pack['entry']>[0];

/**
 * Packs entry `name` of `dir` (or, with `contents`, the children of that
 * directory) into a tar written to `out`, named `top` inside the archive.
 * `out` is not ended (it may be stdout).
 */
export async function packTree(dir: number, name: string, top: string, contents: boolean, out: Writable): Promise<CopyReport> {
  const report = newReport();
  return writeTar(out, async (pack) => {
    if (contents) {
      const fd = await f.openDirAt(dir, name);
      try {
        for (const child of await f.readdirAt(fd)) await addEntry(pack, fd, child, top ? `${top}/${child}` : child, report);
      } finally {
        await f.close(fd);
      }
    } else {
      await addEntry(pack, dir, name, top, report);
    }
    return report;
  });
}

async function addEntry(pack: tar.Pack, dir: number, name: string, path: string, report: CopyReport): Promise<void> {
  const st = await f.lstatAt(dir, name);
  if (!st) return; // removed meanwhile
  const base = { name: path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
  if (st.isSymbolicLink()) {
    await entry(pack, { ...base, type: 'symlink', linkname: await f.readlinkAt(dir, name) });
  } else if (st.isFIFO()) {
    await entry(pack, { ...base, type: 'fifo' });
  } else if (st.isDirectory()) {
    const fd = await f.openDirAt(dir, name);
    try {
      const dst = await f.fstat(fd);
      await entry(pack, { ...base, name: `${path}/`, type: 'directory', mode: dst.mode & 0o7777, uid: dst.uid, gid: dst.gid, mtime: dst.mtime });
      for (const child of await f.readdirAt(fd)) await addEntry(pack, fd, child, `${path}/${child}`, report);
    } finally {
      await f.close(fd);
    }
  } else if (st.isFile()) {
    await addFile(pack, dir, name, path, report);
    return;
  } else {
    report.skipped.push(path);
    return;
  }
  report.entries++;
}

async function addFile(pack: tar.Pack, dir: number, name: string, path: string, report: CopyReport): Promise<void> {
  const fd = await f.openReadAt(dir, name);
  try {
    const st = await f.fstat(fd);
    if (!st.isFile()) {
      report.skipped.push(path); // swapped since the lstat
      return;
    }
    // The header promises st.size bytes: a file that grows meanwhile is cut
    // there, one that shrinks is padded with zeros (the archive stays valid).
    const size = st.size;
    await entry(pack, { name: path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, size, type: 'file' }, async (sink) => {
      const buf = Buffer.allocUnsafe(BUF);
      for (let left = size; left > 0;) {
        let n = await f.read(fd, buf, 0, Math.min(BUF, left), null);
        if (n === 0) {
          n = Math.min(BUF, left);
          buf.fill(0, 0, n);
        }
        left -= n;
        if (!sink.write(Buffer.from(buf.subarray(0, n)))) await once(sink, 'drain');
      }
    });
    report.entries++;
    report.bytes += size;
  } finally {
    await f.close(fd);
  }
}

/** Adds one entry; `body` writes its content. Resolves once the pack has taken it. */
function entry(pack: tar.Pack, header: Header, body?: (sink: ReturnType<tar.Pack['entry']>) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sink = pack.entry(header, (err) => (err ? reject(err) : resolve()));
    if (body) {
      body(sink).then(() => sink.end(null), (e: Error) => {
        sink.destroy(e);
        reject(e);
      });
    }
  });
}
