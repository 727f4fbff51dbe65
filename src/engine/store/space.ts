// Disk space for what berth writes from untrusted input (layer files, blobs): a hostile
// image must not fill the disk. Two bounds, both read from the environment as BERTH_ROOT is:
// - BERTH_MIN_FREE_SPACE: what every write leaves free on the store's filesystem (default
//   1 GiB, or 5 % of the filesystem when that is less). Checked against a declared size
//   before it is written (a tar entry's size, a blob's size in its manifest) and, for
//   sizes nobody declared (a gzip stream as it expands), every CHECK_EVERY bytes.
// - BERTH_MAX_LAYER_SIZE: the most one layer may hold uncompressed (default 64 GiB), so a
//   10 MB gzip of zeros is refused as it expands, however big the disk.
// statfs is one syscall; checking on the first write, then every 16 MiB (less when the
// margin is small: half of it) and before each big file keeps it off the per-file path,
// and the margin absorbs what is written between two checks.
import { statfsSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { humanSize } from '../format.js';
import { sizeInBytes } from '../units.js';

const GiB = 1024 ** 3;
const MiB = 1024 * 1024;
const DEFAULT_MAX_LAYER = '64g';

export interface SpaceLimits {
  /** Bytes to keep free; undefined: 1 GiB or 5 % of the filesystem, whichever is less. */
  minFree?: number;
  maxLayer: number;
  /** As the user wrote it, for messages. */
  maxLayerText: string;
}

export function spaceLimits(env: NodeJS.ProcessEnv = process.env): SpaceLimits {
  const read = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined || value === '') return undefined;
    const n = sizeInBytes(value);
    if (n === undefined) throw new BerthError('INVALID_ARGUMENT', `invalid ${name} "${value}": expected a size such as 512m or 20g`);
    return n;
  };
  const maxLayerText = env.BERTH_MAX_LAYER_SIZE || DEFAULT_MAX_LAYER;
  return {
    minFree: read('BERTH_MIN_FREE_SPACE', env.BERTH_MIN_FREE_SPACE),
    maxLayer: read('BERTH_MAX_LAYER_SIZE', maxLayerText)!,
    maxLayerText,
  };
}

/** The error for a layer past BERTH_MAX_LAYER_SIZE (one place for its words). */
export function layerTooLarge(limits: SpaceLimits): BerthError {
  return new BerthError('INVALID_ARGUMENT', `layer: it expands to more than ${limits.maxLayerText} uncompressed (BERTH_MAX_LAYER_SIZE): refused`);
}

/** Guards the writes into one directory's filesystem; one per stream being written. */
export class SpaceGuard {
  private unchecked = 0;
  /** Bytes between two checks: set by the first one, from the margin. */
  private every?: number;

  constructor(private readonly dir: string, readonly limits: SpaceLimits = spaceLimits()) {}

  /** Before writing `bytes` more (declared, or just written when `declared` is false). */
  need(bytes: number, what: string, declared = true): void {
    this.unchecked += bytes;
    if (this.every !== undefined && this.unchecked < this.every) return;
    const ahead = declared ? bytes : 0;
    this.unchecked = 0;
    const st = statfsSync(this.dir);
    const free = st.bavail * st.bsize;
    const keep = this.limits.minFree ?? Math.min(GiB, Math.floor(st.blocks * st.bsize * 0.05));
    this.every ??= Math.max(MiB, Math.min(16 * MiB, Math.floor(keep / 2)));
    if (free - ahead < keep) {
      throw new BerthError('NO_SPACE', `${what}: not enough disk space: ${humanSize(free)} free, ` +
        `${ahead ? `${humanSize(ahead)} needed, ` : ''}and berth keeps ${humanSize(keep)} free (BERTH_MIN_FREE_SPACE)`);
    }
  }
}
