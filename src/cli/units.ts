// docker's value syntax for resource flags: sizes (engine/units.ts: go-units RAMInBytes)
// worded as flag errors, and --cpus (a decimal turned into nano-CPUs, refused when finer
// than 1e-9).
import { BerthError } from '../engine/index.js';
import { sizeInBytes } from '../engine/units.js';

/** "32m" → 33554432. `allowMinusOne`: --memory-swap's "-1" = unlimited. */
export function parseBytes(value: string, flag: string, allowMinusOne = false): number {
  if (allowMinusOne && value.trim() === '-1') return -1;
  const bytes = sizeInBytes(value);
  if (bytes === undefined) throw new BerthError('INVALID_ARGUMENT', `invalid argument "${value}" for "${flag}" flag: invalid size: '${value}'`);
  if (bytes === Infinity) throw new BerthError('INVALID_ARGUMENT', `invalid argument "${value}" for "${flag}" flag: size too large`);
  return bytes;
}

/** "0.5" → 500000000 nano-CPUs (docker's NanoCPUs). Sign is kept: the engine refuses negatives. */
export function parseCpus(value: string): number {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new BerthError('INVALID_ARGUMENT', `invalid argument "${value}" for "--cpus" flag: not a number`);
  }
  const frac = m[3] ?? '';
  if (frac.replace(/0+$/, '').length > 9) throw new BerthError('INVALID_ARGUMENT', `invalid argument "${value}" for "--cpus" flag: value is too precise`);
  // integer arithmetic on the digits: 0.1 * 1e9 must be exactly 100000000
  const nano = Number(m[2] || '0') * 1e9 + Number((frac + '000000000').slice(0, 9));
  return m[1] === '-' ? -nano : nano;
}

/** A whole number flag (--cpu-shares, --pids-limit, --blkio-weight). */
export function parseIntFlag(value: string | number, flag: string): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isSafeInteger(n)) throw new BerthError('INVALID_ARGUMENT', `invalid argument "${value}" for "${flag}" flag: not a whole number`);
  return n;
}
