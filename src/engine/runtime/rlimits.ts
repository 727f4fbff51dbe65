// Resource limits for the container's processes: docker's --ulimit (its names,
// syntax and messages: go-units ParseUlimit), applied to the init and to every
// exec. Docker sets none by default (the container inherits the caller's).
// Unlike dockerd, berth has no CAP_SYS_RESOURCE here: a limit above the caller's
// hard limit would fail setrlimit with EPERM, so it is refused at create, and
// checked again at start (the caller's limits may have changed since).
import { readFileSync } from 'node:fs';
import type { Rlimit } from '../../native/index.js';
import { invalid } from '../errors.js';

/** RLIMIT_* numbers (asm-generic/resource.h) by their /proc/<pid>/limits row name. */
export const RLIMIT_BY_ROW: Readonly<Record<string, number>> = {
  'Max cpu time': 0, 'Max file size': 1, 'Max data size': 2, 'Max stack size': 3,
  'Max core file size': 4, 'Max resident set': 5, 'Max processes': 6, 'Max open files': 7,
  'Max locked memory': 8, 'Max address space': 9, 'Max file locks': 10, 'Max pending signals': 11,
  'Max msgqueue size': 12, 'Max nice priority': 13, 'Max realtime priority': 14, 'Max realtime timeout': 15,
};

/** docker's --ulimit names (go-units ulimitNameMapping): no "as". */
export const ULIMIT_NAMES: Readonly<Record<string, number>> = {
  cpu: 0, fsize: 1, data: 2, stack: 3, core: 4, rss: 5, nproc: 6, nofile: 7, memlock: 8,
  locks: 10, sigpending: 11, msgqueue: 12, nice: 13, rtprio: 14, rttime: 15,
};

/** "unlimited" in a Rlimit: -1 reaches the native side as (uint64)-1 = RLIM_INFINITY. */
export const RLIM_INFINITY = -1;

/** docker's HostConfig.Ulimits entry; -1 = unlimited. */
export interface Ulimit { name: string; soft: number; hard: number }

/** Go's strconv.ParseInt(s, 10, 64), with its message. */
function parseInt64(s: string, spec: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw invalid(`invalid argument "${spec}" for "--ulimit" flag: strconv.ParseInt: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw invalid(`invalid argument "${spec}" for "--ulimit" flag: strconv.ParseInt: parsing "${s}": value out of range`);
  return n;
}

/** `--ulimit NAME=SOFT[:HARD]`. */
export function parseUlimit(spec: string): Ulimit {
  const bad = (why: string): never => { throw invalid(`invalid argument "${spec}" for "--ulimit" flag: ${why}`); };
  const eq = spec.indexOf('=');
  if (eq < 0) return bad(`invalid ulimit argument: ${spec}`);
  const name = spec.slice(0, eq), values = spec.slice(eq + 1).split(':');
  if (!(name in ULIMIT_NAMES)) return bad(`invalid ulimit type: ${name}`);
  if (values.length > 2) return bad(`too many limit value arguments - ${spec.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const hard = values.length === 2 ? parseInt64(values[1], spec) : undefined;
  const soft = parseInt64(values[0], spec);
  const h = hard ?? soft;
  // docker lets other negative numbers through to setrlimit as huge values: refused here
  for (const v of [soft, h]) if (v < -1) bad(`${v} is not a limit: use a number of 0 or more, or -1 for unlimited`);
  if (h !== -1 && (soft === -1 || soft > h)) bad(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${h}`);
  return { name, soft, hard: h };
}

/** One entry per name (the last given wins), sorted by name: docker's ulimit map. */
export function normalizeUlimits(list: readonly Ulimit[]): Ulimit[] {
  const byName = new Map(list.map((u) => [u.name, u]));
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Hard limits by resource number, from a /proc/<pid>/limits text. */
export function parseHardLimits(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    const res = m ? RLIMIT_BY_ROW[m[1]] : undefined;
    if (!m || res === undefined) continue;
    out.set(res, m[3] === 'unlimited' ? RLIM_INFINITY : Number(m[3]));
  }
  return out;
}

export const callerHardLimits = (): Map<number, number> => parseHardLimits(readFileSync('/proc/self/limits', 'utf8'));

/** Refuses a limit above the caller's hard limit (setrlimit would fail with EPERM). */
export function checkUlimits(list: readonly Ulimit[], hard: Map<number, number> = callerHardLimits()): void {
  for (const u of list) {
    const cap = hard.get(ULIMIT_NAMES[u.name]);
    if (cap === undefined || cap === RLIM_INFINITY) continue;
    if (u.hard === RLIM_INFINITY || u.hard > cap) {
      throw invalid(`--ulimit ${u.name}=${u.soft}:${u.hard}: the hard limit is above berth's own (${cap}), and raising it needs CAP_SYS_RESOURCE, which berth does not have`);
    }
  }
}

/** The setrlimit calls for the container's processes. */
export const ulimitRlimits = (list: readonly Ulimit[]): Rlimit[] =>
  list.map((u) => ({ resource: ULIMIT_NAMES[u.name], soft: u.soft, hard: u.hard }));
