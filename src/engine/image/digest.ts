// sha256 digests ("sha256:<64 lowercase hex>"), the only algorithm berth stores.
import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';
import { sha256Create, sha256Digest as nativeDigest, sha256Update, type NativeHash } from '../../native/index.js';

const DIGEST = /^sha256:([a-f0-9]{64})$/;

export const isDigest = (s: string): boolean => DIGEST.test(s);

/** The hex part of a digest; INVALID_ARGUMENT for anything that is not sha256:<64 hex>. */
export function digestHex(digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw invalid(`malformed digest "${digest}" (expected sha256:<64 lowercase hex>)`);
  return m[1];
}

export const sha256Digest = (data: string | Uint8Array): string =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** docker's short image ID: the first 12 hex characters. */
export const shortId = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

/** How many bytes a PoolHash may hold (queued, not yet hashed) before `update` makes its caller wait. */
const POOL_HASH_AHEAD = 8 * 1024 * 1024;

/**
 * sha256 of a stream, hashed on the thread pool (native/sha256.c) rather than on the
 * main thread, which in a pull is the busy one. `update` queues a buffer (not copied:
 * the caller must not change it) and returns a promise only when too much is queued,
 * so a stream can wait for it as backpressure; `digest` waits for the queue.
 */
export class PoolHash {
  private readonly h: NativeHash = sha256Create();
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  update(data: Buffer): Promise<void> | undefined {
    if (data.length === 0) return undefined;
    this.queued += data.length;
    const next = this.tail.then(() => sha256Update(this.h, data)).finally(() => { this.queued -= data.length; });
    next.catch(() => undefined); // reported by digest(); unheard until then it would be an unhandled rejection
    this.tail = next;
    return this.queued > POOL_HASH_AHEAD ? next : undefined;
  }

  /** "sha256:<hex>" of everything updated; the hash takes no more updates after it. */
  async digest(): Promise<string> {
    await this.tail;
    return `sha256:${nativeDigest(this.h)}`;
  }
}
