// Crash-safe file writes: write a temporary file in the same directory, fsync
// it, rename it over the target, fsync the directory. A reader sees the old or
// the new content, never a torn one.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** `durable: false` keeps the all-or-nothing rename for readers but skips both fsyncs:
 *  for files rebuilt at every container start, which no crash can leave in use. */
export function atomicWriteFile(path: string, data: string | Uint8Array, mode = 0o644, opts: { durable?: boolean } = {}): void {
  const durable = opts.durable ?? true;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (durable) fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw e;
  }
  if (durable) fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

export function writeJson(path: string, value: unknown, opts: { durable?: boolean } = {}): void {
  atomicWriteFile(path, JSON.stringify(value, null, 2) + '\n', 0o644, opts);
}

/** Reads JSON written by writeJson; undefined when the file does not exist. */
export function readJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as T;
}
