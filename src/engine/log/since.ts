// docker's `--since` / `--until` values: a duration before now (`10m`, `1h30m`,
// `1.5h`), an RFC3339-like timestamp (date, date+hour, +minutes, +seconds,
// +fraction; local time unless it names a zone), or unix seconds
// (`1700000000`, `1700000000.5`). The same forms docker's GetTimestamp takes.
import { invalid } from '../errors.js';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?([Zz]|[+-]\d{2}:\d{2})?$/;
const UNIX = /^(\d+)(?:\.(\d{1,9}))?$/;

export function parseSince(value: string, now: Date): Date {
  const v = value.trim();
  if (v !== '0' && DURATION.test(v)) return new Date(now.getTime() - durationMs(v));
  const m = STAMP.exec(v);
  if (m) return stamp(m, value);
  const u = UNIX.exec(v);
  if (u) return new Date(Number(u[1]) * 1000 + Number((u[2] ?? '').padEnd(3, '0').slice(0, 3) || '0'));
  throw invalid(`invalid time value "${value}": expected a duration like 10m or 1h30m, an RFC3339 timestamp, or unix seconds`);
}

/** A Go-style duration value ("24h", "1h30m", "0") in milliseconds; INVALID_ARGUMENT otherwise. */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim();
  if (v === '0') return 0;
  if (!DURATION.test(v) || v.startsWith('-')) throw invalid(`invalid ${flag} "${value}": expected a duration like 30m, 24h or 1h30m`);
  return durationMs(v);
}

/** Go's time.ParseDuration in nanoseconds (signed; "0" alone needs no unit); undefined if not one. */
export function goDurationNs(value: string): number | undefined {
  if (value === '0' || value === '-0' || value === '+0') return 0;
  return DURATION.test(value) ? Math.round(durationMs(value) * 1e6) : undefined;
}

/** A Go-style duration ("1h30m", "-2.5s") in milliseconds. */
function durationMs(v: string): number {
  let ns = 0;
  for (const [, n, unit] of v.matchAll(DURATION_PART)) ns += Number(n) * UNIT_NS[unit];
  return (v.startsWith('-') ? -ns : ns) / 1e6;
}

function stamp(m: RegExpExecArray, raw: string): Date {
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  // Date.UTC rolls 2026-02-31 over into March and 25:00 into the next day: refuse instead.
  const check = new Date(Date.UTC(...parts));
  if (check.getUTCMonth() !== parts[1] || check.getUTCDate() !== parts[2] || check.getUTCHours() !== parts[3] ||
      check.getUTCMinutes() !== parts[4] || check.getUTCSeconds() !== parts[5]) {
    throw invalid(`invalid time value "${raw}"`);
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  if (!zone) return new Date(...parts, ms); // no zone: local time, as docker does
  let t = Date.UTC(...parts, ms);
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '+' ? 1 : -1;
    t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return new Date(t);
}
