// One layer blob from the registry, in a single pass over the network stream:
// the bytes go into a pending blob (hashed, size-checked) and, as they arrive,
// into a consumer — the unpacker, or only a diffID check when the store already
// has the files. Unpacking no longer waits for the download, and the blob is not
// read back from disk.
//
// The consumer sees bytes before their digest is known; that is safe because
// what it makes is private and pending (a temp dir) and the unpacker is built for
// hostile tars anyway. Nothing is committed here: the caller commits only when
// every layer's blob digest, size and diffID have been verified. When both
// sides fail, the blob's own error wins (a corrupted blob reads as "digest
// mismatch", not as the gzip or tar error it causes downstream): the download
// goes on to its end even after the consumer stopped.
import { PassThrough, Transform, type Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import type { BlobStore, Descriptor, PendingBlob } from '../image/index.js';
import type { RegistryClient } from './client.js';
import { backoff, retriableError } from './http.js';
import type { ProgressSink } from './progress.js';

const DOWNLOAD_ATTEMPTS = 3;
/** The size of the pieces handed on (see download). */
const BATCH = 1024 * 1024;
/** How far the download may run ahead of its consumer: one batch, so the consumer's
 * read() hands that batch on as it is instead of concatenating several (2 and 4 MiB
 * were no faster). */
const SIDE_BUFFER = BATCH;

export interface Consumer<T> {
  /** Reads the blob's bytes as they arrive (the stream ends when the download does). */
  consume(source: Readable): Promise<T>;
  /** Undoes what consume made when the blob turned out bad. */
  discard(result: T): Promise<void>;
  /** The layer's status while the consumer finishes after the download ("Extracting"). */
  status?: string;
}

/** A layer blob into a pending blob (as sent, compressed), fed to `consumer` on the way; network errors retried. */
export async function fetchLayer<T>(client: RegistryClient, blobs: BlobStore, repo: string, d: Descriptor, progress: ProgressSink, consumer: Consumer<T>):
  Promise<{ blob: PendingBlob; result: T }> {
  for (let attempt = 1; ; attempt++) {
    const side = new PassThrough({ highWaterMark: SIDE_BUFFER });
    // A download error is thrown by download() itself; the consumer, which may not have
    // started reading yet, sees it as a destroyed stream. No listener here = a crash.
    side.on('error', () => undefined);
    // The consumer starts at once and ends with the download (or fails with it). One that
    // returns without reading everything (the layer appeared meanwhile) must not stall it.
    const consumed = settle(consumer.consume(side).finally(() => side.destroy()));
    let blob: PendingBlob;
    try {
      blob = await download(client, blobs, repo, d, progress, side);
    } catch (e) {
      side.destroy(e as Error);
      const c = await consumed;
      if (c.ok) await consumer.discard(c.value);
      if (attempt < DOWNLOAD_ATTEMPTS && retriableError(e)) {
        progress.status(d.digest, `Retrying in ${2 ** (attempt - 1) * 0.2}s`);
        await backoff(attempt);
        continue;
      }
      throw e;
    }
    if (consumer.status !== undefined && blob.digest === d.digest) progress.status(d.digest, consumer.status);
    const c = await consumed;
    const bad = blob.digest !== d.digest ? mismatch('blob', d.digest, blob.digest)
      : blob.size !== d.size ? new BerthError('CORRUPT', `blob ${d.digest}: the registry sent ${blob.size} bytes, the manifest says ${d.size}`)
        : c.ok ? undefined : c.error;
    if (bad !== undefined) {
      await blob.discard();
      if (c.ok) await consumer.discard(c.value);
      throw bad;
    }
    return { blob, result: (c as { value: T }).value };
  }
}

export const mismatch = (what: string, expected: string, got: string): BerthError =>
  new BerthError('CORRUPT', `digest mismatch for ${what} ${expected}: registry sent ${got}`);

/** The GET into a pending blob; every chunk is also written to `side` while its reader still reads. */
async function download(client: RegistryClient, blobs: BlobStore, repo: string, d: Descriptor, progress: ProgressSink, side: PassThrough): Promise<PendingBlob> {
  const { body, length } = await client.getBlob(repo, d.digest);
  const total = length ?? d.size;
  let done = 0;
  // Socket reads arrive in ≤64 KiB pieces; every stage after this one (hash, file
  // write, gunzip, tar) costs per piece, and in a one-shot CLI that code runs cold.
  // Handing them on in ~1 MiB batches cut a 100 MB pull's download side by a third.
  let batch: Buffer[] = [];
  let held = 0;
  const forward = (cb: (e?: Error | null, c?: Buffer) => void): void => {
    const c = batch.length === 1 ? batch[0] : Buffer.concat(batch, held);
    batch = [];
    held = 0;
    // A consumer that failed has destroyed `side`: the blob is still read to its
    // end, so its digest can tell a corrupted blob from a hostile layer.
    if (side.destroyed || side.write(c)) return cb(null, c);
    const go = () => { side.off('drain', go).off('close', go); cb(null, c); };
    side.on('drain', go).on('close', go);
  };
  const counter = new Transform({
    transform(c: Buffer, _e, cb) {
      done += c.length;
      // a registry that sends more than the manifest says is wrong: stop reading
      if (done > d.size) return cb(new BerthError('CORRUPT', `blob ${d.digest}: the registry sent more than its ${d.size} bytes`));
      progress.status(d.digest, 'Downloading', { done, total });
      batch.push(c);
      held += c.length;
      if (held < BATCH) return cb();
      forward(cb);
    },
    flush(cb) {
      const end = (e?: Error | null, c?: Buffer) => {
        if (c !== undefined) this.push(c);
        side.end();
        cb(e);
      };
      if (held > 0) forward(end);
      else end();
    },
  });
  body.on('error', (e) => counter.destroy(e));
  counter.on('error', () => body.destroy()); // no socket left open when ingest gives up
  // Not fsynced: pull.ts syncs the filesystem once before it commits anything, and that
  // covers the pending blobs (in layout.tmpDir) as well as the layers. Only the writeback
  // starts as the blob is closed, so that flush has little left to do: left to the syncfs
  // alone, 100 MB of blob made it ~100 ms longer; fsynced here, each blob held a thread-pool
  // thread (4 in all) until the disk was done, stalling the gunzips and hashes behind it.
  const blob = await blobs.ingest(body.pipe(counter), { declaredSize: d.size, writebackOnly: true });
  progress.status(d.digest, 'Verifying Checksum');
  if (blob.digest === d.digest && blob.size === d.size) progress.status(d.digest, 'Download complete');
  return blob;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
