// sha256 digests ("sha256:<64 lowercase hex>"), the only algorithm berth stores.
import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';

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
