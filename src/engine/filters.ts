// docker's --filter KEY=VALUE syntax (api/types/filters): values of one key are
// OR-ed, keys AND-ed; an unknown key is `invalid filter 'KEY'`. Each list
// (ps, images, volumes) says which keys it accepts and what they mean; the
// matching helpers here are docker's Match (exact, else a regular expression),
// ExactMatch and MatchKVList (label=KEY or label=KEY=VALUE).
import { BerthError } from './errors.js';

export type Filters = Map<string, string[]>;

/** Parses `--filter` flags; `accepted` are the keys the list knows. */
export function parseFilters(flags: string[] | undefined, accepted: readonly string[]): Filters {
  const out: Filters = new Map();
  for (const f of flags ?? []) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new BerthError('INVALID_ARGUMENT', `invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    const key = f.slice(0, eq).trim().toLowerCase();
    out.set(key, [...(out.get(key) ?? []), f.slice(eq + 1).trim()]);
  }
  for (const key of out.keys()) if (!accepted.includes(key)) throw invalidFilter(key);
  return out;
}

/** docker's invalidFilter error: `invalid filter 'KEY'` or `invalid filter 'KEY=VALUE'`. */
export const invalidFilter = (key: string, value?: string | string[]): BerthError =>
  new BerthError('INVALID_ARGUMENT', `invalid filter '${key}${value === undefined ? '' : `=${Array.isArray(value) ? `[${value.join(' ')}]` : value}`}'`);

/** Match: no values = everything; a value equal to `source`, or a regular expression found in it. */
export function matchAny(values: string[] | undefined, source: string): boolean {
  if (!values?.length) return true;
  return values.some((v) => v === source || goRegExp(v).test(source));
}

export const exactMatch = (values: string[] | undefined, source: string): boolean =>
  !values?.length || values.includes(source);

/** MatchKVList: every label=KEY / label=KEY=VALUE given must hold (docker ANDs label filters). */
export function matchLabels(values: string[] | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!values?.length) return true;
  const l = labels ?? {};
  return values.every((v) => {
    const eq = v.indexOf('=');
    if (eq < 0) return Object.prototype.hasOwnProperty.call(l, v);
    const k = v.slice(0, eq);
    return Object.prototype.hasOwnProperty.call(l, k) && l[k] === v.slice(eq + 1);
  });
}

/** The value of a boolean filter (dangling=true|false|1|0), or docker's error. */
export function boolFilter(filters: Filters, key: string): boolean | undefined {
  const v = filters.get(key);
  if (!v) return undefined;
  if (v.every((x) => x === 'true' || x === '1')) return true;
  if (v.every((x) => x === 'false' || x === '0')) return false;
  throw invalidFilter(key, v);
}

/** until=: a Go duration ago ("10m", "1h30m"), an RFC 3339 time, or Unix seconds. */
export function untilTime(v: string, now: number): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(v)) {
    let ms = 0;
    for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
    return now - ms;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new BerthError('INVALID_ARGUMENT', `failed to parse value as time or duration: "${v}"`);
  return t;
}

/** Go's RE2 syntax as far as JavaScript shares it; a pattern JS cannot read is docker's error. */
function goRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
  } catch (e) {
    throw new BerthError('INVALID_ARGUMENT', `error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}
