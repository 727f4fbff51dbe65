// ADD's local archives, told apart as docker's builder does: the file is
// plain or decompresses (gzip, bzip2, xz: by its first bytes), and what comes
// out starts with a tar header whose checksum holds. Anything else, a gzip of
// plain text included, is copied as a file. bzip2 and xz go through the host's
// `bzip2` and `xz` commands: Node has neither codec, and docker runs `xz` too.
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BerthError } from '../errors.js';

export type ArchiveKind = 'plain' | 'gzip' | 'bzip2' | 'xz';

function kindOf(path: string): ArchiveKind {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(6);
  try { readSync(fd, b, 0, 6, 0); } finally { closeSync(fd); }
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  if (b.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (b.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  return 'plain';
}

/** The file's bytes, decompressed; ending the stream early ends what reads the file. */
export function decompressed(path: string, kind: ArchiveKind): Readable {
  const raw = createReadStream(path);
  if (kind === 'plain') return raw;
  if (kind === 'gzip') {
    const gz = createGunzip();
    raw.on('error', (e) => gz.destroy(e));
    gz.on('close', () => raw.destroy());
    return raw.pipe(gz);
  }
  const child = spawn(kind, ['-dcq'], { stdio: ['pipe', 'pipe', 'ignore'] });
  // piped at once: node resumes (drains) a child's stdout nobody reads yet when the child exits
  const out = new PassThrough();
  child.stdout.pipe(out);
  child.stdin.on('error', () => undefined); // EPIPE once the reader has what it wanted
  raw.on('error', (e) => out.destroy(e));
  raw.pipe(child.stdin);
  child.on('error', (e) => out.destroy(new BerthError('UNSUPPORTED', `unpacking a ${kind} archive needs the ${kind} command: ${e.message}`)));
  out.on('close', () => { raw.destroy(); if (child.exitCode === null) child.kill(); });
  return out;
}

/** A tar header block: the checksum (bytes 148-155 counted as spaces) matches its field. */
function tarHeader(b: Buffer): boolean {
  if (b.length < 512) return false;
  const stored = parseInt(b.subarray(148, 156).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i];
  return sum === stored;
}

async function head(s: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let len = 0;
  try {
    for await (const c of s) {
      chunks.push(c as Buffer);
      len += (c as Buffer).length;
      if (len >= n) break;
    }
  } finally {
    s.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** The file's kind when it is a tar (plain or compressed), undefined when ADD copies it as it is. */
export async function archiveOf(path: string): Promise<ArchiveKind | undefined> {
  const kind = kindOf(path);
  try {
    return tarHeader(await head(decompressed(path, kind), 512)) ? kind : undefined;
  } catch (e) {
    if (e instanceof BerthError) throw e;
    return undefined; // does not decompress: a file like any other
  }
}
