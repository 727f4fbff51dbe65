// The tar reader layers are unpacked with: one pass over the decompressed bytes, as
// they arrive. It is hand-written because the general-purpose parser it replaced
// (tar-stream, behind a Transform that parsed every header first to rewrite sparse
// entries) made a stream object and several callbacks per entry, in code that runs
// cold in a one-shot CLI: on busybox's layer (~280 entries, mostly symlinks) that was
// most of the unpack's own CPU time (a cold unpack: 87 → 51 ms of user CPU with this
// reader, of which gunzip and hashing are a part). The format itself is small: 512-byte
// headers (ustar, GNU), GNU long names and link names ('L', 'K'), PAX records ('x';
// path, linkpath, size and the rest passed on), GNU sparse entries in all four
// encodings (sparse-tar.ts), base-256 numbers (tar-fields.ts).
//
// An entry is handed to `onEntry` as soon as its header (and any map before its data)
// is read; for a regular file it returns an EntryData, which gets the file's bytes as
// subarrays of the chunks they arrived in (no copy), then end(). Nothing else is
// buffered but a header split across two chunks, and PAX / long-name / sparse-map
// blocks, which are bounded. What it refuses, it refuses as `layer: not a valid tar
// archive: ...`: a bad checksum, an unknown format, a field that is not a number, an
// oversized extended header, an archive that ends inside a header, data or padding.
// Global PAX headers ('g') are skipped, as docker skips them.
//
// Where tar readers differ, it reads as Go's archive/tar, which docker reads layers with,
// so that one layer is never one tree under docker (or a scanner) and another here: no data
// is read after a link, symlink, device, fifo or directory header whatever its size field
// says; the archive ends at two zero blocks (what follows is hashed by the caller, not
// read); one zero block and then a header is refused. (tar-stream read `size` bytes after
// any header and went on past zero blocks.)
import { printable } from './entry-name.js';
import { MAX_SPARSE_MAP, MapLines, paxSparse, readPairs, type RawSparse } from './sparse-tar.js';
import { BLOCK, checksumOk, formatOf, isZero, numeric, padded, parsePax, paxNumber, tarError, text, type Records } from './tar-fields.js';

/** A PAX header or a GNU long name larger than this is refused. */
const MAX_META = 1024 * 1024;

const NO_PAX: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NUMBERS = ['mode', 'uid', 'gid', 'mtime', 'devmajor', 'devminor'] as const;
const badField = (name: string, what: string) => tarError(`the ${what} field of the header of "${printable(name)}" is not a number`);

export type EntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo' | 'unknown';

const TYPES: Record<string, EntryType> = {
  0: 'file', 7: 'file', S: 'file', 1: 'link', 2: 'symlink', 3: 'character-device', 4: 'block-device', 5: 'directory', 6: 'fifo',
};

/** Types whose size field is not read as data (Go's isHeaderOnlyType). */
const HEADER_ONLY: ReadonlySet<EntryType> = new Set(['link', 'symlink', 'character-device', 'block-device', 'directory', 'fifo']);

export interface TarEntry {
  name: string;
  linkname: string;
  type: EntryType;
  /** The raw typeflag ('0' for a NUL one), to name an entry refused for its type. */
  flag: string;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch, from the header (PAX records may refine it). */
  mtime: number;
  /** Bytes of data that follow (for a sparse file: the data segments, without a 1.0 map). */
  size: number;
  devmajor: number;
  devminor: number;
  /** The entry's PAX records (the last of a repeated key). */
  pax: Record<string, string>;
  /** For a sparse file: its map and real size, as read (unchecked). */
  sparse?: RawSparse;
}

/** Where a regular file's data goes; a returned promise holds the reader back until it settles. */
export interface EntryData {
  write(data: Buffer): Promise<void> | undefined;
  end(): Promise<void> | undefined;
}

export type OnEntry = (e: TarEntry) => EntryData | undefined;

/** What the next block-structured read is for. */
type Want =
  | { kind: 'header' }
  | { kind: 'meta'; flag: string; size: number }
  | { kind: 'gnu-ext'; entry: TarEntry; pairs: number[]; blocks: number }
  | { kind: 'map'; entry: TarEntry; map: MapLines };

export class TarReader {
  private want: Want = { kind: 'header' };
  /** A block (or extended header) that arrived in pieces. */
  private acc: Buffer | undefined;
  private have = 0;
  /** The current entry's data still to come, where it goes, and the padding after it. */
  private left = 0;
  private sink: EntryData | undefined;
  private skip = 0;
  /** Extended headers for the next entry. */
  private pax: Records | undefined;
  private paxBytes = 0;
  private longName: string | undefined;
  private longLink: string | undefined;
  /** A zero block was read: the next must be one too (the end of the archive). */
  private zero = false;
  /** The end of the archive was read: the rest of the input is not. */
  private ended = false;

  constructor(private readonly onEntry: OnEntry) {}

  /** Reads `chunk` (which must not change until the returned promise settles). */
  async push(chunk: Buffer): Promise<void> {
    let at = 0;
    for (;;) {
      if (this.ended) return;
      if (this.left > 0) {
        if (at === chunk.length) return;
        const n = Math.min(this.left, chunk.length - at);
        if (this.sink) {
          const p = this.sink.write(chunk.subarray(at, at + n));
          if (p) await p;
        }
        this.left -= n;
        at += n;
        continue;
      }
      if (this.sink) {
        const s = this.sink;
        this.sink = undefined; // before end(): a failed end is not ended again
        const p = s.end();
        if (p) await p;
        continue;
      }
      if (at === chunk.length) return;
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const need = this.want.kind === 'meta' ? padded(this.want.size) : BLOCK;
      if (this.have === 0 && chunk.length - at >= need) {
        this.step(chunk, at); // the usual case: the block is whole in this chunk, read in place
        at += need;
        continue;
      }
      this.acc ??= Buffer.allocUnsafe(need);
      const n = Math.min(need - this.have, chunk.length - at);
      chunk.copy(this.acc, this.have, at, at + n);
      this.have += n;
      at += n;
      if (this.have < need) return;
      const b = this.acc;
      this.acc = undefined;
      this.have = 0;
      this.step(b, 0);
    }
  }

  /** The input ended: finishes the last entry; throws if the archive was cut short. */
  async end(): Promise<void> {
    if (this.sink && this.left === 0) {
      const s = this.sink;
      this.sink = undefined;
      await s.end();
    }
    const mid = this.left > 0 ? 'in an entry\'s data' : this.skip > 0 ? 'in the padding after an entry\'s data'
      : this.have > 0 || this.want.kind !== 'header' ? 'in a header'
        : this.pax !== undefined || this.longName !== undefined || this.longLink !== undefined ? 'after an extended header, before its entry' : undefined;
    if (mid !== undefined) throw tarError(`Unexpected end of data (${mid})`);
  }

  private step(b: Buffer, o: number): void {
    const w = this.want;
    if (w.kind === 'header') return this.header(b, o);
    this.want = { kind: 'header' };
    if (w.kind === 'meta') return this.meta(w.flag, b.subarray(o, o + w.size));
    if (w.kind === 'gnu-ext') {
      readPairs(b, o, 21, w.pairs);
      if (b[o + 504]) { // more extension blocks follow
        if (++w.blocks * BLOCK >= MAX_SPARSE_MAP) throw tarError(`the sparse map of "${printable(w.entry.name)}" is larger than berth accepts`);
        this.want = w;
        return;
      }
      return this.emit(w.entry);
    }
    // a PAX 1.0 map: decimal lines at the start of the data, in whole blocks
    const pairs = w.map.feed(b.subarray(o, o + BLOCK));
    const mapBytes = w.map.bytes;
    if (pairs === undefined) {
      if (mapBytes >= MAX_SPARSE_MAP || mapBytes >= w.entry.size) throw tarError(`the PAX 1.0 sparse map of "${printable(w.entry.name)}" is larger than its data or than berth accepts`);
      this.want = w;
      return;
    }
    w.entry.sparse = { pairs, size: Number(w.entry.pax['GNU.sparse.realsize'] ?? NaN) };
    w.entry.size -= mapBytes;
    this.emit(w.entry);
  }

  private meta(flag: string, b: Buffer): void {
    if (flag === 'x') {
      // several PAX headers before one entry add up (tar-stream kept the last), within one bound
      this.paxBytes += b.length;
      if (this.paxBytes > MAX_META) throw tarError(`PAX headers of ${this.paxBytes} bytes for one entry, more than berth accepts`);
      this.pax = [...(this.pax ?? []), ...parsePax(b)];
    }
    else if (flag === 'K') this.longLink = text(b, 0, b.length);
    else if (flag !== 'g') this.longName = text(b, 0, b.length); // 'L', and 'N' (old GNU), which tar-stream read the same way
  }

  private header(b: Buffer, o: number): void {
    if (isZero(b, o)) {
      if (this.zero) this.ended = true;
      this.zero = true;
      return;
    }
    if (this.zero) throw tarError('a zero block before a header (a corrupt archive: only the end of one has zero blocks)');
    if (!checksumOk(b, o)) throw tarError('a header block with a bad checksum (a corrupt archive, or not a tar at all)');
    const format = formatOf(b, o);
    if (format === undefined) throw tarError('a header of an unknown format (only ustar, PAX and GNU tar are read)');
    const flag = b[o + 156] === 0 ? '0' : String.fromCharCode(b[o + 156]);
    let name = text(b, o, 100);
    if (format === 'ustar' && b[o + 345] !== 0) name = `${text(b, o + 345, 155)}/${name}`;
    const size = numeric(b, o + 124, 12);
    if (Number.isNaN(size)) throw badField(name, 'size');
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K' || flag === 'N') {
      if (size > MAX_META) throw tarError(`an extended header of ${size} bytes, larger than berth accepts`);
      if (size === 0) return this.meta(flag, b.subarray(0, 0));
      this.want = { kind: 'meta', flag, size };
      return;
    }
    const records = this.pax;
    const pax: Record<string, string> = records ? Object.fromEntries(records) : NO_PAX;
    const entry: TarEntry = {
      name: pax.path || this.longName || name,
      linkname: pax.linkpath || this.longLink || (b[o + 157] === 0 ? '' : text(b, o + 157, 100)),
      type: TYPES[flag] ?? 'unknown',
      flag,
      mode: numeric(b, o + 100, 8),
      uid: numeric(b, o + 108, 8),
      gid: numeric(b, o + 116, 8),
      mtime: numeric(b, o + 136, 12),
      size,
      devmajor: numeric(b, o + 329, 8),
      devminor: numeric(b, o + 337, 8),
      pax,
    };
    for (const f of NUMBERS) if (Number.isNaN(entry[f])) throw badField(name, f);
    this.pax = this.longName = this.longLink = undefined;
    this.paxBytes = 0;
    if (pax.size) {
      entry.size = paxNumber(pax.size);
      if (Number.isNaN(entry.size)) throw tarError(`the PAX size of "${printable(entry.name)}" is not a number`);
    }
    if (flag === '0' && entry.name.endsWith('/')) entry.type = 'directory'; // old tars mark directories so
    if (flag === 'S') {
      const pairs: number[] = [];
      readPairs(b, o + 386, 4, pairs);
      entry.sparse = { pairs, size: numeric(b, o + 483, 12) };
      if (b[o + 482]) { this.want = { kind: 'gnu-ext', entry, pairs, blocks: 1 }; return; }
    } else if (entry.type === 'file') {
      if (pax['GNU.sparse.major'] === '1') {
        if (pax['GNU.sparse.name']) entry.name = pax['GNU.sparse.name'];
        if (entry.size === 0) throw tarError(`"${printable(entry.name)}" is a PAX 1.0 sparse file without its map`);
        this.want = { kind: 'map', entry, map: new MapLines() };
        return;
      }
      if (records) entry.sparse = paxSparse(records);
      if (entry.sparse && pax['GNU.sparse.name']) entry.name = pax['GNU.sparse.name'];
    }
    this.emit(entry);
  }

  private emit(e: TarEntry): void {
    const data = HEADER_ONLY.has(e.type) ? 0 : e.size;
    this.sink = this.onEntry(e);
    this.left = data;
    this.skip = padded(data) - data;
  }
}
