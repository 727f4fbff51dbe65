// Whole-number flags worded as flag errors. Sizes and --cpus are docker's value
// syntax, which lives in the engine (engine/units.ts) so every face shares it.
import { BerthError } from '../engine/index.js';
export { parseBytes, parseCpus } from '../engine/units.js';

/** A whole number flag (--cpu-shares, --pids-limit, --blkio-weight). */
export function parseIntFlag(value: string | number, flag: string): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isSafeInteger(n)) throw new BerthError('INVALID_ARGUMENT', `invalid argument "${value}" for "${flag}" flag: not a whole number`);
  return n;
}
