// The fields of a tar header block and of PAX records, read strictly: a layer is hostile
// input, so a number that is not one (non-octal digits, a NUL inside it, a negative
// base-256 value, more than 2^53) is refused rather than read as far as it goes. The
// rules are Go's archive/tar's, which docker unpacks layers with: octal fields are
// trimmed of spaces and NULs at both ends and must then be all octal digits; a leading
// 0x80 byte marks a base-256 (GNU) number.
import { BerthError } from '../errors.js';

export const BLOCK = 512;

export const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

export const tarError = (why: string): BerthError => new BerthError('INVALID_ARGUMENT', `layer: not a valid tar archive: ${why}`);

/** A numeric field: octal text or base-256; NaN when it is neither (the caller says which field). */
export function numeric(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    if (b[off] !== 0x80) return NaN; // 0xff: a negative base-256 number, never valid in a layer
    let n = 0;
    for (let i = off + 1; i < off + len; i++) n = n * 256 + b[i];
    return Number.isSafeInteger(n) ? n : NaN;
  }
  let s = off;
  let e = off + len;
  while (s < e && (b[s] === 0x20 || b[s] === 0)) s++;
  while (e > s && (b[e - 1] === 0x20 || b[e - 1] === 0)) e--;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 7) return NaN;
    n = n * 8 + d;
  }
  return n;
}

/** A string field up to its first NUL (or its end). */
export function text(b: Buffer, off: number, len: number): string {
  let e = off;
  const end = off + len;
  while (e < end && b[e] !== 0) e++;
  return b.toString('utf8', off, e);
}

/** Whether the block is all zeros (end-of-archive padding). */
export function isZero(b: Buffer, off: number): boolean {
  for (let i = off; i < off + BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

/** The header's checksum holds: the byte sum with the checksum field read as spaces. */
export function checksumOk(b: Buffer, off: number): boolean {
  let sum = 8 * 0x20;
  for (let i = off; i < off + 148; i++) sum += b[i];
  for (let i = off + 156; i < off + BLOCK; i++) sum += b[i];
  return sum === numeric(b, off + 148, 8);
}

/** The header's format by its magic: 'ustar' (POSIX, with a name prefix), 'gnu', or undefined (v7 and unknown, refused).
 * Compared byte by byte: Buffer.compare's argument checks cost more than the compare in code that runs once per entry, cold. */
export function formatOf(b: Buffer, off: number): 'ustar' | 'gnu' | undefined {
  const m = off + 257;
  if (b[m] !== 0x75 || b[m + 1] !== 0x73 || b[m + 2] !== 0x74 || b[m + 3] !== 0x61 || b[m + 4] !== 0x72) return undefined; // "ustar"
  if (b[m + 5] === 0) return 'ustar';
  if (b[m + 5] === 0x20 && b[m + 6] === 0x20 && b[m + 7] === 0) return 'gnu'; // "ustar  \0"
  return undefined;
}

export type Records = [string, string][];

/** PAX records ("LEN key=value\n"), repeated keys kept in order (PAX 0.0 sparse maps repeat theirs). */
export function parsePax(b: Buffer): Records {
  const out: Records = [];
  let at = 0;
  while (at < b.length && b[at] !== 0) {
    const sp = b.indexOf(0x20, at);
    const lenText = sp < 0 ? '' : b.toString('latin1', at, sp);
    const len = /^[0-9]+$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len > sp - at + 1) || at + len > b.length || b[at + len - 1] !== 0x0a) throw tarError('a malformed PAX record');
    const rec = b.toString('utf8', sp + 1, at + len - 1);
    const eq = rec.indexOf('=');
    if (eq <= 0) throw tarError('a malformed PAX record');
    out.push([rec.slice(0, eq), rec.slice(eq + 1)]);
    at += len;
  }
  return out;
}

/** A PAX decimal field (size, uid, ...): digits only. */
export const paxNumber = (v: string): number => (/^[0-9]{1,16}$/.test(v) ? Number(v) : NaN);
