// Sparse files in layer tars (`tar --sparse`, which Go's archive/tar and so docker accept)
// come in four encodings; tar-reader.ts reads all of them into one map of (offset,
// length) pairs of the data, in file order, plus the file's real size:
// - GNU 'S' entries: the map is in the header (4 pairs) and in extension blocks after it;
// - PAX 0.0: repeated GNU.sparse.offset / GNU.sparse.numbytes records;
// - PAX 0.1: GNU.sparse.map;
// - PAX 1.0: the map is at the start of the entry's data, in decimal lines, block padded.
// checkSparse() then judges the map; the unpacker writes the data at its offsets and
// leaves the rest as holes.
import { BerthError } from '../errors.js';
import { numeric, type Records } from './tar-fields.js';

/** A sparse map (PAX 1.0's, or one a PAX header holds) larger than this is refused. */
export const MAX_SPARSE_MAP = 1024 * 1024;

export interface Sparse { map: { offset: number; length: number }[]; size: number }
/** A map as read, before it is checked: flat offset,length pairs. */
export interface RawSparse { pairs: number[]; size: number }

/** `count` (offset, numbytes) pairs of 12-byte fields from `off` (a GNU header or extension block); empty pairs end the list. */
export function readPairs(b: Buffer, off: number, count: number, into: number[]): void {
  for (let i = 0; i < count; i++) {
    const at = off + i * 24;
    if (b[at] === 0 && b[at + 12] === 0) return;
    into.push(numeric(b, at, 12), numeric(b, at + 12, 12));
  }
}

const last = (r: Records, key: string): string | undefined => {
  for (let i = r.length - 1; i >= 0; i--) if (r[i][0] === key) return r[i][1];
  return undefined;
};

/** A PAX 0.0 or 0.1 map from an entry's records; undefined for an entry that is not sparse that way. */
export function paxSparse(r: Records): RawSparse | undefined {
  const map = last(r, 'GNU.sparse.map');
  const size = Number(last(r, 'GNU.sparse.size') ?? NaN);
  if (map !== undefined) return { pairs: map === '' ? [] : map.split(',').map(Number), size };
  if (last(r, 'GNU.sparse.offset') === undefined) return undefined;
  return { pairs: r.filter(([k]) => k === 'GNU.sparse.offset' || k === 'GNU.sparse.numbytes').map(([, v]) => Number(v)), size };
}

/** A PAX 1.0 map read block by block: decimal lines, the count first, then the pairs.
 * Each block is parsed once (a map may take up to MAX_SPARSE_MAP bytes of blocks). */
export class MapLines {
  private readonly nums: number[] = [];
  /** The unterminated line at the end of the blocks so far. */
  private tail = '';
  bytes = 0;

  /** The pairs once the map is complete, else undefined. */
  feed(block: Buffer): number[] | undefined {
    this.bytes += block.length;
    const lines = (this.tail + block.toString('latin1')).split('\n');
    this.tail = lines.pop()!;
    for (const line of lines) {
      if (!/^\d{1,16}$/.test(line)) throw malformedMap();
      this.nums.push(Number(line));
      if (this.nums.length === 1 + 2 * this.nums[0]) return this.nums.slice(1); // the rest of the block is padding
    }
    if (this.tail.length > 16) throw malformedMap(); // no number is that long
    return undefined;
  }
}

const malformedMap = () => new BerthError('INVALID_ARGUMENT', 'layer: a malformed PAX 1.0 sparse map');

/** A sparse file's map, checked: segments in order, inside the file, their lengths adding up to the entry's data. */
export function checkSparse(raw: RawSparse, data: number, maxSize: number, fail: (why: string) => BerthError): Sparse {
  const { pairs, size } = raw;
  if (pairs.length % 2 || ![...pairs, size].every((n) => Number.isSafeInteger(n) && n >= 0)) throw fail('a malformed sparse map');
  if (size > maxSize) throw fail(`a sparse file of ${size} bytes: larger than BERTH_MAX_LAYER_SIZE`);
  const map: Sparse['map'] = [];
  let end = 0;
  let sum = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    const [offset, length] = [pairs[i], pairs[i + 1]];
    if (offset < end || offset + length > size) throw fail('its sparse map has overlapping or out-of-file segments');
    if (length > 0) map.push({ offset, length });
    end = offset + length;
    sum += length;
  }
  if (sum !== data) throw fail(`its sparse map holds ${sum} bytes of data, the entry ${data}`);
  return { map, size };
}

/** What an entry's raw typeflag is, for an error about its type. */
export function describeFlag(flag: string): string {
  const names: Record<string, string> = {
    D: 'a GNU dump directory', M: 'a GNU multi-volume continuation', V: 'a GNU volume label',
    X: 'an old Solaris extended header', I: 'a star inode entry', E: 'a star extended-name entry',
  };
  const shown = /^[\x21-\x7e]$/.test(flag) ? flag : `\\x${flag.charCodeAt(0).toString(16).padStart(2, '0')}`;
  return `'${shown}'${names[flag] ? ` (${names[flag]})` : ''}`;
}
