// A container's changes as an OCI layer tar (for `commit`): its overlay upper
// directory, with overlayfs' markers translated back to the layer format —
// a whiteout (0:0 char device) becomes an empty `.wh.<name>` file, an opaque
// directory gets a `.wh..wh..opq` entry right after it. Hardlinked files are
// written once and linked after. Sockets cannot be archived and are left out
// (as docker does). File content is read from fds opened without following.
import { once } from 'node:events';
import { constants } from 'node:fs';
import { open, readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { UpperEntry } from './upper-walk.js';
import { walkUpper } from './upper-walk.js';

const BUF = 256 * 1024;
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = constants;

type Header = Parameters<tar.Pack['entry']>[0];

export interface LayerStream {
  tar: Readable;
  /** Settles when every entry was added (rejects if reading the upper directory failed). */
  done: Promise<void>;
}

/** Starts packing; the caller consumes `tar` and awaits `done`. */
export function packUpper(upper: string, lowerDirs: string[]): LayerStream {
  const pack = tar.pack();
  const links = new Map<string, string>();
  const done = walkUpper(upper, lowerDirs, (e) => addEntry(pack, e, links)).then(
    () => { pack.finalize(); },
    (e: Error) => { pack.destroy(e); throw e; },
  );
  return { tar: Readable.from(pack as AsyncIterable<Buffer>), done };
}

async function addEntry(pack: tar.Pack, e: UpperEntry, links: Map<string, string>): Promise<void> {
  const base = { name: e.rel, mode: e.st.mode & 0o7777, uid: e.st.uid, gid: e.st.gid, mtime: e.st.mtime };
  switch (e.kind) {
    case 'whiteout': {
      const slash = e.rel.lastIndexOf('/');
      const name = `${e.rel.slice(0, slash + 1)}.wh.${e.rel.slice(slash + 1)}`;
      return entry(pack, { ...base, name, type: 'file', size: 0, mode: 0o600 });
    }
    case 'directory':
      await entry(pack, { ...base, name: `${e.rel}/`, type: 'directory' });
      // docker's marker takes the directory's permission bits and owner, and no time (archive.go's overlay whiteout converter)
      if (e.opaque) await entry(pack, { ...base, name: `${e.rel}/.wh..wh..opq`, type: 'file', size: 0, mode: base.mode & 0o777, mtime: new Date(0) });
      return;
    case 'symlink':
      return entry(pack, { ...base, type: 'symlink', linkname: await readlink(e.path) });
    case 'fifo':
      return entry(pack, { ...base, type: 'fifo' });
    case 'device': {
      const rdev = e.st.rdev;
      const devmajor = ((rdev >> 8) & 0xfff) | Math.floor(rdev / 2 ** 32) & ~0xfff;
      const devminor = (rdev & 0xff) | ((rdev >> 12) & ~0xff);
      return entry(pack, { ...base, type: e.st.isBlockDevice() ? 'block-device' : 'character-device', devmajor, devminor });
    }
    case 'socket':
      return;
    case 'file': {
      const key = `${e.st.dev}:${e.st.ino}`;
      const first = e.st.nlink > 1 ? links.get(key) : undefined;
      if (first !== undefined) return entry(pack, { ...base, type: 'link', linkname: first });
      if (e.st.nlink > 1) links.set(key, e.rel);
      return addFile(pack, e);
    }
  }
}

async function addFile(pack: tar.Pack, e: UpperEntry): Promise<void> {
  const fh = await open(e.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return; // swapped for something else since the walk looked
    // The header promises st.size bytes: a file that grows meanwhile is cut
    // there, one that shrinks is padded with zeros (the layer stays a valid tar).
    const size = st.size;
    await entry(pack, { name: e.rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, size, type: 'file' }, async (sink) => {
      const buf = Buffer.allocUnsafe(BUF);
      for (let left = size; left > 0;) {
        let { bytesRead: n } = await fh.read(buf, 0, Math.min(BUF, left), null);
        if (n === 0) {
          n = Math.min(BUF, left);
          buf.fill(0, 0, n);
        }
        left -= n;
        if (!sink.write(Buffer.from(buf.subarray(0, n)))) await once(sink, 'drain');
      }
    });
  } finally {
    await fh.close();
  }
}

/** Adds one entry; `body` writes its content. Resolves once the pack has taken it. */
function entry(pack: tar.Pack, header: Header, body?: (sink: ReturnType<tar.Pack['entry']>) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    // an empty file (a whiteout marker) has to be given its (empty) content, or the pack waits for it
    if (!body && header.type === 'file') return void pack.entry(header, Buffer.alloc(0), done);
    const sink = pack.entry(header, done);
    if (body) {
      body(sink).then(() => sink.end(null), (err: Error) => {
        sink.destroy(err);
        reject(err);
      });
    }
  });
}
