// Safe unpacking of one layer tar into a fresh, private directory.
//
// The rule that keeps it safe: the unpacker trusts only what it created itself.
// Every entry's parent chain is checked against the kinds of paths extracted so
// far (never by following the filesystem), so no write can go through a symlink
// the layer planted (umoci CVE-2021-29136, node-tar CVE-2021-32803/37701); files
// are created with openat2(RESOLVE_IN_ROOT) + O_EXCL|O_NOFOLLOW as a second line
// of defence; hardlinks may only point at non-directories this layer already
// extracted. A second entry for a path wins over the first, as in docker (`tar -r`
// appends): what the first made is unlinked (a directory with its content; a
// directory re-declared as a directory only takes the new metadata) — unlinking a
// symlink never follows it, and the parent chain is judged as for any entry.
// Anything refused throws `layer: <entry>: <why>` and the caller deletes the directory.
//
// Device nodes are skipped and listed in `skippedDevices` (the caller warns once): a
// container's /dev is berth's own tmpfs, and a node elsewhere in an image would give
// its containers raw access to host devices. A 0:0 character device is the one
// exception: that is overlayfs' whiteout (layers written from an overlay upper dir
// carry them), kept as the whiteout it is.
//
// The tar is read by tar-reader.ts, in one pass as the bytes arrive: each entry is
// handled as soon as its header is read, and a file's bytes are written from the chunks
// they came in. Sparse files (GNU and PAX encodings, read by sparse-tar.ts) are written
// segment by segment at their offsets; the gaps stay holes.
//
// Overlay whiteouts are translated to overlayfs' form: `.wh.NAME` becomes a 0:0
// character device NAME. Opaque markers (`.wh..wh..opq`) become the
// trusted.overlay.opaque=y xattr on their directory (native lsetxattr), so the
// lower layers' entries stay hidden; they are also listed in `opaqueDirs`. PAX
// xattrs (SCHILY.xattr.*, e.g. file capabilities) are not applied yet.
import {
  chmodSync, closeSync, constants as C, fchmodSync, fchownSync, ftruncateSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, rmSync, statSync,
  symlinkSync, utimesSync, write,
} from 'node:fs';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { lsetxattr, mknod, openInRoot, startWriteback } from '../../native/index.js';
import { SpaceGuard, layerTooLarge } from '../store/space.js';
import { decompressed } from './compress.js';
import { PoolHash } from './digest.js';
import { checkSparse, describeFlag, type Sparse } from './sparse-tar.js';
import { TarReader, type EntryData, type TarEntry } from './tar-reader.js';
import { baseOf, cleanEntryName, layerError, parentOf, printable } from './entry-name.js';

// Creating and describing an entry (mkdir, symlink, chown, chmod, utimes, ...) is done
// synchronously, like openInRoot and mknod: each is one short metadata syscall, and a
// thread-pool round trip per call cost more than the call itself (busybox's 268 symlinks
// took ~2.5× as long with three awaited calls each). File content is the one thing that
// can be large, so its writes stay on the thread pool.
const writeAsync = (fd: number, buf: Buffer, off: number, len: number, position: number | null = null): Promise<number> =>
  new Promise((resolve, reject) => write(fd, buf, off, len, position, (e, n) => (e ? reject(e) : resolve(n))));

export interface UnpackOptions {
  /** The source is known to be an uncompressed tar (a stored layer blob): skip the gzip sniffing. */
  uncompressed?: boolean;
}

export interface UnpackResult {
  /** sha256 of the uncompressed tar stream, as read. */
  diffId: string;
  /** Sum of the regular files' sizes (docker's layer size). */
  size: number;
  /** Directories marked opaque (`.wh..wh..opq`), relative to the layer root; "" is the root. */
  opaqueDirs: string[];
  /** Device nodes (other than 0:0 whiteouts) left out, as their entry names. */
  skippedDevices: string[];
}

type Kind = 'directory' | 'file' | 'symlink' | 'skipped device' | 'fifo' | 'whiteout';
interface Meta { mode: number; uid: number; gid: number; atime?: Date; mtime?: Date }

/** Files at least this big are flushed as soon as they are written (see Unpacker.file). */
const EARLY_FLUSH_BYTES = 1024 * 1024;
const MAX_FLUSHING = 4;
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const canChown = process.getuid?.() === 0;

/** Unpacks the tar (or gzipped tar) `source` into `dest`, which must be an empty directory the caller just made. */
export async function unpackLayer(source: Readable, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  const guard = new SpaceGuard(dest);
  const u = new Unpacker(dest, guard);
  const hash = new PoolHash(); // the diffID, on the thread pool while the tar is parsed here
  const reader = new TarReader((h) => u.entry(h));
  let expanded = 0;
  try {
    for await (const data of opts.uncompressed ? source : await decompressed(source)) {
      const chunk = data as Buffer;
      expanded += chunk.length;
      if (expanded > guard.limits.maxLayer) throw layerTooLarge(guard.limits);
      const behind = hash.update(chunk);
      await reader.push(chunk);
      if (behind) await behind;
    }
    await reader.end();
  } catch (e) {
    // Nothing is written after the caller cleans up: a half-written file is closed, flushes settle.
    u.abort();
    await u.flushed().catch(() => undefined);
    throw asLayerError(e);
  }
  await u.flushed();
  u.finish();
  return { diffId: await hash.digest(), size: u.size, opaqueDirs: u.opaque, skippedDevices: u.skippedDevices };
}

class Unpacker {
  /** What this layer has put at each path ("" = the root). Parents are judged by this, never by lstat. */
  private readonly kinds = new Map<string, Kind>([['', 'directory']]);
  /** Directory metadata, applied last and deepest first (content changes a dir's mtime; a 0555 dir refuses writes). */
  private readonly dirMeta = new Map<string, Meta>();
  /** The regular file at each path, shared by its hardlinks: its bytes leave `size` when
   * a later entry replaces its last name. */
  private readonly files = new Map<string, { bytes: number; names: number }>();
  size = 0;
  readonly opaque: string[] = [];
  readonly skippedDevices: string[] = [];

  /** Who owns what this unpack creates before any chown: berth's own ids, when `dest` (whose
   * metadata the layer's "./" sets) is theirs and not setgid (0o2000: new entries would take
   * its group). Entries already owned so skip the chown, one syscall per entry: in most
   * layers every entry is root's. Nothing below `dest` is setgid while the unpack runs:
   * directories get their modes in finish(), after their content. */
  private readonly owner: { uid: number; gid: number } | undefined;

  constructor(private readonly dest: string, private readonly space: SpaceGuard) {
    const st = statSync(dest);
    const [uid, gid] = [process.getuid?.(), process.getgid?.()];
    this.owner = canChown && st.uid === uid && st.gid === gid && !(st.mode & 0o2000) ? { uid, gid } : undefined;
  }

  /** The absolute path of a clean relative one (entry-name.ts): a plain join, as path.join's
   * normalising, once per syscall of every entry, has nothing to do on a clean name. */
  private at(rel: string): string {
    return `${this.dest}/${rel}`;
  }

  private chowns(meta: Meta): boolean {
    return canChown && (meta.uid !== this.owner?.uid || meta.gid !== this.owner.gid);
  }

  /** One entry, made at once; a regular file returns where its data goes. */
  entry(h: TarEntry): EntryData | undefined {
    const raw = h.name;
    const fail = (why: string) => layerError(raw, why);
    const rel = cleanEntryName(raw);
    const meta = metaOf(h, fail);
    const type = h.type;

    if (rel === '') {
      // "./" itself: only its metadata. Anything else here (the "/." symlink of
      // CVE-2021-29136) would redirect every later entry.
      if (type !== 'directory') throw fail(`the layer root can only be a directory, not a ${type}`);
      this.dirMeta.set('', meta);
      return undefined;
    }
    this.parents(rel, fail);
    if (baseOf(rel).startsWith(WHITEOUT)) return this.whiteout(rel, meta, fail);

    let existing = this.kinds.get(rel);
    if (existing !== undefined && !(existing === 'directory' && type === 'directory')) {
      this.replace(rel, fail);
      existing = undefined;
    }
    const abs = this.at(rel);
    try {
      switch (type) {
        case 'directory':
          if (existing === undefined) mkdirSync(abs, 0o700);
          this.kinds.set(rel, 'directory');
          this.dirMeta.set(rel, meta);
          return undefined;
        case 'file': {
          this.space.need(h.size, `layer: ${printable(raw)}`); // its declared size, before a byte is written
          const sparse = h.sparse && checkSparse(h.sparse, h.size, this.space.limits.maxLayer, fail);
          return this.file(rel, h.size, meta, fail, sparse);
        }
        case 'link':
          this.hardlink(rel, h.linkname, fail);
          return undefined;
        case 'symlink': {
          const target = h.linkname;
          if (target === '' || target.includes('\0')) throw fail('symlink with an empty or NUL-containing target');
          symlinkSync(target, abs); // stored as-is: nothing here ever follows it
          this.kinds.set(rel, 'symlink');
          this.setMeta(abs, meta, true);
          return undefined;
        }
        case 'character-device':
        case 'block-device':
          if (type === 'character-device' && !h.devmajor && !h.devminor) {
            this.whiteoutNode(rel, meta, fail);
            return undefined;
          }
          this.kinds.set(rel, 'skipped device');
          this.skippedDevices.push(raw);
          return undefined;
        case 'fifo':
          mknod(abs, C.S_IFIFO | meta.mode, 0, 0);
          this.kinds.set(rel, 'fifo');
          this.setMeta(abs, meta, false);
          return undefined;
        default:
          throw fail(`unsupported entry type ${describeFlag(h.flag)}`);
      }
    } catch (e) {
      throw e instanceof BerthError ? e : fail(errText(e));
    }
  }

  /** Unlinks what this layer put at `rel` (a directory with everything under it) so that
   * a later entry for the path wins. `rel`'s parents were checked by the caller; unlink
   * and rmdir never follow the last component, so a symlink there goes, not its target. */
  private replace(rel: string, fail: (why: string) => BerthError): void {
    const abs = this.at(rel);
    const kind = this.kinds.get(rel);
    try {
      if (kind !== 'skipped device') rmSync(abs, { recursive: kind === 'directory', force: false });
    } catch (e) {
      throw fail(`replacing the ${kind} extracted earlier: ${errText(e)}`);
    }
    const under = (p: string) => p === rel || p.startsWith(`${rel}/`);
    for (const p of [...this.kinds.keys()]) if (under(p)) this.kinds.delete(p);
    for (const p of [...this.dirMeta.keys()]) if (under(p)) this.dirMeta.delete(p);
    for (const [p, f] of [...this.files]) {
      if (!under(p)) continue;
      if (--f.names === 0) this.size -= f.bytes;
      this.files.delete(p);
    }
    for (let i = this.opaque.length - 1; i >= 0; i--) if (under(this.opaque[i])) this.opaque.splice(i, 1);
  }

  /** Checks every ancestor of `rel`; creates missing ones (tars often omit them) as root-owned 0755 dirs. */
  private parents(rel: string, fail: (why: string) => BerthError): void {
    const parts = rel.split('/');
    let p = '';
    for (const c of parts.slice(0, -1)) {
      p = p === '' ? c : `${p}/${c}`;
      const k = this.kinds.get(p);
      if (k === 'directory') continue;
      if (k === 'symlink') throw fail(`its parent "${printable(p)}" is a symlink: writing through it could leave the layer`);
      if (k !== undefined) throw fail(`its parent "${printable(p)}" is a ${k}, not a directory`);
      try {
        mkdirSync(this.at(p), 0o700);
      } catch (e) {
        throw fail(`creating its parent "${printable(p)}": ${errText(e)}`);
      }
      this.kinds.set(p, 'directory');
      this.dirMeta.set(p, { mode: 0o755, uid: 0, gid: 0 });
    }
  }

  /** A regular file; with `sparse`, the content is the data segments, written at their offsets (the rest stays holes). */
  private file(rel: string, declared: number, meta: Meta, fail: (why: string) => BerthError, sparse?: Sparse): EntryData {
    const fd = openInRoot(this.dest, rel, C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
    this.kinds.set(rel, 'file');
    this.open = fd;
    let bytes = 0;
    let seg = 0; // the sparse segment `bytes` is in, and where that segment starts in the data
    let segStart = 0;
    const failed = (e: unknown): never => {
      this.abort();
      throw e instanceof BerthError ? e : fail(errText(e));
    };
    /** `chunk` at the file's current end, or (sparse) at its segments' offsets. */
    const write = async (chunk: Buffer): Promise<void> => {
      try {
        for (let off = 0; off < chunk.length;) {
          if (!sparse) { off += await writeAsync(fd, chunk, off, chunk.length - off); continue; }
          while (bytes + off - segStart >= sparse.map[seg].length) segStart += sparse.map[seg++].length;
          const inSeg = bytes + off - segStart;
          const n = Math.min(chunk.length - off, sparse.map[seg].length - inSeg);
          off += await writeAsync(fd, chunk, off, n, sparse.map[seg].offset + inSeg);
        }
      } catch (e) {
        failed(e);
      }
      bytes += chunk.length;
    };
    const end = (): Promise<void> | undefined => {
      try {
        if (sparse) ftruncateSync(fd, sparse.size); // the holes after the last segment
        // chown first: it clears setuid/setgid, which chmod then sets.
        if (this.chowns(meta)) fchownSync(fd, meta.uid, meta.gid);
        fchmodSync(fd, meta.mode);
        if (meta.mtime) futimesSync(fd, meta.atime ?? meta.mtime, meta.mtime);
      } catch (e) {
        failed(e);
      }
      const counted = sparse ? sparse.size : bytes; // a sparse file counts as its size, as docker counts it
      this.size += counted;
      this.files.set(rel, { bytes: counted, names: 1 });
      this.open = undefined;
      if (declared < EARLY_FLUSH_BYTES) {
        closeSync(fd);
        return undefined;
      }
      return this.flushEarly(rel, fd);
    };
    return { write, end };
  }

  /** The file being written, closed by abort() when the unpack stops in its middle. */
  private open: number | undefined;

  abort(): void {
    if (this.open === undefined) return;
    const fd = this.open;
    this.open = undefined;
    try { closeSync(fd); } catch { /* the unpack failed already; that error is the one reported */ }
  }

  // A big file's writeback starts now, while the rest of the layer (and the other layers
  // of a pull) go on: the flush that makes the layer durable (syncLayer's fsyncs or the
  // pull's one syncfs) then has little left to wait for (~10 % off a 5 × 20 MB pull).
  // sync_file_range only starts it: an fdatasync here held a thread-pool thread until
  // the disk was done, and with 4 threads, three layers' flushes and the blobs' fsyncs
  // stalled the gunzips, hashes and writes queued behind them. Small files are left to
  // that one flush. A few at a time, to bound open fds.
  private async flushEarly(rel: string, fd: number): Promise<void> {
    if (this.flushing.length >= MAX_FLUSHING) {
      try { await this.settleOne(); } catch (e) { closeSync(fd); throw e; } // an earlier flush failed
    }
    this.flushing.push(startWriteback(fd).then(() => undefined, (e: unknown) => e).then((e) => {
      let err: unknown = e;
      try { closeSync(fd); } catch (c) { err ??= c; }
      return err === undefined ? undefined : layerError(rel, errText(err));
    }));
  }

  /** Early flushes (see file()) still running; each settles to its error, if any. */
  private readonly flushing: Promise<BerthError | undefined>[] = [];

  private async settleOne(): Promise<void> {
    const e = await this.flushing.shift();
    if (e) throw e;
  }

  /** Waits for every early flush; the first error, if any, is thrown. */
  async flushed(): Promise<void> {
    const e = (await Promise.all(this.flushing.splice(0))).find((x) => x !== undefined);
    if (e) throw e;
  }

  private hardlink(rel: string, linkname: string, fail: (why: string) => BerthError): void {
    let target: string;
    try {
      target = cleanEntryName(linkname, 'hardlink target');
    } catch (e) {
      throw fail(`hardlink target "${printable(linkname)}" is outside the layer (${(e as Error).message.replace(/^layer: .*?: /, '')})`);
    }
    const k = this.kinds.get(target);
    if (k === undefined) throw fail(`hardlink target "${printable(linkname)}" is not a file extracted earlier in this layer`);
    if (k === 'directory' || k === 'whiteout') throw fail(`hardlink target "${printable(linkname)}" is a ${k}`);
    if (k === 'skipped device') {
      this.kinds.set(rel, k); // a link to a node left out is left out too
      return;
    }
    // link(2) does not follow a symlink target, and both parent chains were checked.
    linkSync(this.at(target), this.at(rel));
    this.kinds.set(rel, k);
    const f = this.files.get(target);
    if (f) { f.names++; this.files.set(rel, f); }
  }

  private whiteout(rel: string, meta: Meta, fail: (why: string) => BerthError): undefined {
    const dir = parentOf(rel);
    const base = baseOf(rel);
    if (base === OPAQUE) {
      // parents() made sure `dir` is a directory this layer created, never a symlink
      try {
        lsetxattr(dir === '' ? this.dest : this.at(dir), 'trusted.overlay.opaque', 'y');
      } catch (e) {
        throw fail(errText(e));
      }
      this.opaque.push(dir);
      return undefined;
    }
    const name = base.slice(WHITEOUT.length);
    // Other `.wh..wh.*` names are aufs bookkeeping (plnk, aufs): docker skips them too.
    if (name.startsWith(WHITEOUT)) return undefined;
    if (name === '' || name === '.' || name === '..') throw fail(`whiteout of "${printable(name)}": only an entry of its directory can be deleted`);
    const target = dir === '' ? name : `${dir}/${name}`;
    if (this.kinds.has(target)) throw fail(`whiteout of "${printable(target)}", which this layer also extracts`);
    this.whiteoutNode(target, meta, fail);
    return undefined;
  }

  /** overlayfs' whiteout at `rel`: a 0:0 character device. */
  private whiteoutNode(rel: string, meta: Meta, fail: (why: string) => BerthError): void {
    const abs = this.at(rel);
    try {
      mknod(abs, C.S_IFCHR, 0, 0);
      this.kinds.set(rel, 'whiteout');
      if (this.chowns(meta)) lchownSync(abs, meta.uid, meta.gid);
    } catch (e) {
      throw fail(errText(e));
    }
  }

  /** For non-files: symlinks get owner and times only (Linux has no lchmod). */
  private setMeta(abs: string, meta: Meta, isSymlink: boolean): void {
    if (this.chowns(meta)) lchownSync(abs, meta.uid, meta.gid);
    if (!isSymlink) chmodSync(abs, meta.mode);
    if (meta.mtime) lutimesSync(abs, meta.atime ?? meta.mtime, meta.mtime);
  }

  /** Applies directory metadata, deepest first. */
  finish(): void {
    const dirs = [...this.dirMeta.keys()].sort((a, b) => depth(b) - depth(a));
    for (const rel of dirs) {
      const meta = this.dirMeta.get(rel)!;
      const abs = rel === '' ? this.dest : this.at(rel);
      try {
        if (this.chowns(meta)) lchownSync(abs, meta.uid, meta.gid);
        chmodSync(abs, meta.mode);
        if (meta.mtime) utimesSync(abs, meta.atime ?? meta.mtime, meta.mtime);
      } catch (e) {
        throw layerError(rel === '' ? './' : rel, errText(e));
      }
    }
  }
}

const depth = (rel: string): number => (rel === '' ? -1 : rel.split('/').length);

/** Owner, mode and times from the header, PAX records overriding (they carry large ids and sub-second times). */
function metaOf(h: TarEntry, fail: (why: string) => BerthError): Meta {
  const pax = h.pax as Record<string, string | undefined>;
  const id = (v: string | undefined, dflt: number | undefined, what: string): number => {
    const n = v !== undefined ? Number(v) : dflt ?? 0;
    if (!Number.isInteger(n) || n < 0 || n > 0xfffffffe) throw fail(`invalid ${what} ${v ?? dflt}`);
    return n;
  };
  const time = (v: string | undefined): Date | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw fail(`invalid PAX time "${v}"`);
    return new Date(n * 1000);
  };
  const mtime = time(pax.mtime) ?? new Date(h.mtime * 1000);
  return {
    mode: h.mode & 0o7777,
    uid: id(pax.uid, h.uid, 'uid'),
    gid: id(pax.gid, h.gid, 'gid'),
    mtime,
    atime: time(pax.atime) ?? mtime,
  };
}

function errText(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { step?: string };
  if (err && typeof err.code === 'string') return `${err.step ?? err.syscall ?? 'write'} failed: ${err.code}`;
  return e instanceof Error ? e.message : String(e);
}

/** Errors of the input (tar-reader.ts throws its own as BerthErrors), as one clear line. */
function asLayerError(e: unknown): unknown {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) {
    return new BerthError('INVALID_ARGUMENT', `layer: corrupt gzip data: ${err.message}`, { cause: e });
  }
  return e;
}
