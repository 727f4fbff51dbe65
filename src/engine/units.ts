// docker's value syntax, one home for every face, so `berth run`, the TUI's run
// form and any later face accept and refuse the same strings with the same words:
// sizes (go-units RAMInBytes: binary multiples, "32m" = 32 MiB, optional "b"/"ib",
// case-insensitive; also berth's own settings such as BERTH_MAX_LAYER_SIZE) and
// --cpus (a decimal turned into nano-CPUs, refused when finer than 1e-9), and
// KEY=VALUE flags such as --label.
import { BerthError } from './errors.js';

const MULT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** "32m" → 33554432; undefined when it is not a size; Infinity when it is too large to count. */
export function sizeInBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?(?:i?b)?$/i.exec(value.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * MULT[(m[2] ?? '').toLowerCase()]);
  return Number.isSafeInteger(bytes) ? bytes : Infinity;
}

/** A size flag's value: "32m" → 33554432. `allowMinusOne`: --memory-swap's "-1" = unlimited. */
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

/** KEY=VALUE flags (--label, --opt) to a map, later ones winning; a bare KEY gets "" (docker's
 * opts.ConvertKVStringsToMap). */
export function keyValues(list: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    out[eq < 0 ? kv : kv.slice(0, eq)] = eq < 0 ? '' : kv.slice(eq + 1);
  }
  return out;
}
