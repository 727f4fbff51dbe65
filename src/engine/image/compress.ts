// Layer streams may arrive gzip-compressed (docker import accepts .tar.gz): the
// format is told by its magic bytes, never by a file name. gzip is decompressed
// with node:zlib; the other formats docker knows need tools Node does not have,
// so they are refused by name instead of failing later as "not a tar archive".
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BerthError } from '../errors.js';

const MAGIC_LEN = 6;
/** zlib's output piece size (its default is 16 KiB). Every piece then passes through
 * a hash, the tar parser and a write; 256 KiB pieces made a 100 MB pull ~20 % faster. */
const GUNZIP_CHUNK = 256 * 1024;

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

export function detectCompression(head: Uint8Array): Compression {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  return 'none';
}

/** The uncompressed byte stream of `source` (a tar or a gzipped tar). Errors of either side surface on the result. */
export async function decompressed(source: Readable): Promise<Readable> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  // Read just enough to see the magic bytes, then replay them in front of the rest.
  while (have < MAGIC_LEN) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    chunks.push(b);
    have += b.length;
  }
  const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks); // usually one piece (up to 1 MiB in a pull): no copy
  const rest = Readable.from((async function* () {
    if (head.length) yield head;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })(), { objectMode: false });

  const kind = detectCompression(head);
  if (kind === 'none') return rest;
  if (kind !== 'gzip') {
    source.destroy();
    throw new BerthError('UNSUPPORTED', `the layer is ${kind}-compressed: only gzip and uncompressed tar archives are supported`);
  }
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  // pipeline destroys every stream with the error, so a corrupt gzip member
  // reaches whoever reads `gunzip`.
  pipeline(rest, gunzip, () => { /* errors are delivered through gunzip */ });
  return gunzip;
}
