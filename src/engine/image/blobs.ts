// Content-addressed blobs: blobs/sha256/<hex> holds bytes whose sha256 is <hex>
// (manifests, image configs, uncompressed layer tars). A blob is streamed into a
// private temp file in layout.tmpDir while it is hashed, fsynced, and only then
// renamed into place — so a blob at its final path is always complete and
// verified, and one that failed never becomes visible. Because the name is the
// content, writing a blob that already exists is a no-op.
import {
  closeSync, createReadStream, createWriteStream, existsSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync,
} from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BerthError } from '../errors.js';
import { startWriteback } from '../../native/index.js';
import { fsyncDir } from '../store/atomic.js';
import type { Layout } from '../store/layout.js';
import { SpaceGuard, layerTooLarge } from '../store/space.js';
import { tmpPath } from '../store/tmp.js';
import { decompressed } from './compress.js';
import { PoolHash, digestHex, sha256Digest } from './digest.js';

/** A blob written to a temp file and verified, not yet visible in the store. */
export interface PendingBlob {
  readonly digest: string;
  readonly size: number;
  /** Reads the pending content (e.g. to unpack it before committing). */
  open(): Readable;
  /** Moves it into the store (a no-op if the store already has it). Call under the images lock.
   * With `syncDir: false` the caller fsyncs the blobs directory once itself (BlobStore.syncDir)
   * after committing several, before anything that names them is written. */
  commit(opts?: { syncDir?: boolean }): Promise<void>;
  /** Deletes the temp file if it is still there; safe to call after commit. */
  discard(): Promise<void>;
}

export class BlobStore {
  constructor(private readonly layout: Layout) {}

  path(digest: string): string {
    return this.layout.blob(digestHex(digest));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  /** The whole blob, verified against its digest (CORRUPT if it does not match). */
  async read(digest: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.path(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BerthError('CORRUPT', `blob ${digest} is missing from the store`);
      throw e;
    }
    const actual = sha256Digest(data);
    if (actual !== digest) throw new BerthError('CORRUPT', `blob ${digest} does not verify (its content hashes to ${actual})`);
    return data;
  }

  async readJson<T>(digest: string): Promise<T> {
    return JSON.parse((await this.read(digest)).toString('utf8')) as T;
  }

  /** Streams a stored blob (large layer tars); the reader verifies if it needs to. */
  open(digest: string): Readable {
    return createReadStream(this.path(digest));
  }

  /**
   * Streams `source` into a pending blob, hashing as it goes. With `decompress`,
   * a gzip stream is stored uncompressed (layers are kept as plain tars whose digest
   * is the diffID, and the stream is a layer: BERTH_MAX_LAYER_SIZE bounds it). With
   * `expected`, a different digest is CORRUPT. `declaredSize` (a manifest's): the free
   * space is checked for all of it first; otherwise as the bytes come (store/space.ts).
   * `writebackOnly`: the file is not fsynced, only its writeback started; for a caller
   * that syncs the filesystem (syncFilesystem of layout.tmpDir) before it commits.
   */
  async ingest(source: Readable, opts: { decompress?: boolean; expected?: string; declaredSize?: number; writebackOnly?: boolean } = {}): Promise<PendingBlob> {
    const tmp = tmpPath(this.layout, 'blob');
    const hash = new PoolHash(); // off the main thread: a pull's layers pass through here
    const space = new SpaceGuard(this.layout.tmpDir);
    let size = 0;
    try {
      if (opts.declaredSize !== undefined) space.need(opts.declaredSize, 'blob');
      const input = opts.decompress ? await decompressed(source) : source;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          try {
            if (opts.decompress && size > space.limits.maxLayer) throw layerTooLarge(space.limits);
            if (opts.declaredSize === undefined) space.need(chunk.length, 'blob', false);
          } catch (e) {
            return cb(e as Error);
          }
          const behind = hash.update(chunk);
          if (!behind) return cb(null, chunk);
          behind.then(() => cb(null, chunk), cb);
        },
      });
      // flush: fsync before close, so a blob renamed into place is on disk
      await pipeline(input, counter, createWriteStream(tmp, { flags: 'wx', mode: 0o644, flush: !opts.writebackOnly }));
      if (opts.writebackOnly) {
        // any fd of the file will do: sync_file_range acts on its pages
        const fh = await open(tmp, 'r');
        try { await startWriteback(fh.fd); } finally { await fh.close(); }
      }
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw inputError(e);
    }
    let digest: string;
    try {
      digest = await hash.digest();
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    if (opts.expected !== undefined && opts.expected !== digest) {
      await unlink(tmp).catch(() => undefined);
      throw new BerthError('CORRUPT', `content does not match its digest: expected ${opts.expected}, got ${digest}`);
    }
    return this.pending(tmp, digest, size);
  }

  /** fsync of the blobs directory: makes renames done with `syncDir: false` durable. */
  syncDir(): void {
    fsyncDir(this.layout.blobsDir);
  }

  /** Writes small content (configs, manifests) straight into the store; returns its digest.
   * `syncDir: false`: as for PendingBlob.commit. */
  putBytes(data: Uint8Array, opts: { syncDir?: boolean } = {}): string {
    const digest = sha256Digest(data);
    const dest = this.path(digest);
    if (existsSync(dest)) return digest;
    const tmp = tmpPath(this.layout, 'blob');
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      try { unlinkSync(tmp); } catch { /* already gone */ }
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, dest);
    if (opts.syncDir !== false) fsyncDir(this.layout.blobsDir);
    return digest;
  }

  /** Deletes a blob; a missing one is not an error. Call under the images lock. */
  async remove(digest: string): Promise<void> {
    await unlink(this.path(digest)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /** Every stored digest (for consistency checks and garbage collection). */
  list(): string[] {
    return readdirSync(this.layout.blobsDir).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  private pending(tmp: string, digest: string, size: number): PendingBlob {
    const dest = this.path(digest);
    const blobsDir = this.layout.blobsDir;
    let where: 'tmp' | 'gone' = 'tmp';
    return {
      digest,
      size,
      open: () => createReadStream(tmp),
      async commit(opts = {}) {
        if (where !== 'tmp') throw new BerthError('INTERNAL', `pending blob ${digest} was already committed or discarded`);
        if (existsSync(dest)) await unlink(tmp);
        else {
          await rename(tmp, dest);
          if (opts.syncDir !== false) fsyncDir(blobsDir);
        }
        where = 'gone';
      },
      async discard() {
        if (where === 'tmp') await unlink(tmp).catch(() => undefined);
        where = 'gone';
      },
    };
  }
}

/** Errors of reading or decompressing the input, as one clear line. */
function inputError(e: unknown): unknown {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return new BerthError('INVALID_ARGUMENT', `layer: corrupt gzip data: ${err.message}`, { cause: e });
  }
  if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR') {
    return new BerthError('INVALID_ARGUMENT', `cannot read the input: ${err.message}`, { cause: e });
  }
  return e;
}
