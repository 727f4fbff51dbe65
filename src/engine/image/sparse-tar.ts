// Sparse files in layer tars (`tar --sparse`, which Go's archive/tar and so docker accept)
// come in four encodings; tar-stream knows none. This Transform sits between the diffID
// hash and tar-stream and rewrites each of them into one form: a regular-file entry whose
// PAX records carry `GNU.sparse.map` (offset,length pairs of the data, in file order) and
// `GNU.sparse.size` (the file's real size), with the real name as `path`; the unpacker
// writes the data at its offsets and leaves the rest as holes.
// - GNU 'S' entries: the map is in the header (4 pairs) and in extension blocks after it;
// - PAX 0.0: repeated GNU.sparse.offset / GNU.sparse.numbytes records;
// - PAX 0.1: GNU.sparse.map already;
// - PAX 1.0: the map is at the start of the entry's data, in decimal lines, block padded.
// Everything else passes through byte for byte. It also records each entry's raw typeflag,
// so that an entry refused for its type is named by what it is. Parsing errors are left
// to tar-stream: a header that does not check out ends the rewriting and passes the rest on.
// sparseMap() reads and checks the one form for the unpacker.
import { Transform, type TransformCallback } from 'node:stream';
import type tar from 'tar-stream';
import { BerthError } from '../errors.js';

const BLOCK = 512;
/** A PAX header or a sparse map larger than this is refused (tar-stream's own limit on headers). */
const MAX_META = 1024 * 1024;

type Records = [string, string][];

export class SparseTar extends Transform {
  /** The raw typeflag of every entry passed on, in order (tar-stream emits one entry each). */
  readonly typeflags: string[] = [];
  private chunks: Buffer[] = [];
  private have = 0;
  /** Bytes to pass on unchanged before the next header. */
  private passing = 0;
  /** Past a header that does not check out: everything goes on as it is. */
  private verbatim = false;
  /** A PAX header's records, held back until their entry is seen (a sparse entry's join them);
   * passed on re-encoded, with the same records. */
  private pax: Records | undefined;
  /** What is being collected before it can be rewritten. */
  private want: { kind: 'pax'; size: number } | { kind: 'gnu-ext'; header: Buffer; map: number[]; data: number; real: number }
    | { kind: 'map'; header: Buffer; data: number; pax: Records } | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.feed(chunk);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.have) this.push(this.takeBytes(this.have)); // a truncated archive: tar-stream says so
    cb();
  }

  private feed(chunk: Buffer): void {
    while (chunk.length) {
      if (this.verbatim) { this.push(chunk); return; }
      if (this.passing > 0) {
        const n = Math.min(this.passing, chunk.length);
        this.push(chunk.subarray(0, n));
        this.passing -= n;
        chunk = chunk.subarray(n);
        continue;
      }
      const need = this.need();
      const n = Math.min(need - this.have, chunk.length);
      this.chunks.push(chunk.subarray(0, n));
      this.have += n;
      chunk = chunk.subarray(n);
      if (this.have === need) this.step(this.takeBytes(need));
    }
  }

  /** Bytes the current step needs. */
  private need(): number {
    if (this.want?.kind === 'pax') return padded(this.want.size);
    return BLOCK; // a header, an extension block, a block of a 1.0 map
  }

  private takeBytes(n: number): Buffer {
    const b = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.have);
    this.chunks = [];
    this.have = 0;
    return b.subarray(0, n);
  }

  private step(b: Buffer): void {
    const w = this.want;
    if (w === undefined) return this.header(b);
    if (w.kind === 'pax') {
      this.want = undefined;
      this.pax = [...(this.pax ?? []), ...parsePax(b.subarray(0, w.size))];
      return;
    }
    if (w.kind === 'gnu-ext') {
      readPairs(b, 0, 21, w.map);
      if (b[504]) return; // more extension blocks follow
      this.want = undefined;
      return this.emitSparse(w.header, this.pax ?? [], w.map, w.real, w.data, 0);
    }
    // a PAX 1.0 map: decimal lines, count first, in whole blocks
    w.header = Buffer.concat([w.header, b]);
    const mapBlocks = w.header.subarray(BLOCK);
    const nums = parseMapLines(mapBlocks);
    if (nums === undefined) {
      if (mapBlocks.length >= MAX_META) throw sparseError('its PAX 1.0 sparse map is larger than berth accepts');
      return;
    }
    this.want = undefined;
    const real = Number(record(w.pax, 'GNU.sparse.realsize') ?? NaN);
    this.emitSparse(w.header.subarray(0, BLOCK), w.pax, nums, real, w.data, mapBlocks.length);
  }

  private header(h: Buffer): void {
    if (h.every((x) => x === 0)) { this.push(h); return; } // end-of-archive blocks
    if (!checksumOk(h)) { this.verbatim = true; this.flushPax(); this.push(h); return; }
    const flag = h[156] === 0 ? '0' : String.fromCharCode(h[156]);
    const size = numeric(h, 124, 12);
    if (flag === 'x') {
      if (size > MAX_META) throw sparseError('a PAX header larger than berth accepts');
      this.want = { kind: 'pax', size };
      return;
    }
    if (flag === 'g' || flag === 'L' || flag === 'K' || flag === 'N') { // tar-stream reads 'N' as a long name too
      this.flushPax();
      this.push(h);
      this.passing = padded(size);
      return;
    }
    this.typeflags.push(flag);
    const pax = this.pax ?? [];
    const data = Number(record(pax, 'size') ?? size);
    if (flag === 'S') {
      const map: number[] = [];
      readPairs(h, 386, 4, map);
      const real = numeric(h, 483, 12);
      if (h[482]) { this.want = { kind: 'gnu-ext', header: h, map, data, real }; return; }
      return this.emitSparse(h, pax, map, real, data, 0);
    }
    if ((flag === '0' || flag === '7') && record(pax, 'GNU.sparse.major') === '1') {
      this.want = { kind: 'map', header: h, data, pax };
      this.pax = undefined;
      return;
    }
    if ((flag === '0' || flag === '7') && (record(pax, 'GNU.sparse.map') !== undefined || record(pax, 'GNU.sparse.offset') !== undefined)) {
      const map = record(pax, 'GNU.sparse.map')?.split(',').map(Number)
        ?? pax.filter(([k]) => k === 'GNU.sparse.offset' || k === 'GNU.sparse.numbytes').map(([, v]) => Number(v));
      return this.emitSparse(h, pax, map, Number(record(pax, 'GNU.sparse.size') ?? NaN), data, 0);
    }
    this.flushPax();
    this.push(h);
    this.passing = flag === '5' ? 0 : padded(data); // tar-stream reads no data for a directory
  }

  /** What an entry's raw typeflag is, for an error about its type. */
  static describe(flag: string | undefined): string {
    const names: Record<string, string> = {
      D: 'a GNU dump directory', M: 'a GNU multi-volume continuation', V: 'a GNU volume label',
      X: 'an old Solaris extended header', I: 'a star inode entry', E: 'a star extended-name entry',
    };
    return flag === undefined ? '"unknown"' : `'${printableFlag(flag)}'${names[flag] ? ` (${names[flag]})` : ''}`;
  }

  private flushPax(): void {
    if (this.pax === undefined) return;
    this.push(paxHeader(this.pax));
    this.pax = undefined;
  }

  /** One sparse file as a regular file with a PAX map; `skip`: map bytes already taken out of its data. */
  private emitSparse(h: Buffer, pax: Records, map: number[], real: number, data: number, skip: number): void {
    const keep = pax.filter(([k]) => !k.startsWith('GNU.sparse.') && k !== 'size');
    const name = record(pax, 'GNU.sparse.name');
    const out: Records = [...keep.filter(([k]) => !(name !== undefined && k === 'path')),
      ...(name !== undefined ? [['path', name] as [string, string]] : []),
      ['GNU.sparse.map', map.join(',')], ['GNU.sparse.size', String(real)], ['size', String(data - skip)]];
    this.pax = undefined;
    this.push(paxHeader(out));
    const rewritten = Buffer.from(h);
    rewritten[156] = 0x30; // '0': a regular file; its data (without a 1.0 map) follows
    setChecksum(rewritten);
    this.push(rewritten);
    this.passing = padded(data) - skip;
  }
}

export interface Sparse { map: { offset: number; length: number }[]; size: number }

/** A sparse file's map (sparse-tar.ts puts every encoding into these PAX records), checked:
 * segments in order, inside the file, their lengths adding up to the entry's data. */
export function sparseMap(h: tar.Header, maxSize: number, fail: (why: string) => BerthError): Sparse | undefined {
  const pax = (h.pax ?? {}) as Record<string, string | undefined>;
  if (pax['GNU.sparse.map'] === undefined) return undefined;
  const nums = pax['GNU.sparse.map'] === '' ? [] : pax['GNU.sparse.map'].split(',').map(Number);
  const size = Number(pax['GNU.sparse.size']);
  if (nums.length % 2 || ![...nums, size].every((n) => Number.isSafeInteger(n) && n >= 0)) throw fail('a malformed sparse map');
  if (size > maxSize) throw fail(`a sparse file of ${size} bytes: larger than BERTH_MAX_LAYER_SIZE`);
  const map: Sparse['map'] = [];
  let end = 0;
  let data = 0;
  for (let i = 0; i < nums.length; i += 2) {
    const [offset, length] = [nums[i], nums[i + 1]];
    if (offset < end || offset + length > size) throw fail('its sparse map has overlapping or out-of-file segments');
    if (length > 0) map.push({ offset, length });
    end = offset + length;
    data += length;
  }
  if (data !== (h.size ?? 0)) throw fail(`its sparse map holds ${data} bytes of data, the entry ${h.size ?? 0}`);
  return { map, size };
}

const printableFlag = (f: string): string => (/^[\x21-\x7e]$/.test(f) ? f : `\\x${f.charCodeAt(0).toString(16).padStart(2, '0')}`);
const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;
const record = (r: Records, key: string): string | undefined => [...r].reverse().find(([k]) => k === key)?.[1];
const sparseError = (why: string): BerthError => new BerthError('INVALID_ARGUMENT', `layer: ${why}`);

/** An octal (space/NUL terminated) or base-256 number field. */
function numeric(b: Buffer, off: number, len: number): number {
  const f = b.subarray(off, off + len);
  if (f[0] & 0x80) {
    let n = 0;
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i];
    return n;
  }
  const s = f.toString('latin1').replace(/[\0 ].*$/s, '').trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += h[i];
  for (let i = 156; i < BLOCK; i++) sum += h[i];
  return sum === numeric(h, 148, 8);
}

function setChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

/** `count` (offset, numbytes) pairs of 12-byte fields from `off`; empty pairs end the list. */
function readPairs(b: Buffer, off: number, count: number, into: number[]): void {
  for (let i = 0; i < count; i++) {
    const at = off + i * 24;
    if (b[at] === 0 && b[at + 12] === 0) return;
    into.push(numeric(b, at, 12), numeric(b, at + 12, 12));
  }
}

/** PAX records ("LEN key=value\n"), repeated keys kept in order. */
function parsePax(b: Buffer): Records {
  const out: Records = [];
  let at = 0;
  while (at < b.length && b[at] !== 0) {
    const sp = b.indexOf(0x20, at);
    const len = Number(b.toString('latin1', at, sp));
    if (sp < 0 || !Number.isInteger(len) || len <= 0 || at + len > b.length) throw sparseError('a malformed PAX header');
    const rec = b.toString('utf8', sp + 1, at + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.push([rec.slice(0, eq), rec.slice(eq + 1)]);
    at += len;
  }
  return out;
}

function paxHeader(records: Records): Buffer {
  const body = Buffer.concat(records.map(([k, v]) => {
    const rest = Buffer.byteLength(` ${k}=${v}\n`);
    let len = rest + String(rest).length;
    if (String(len).length !== String(rest).length) len = rest + String(len).length;
    return Buffer.from(`${len} ${k}=${v}\n`);
  }));
  const h = Buffer.alloc(BLOCK);
  h.write('././@PaxHeader', 0, 'latin1');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h[156] = 0x78; // 'x'
  h.write('ustar\x0000', 257, 'latin1');
  setChecksum(h);
  return Buffer.concat([h, body, Buffer.alloc(padded(body.length) - body.length)]);
}

/** The numbers of a PAX 1.0 map once complete (count, then count pairs), else undefined. */
function parseMapLines(b: Buffer): number[] | undefined {
  const lines = b.toString('latin1').split('\n');
  const nums: number[] = [];
  for (let i = 0; i < lines.length - 1; i++) { // the last piece is not terminated yet
    if (!/^\d+$/.test(lines[i])) throw sparseError('a malformed PAX 1.0 sparse map');
    nums.push(Number(lines[i]));
    if (nums.length === 1 + 2 * nums[0]) return nums.slice(1);
  }
  return undefined;
}
