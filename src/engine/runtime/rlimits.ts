// Resource limits for the container's process. Docker sets none by default (the
// container inherits), so nothing asks for any yet; --ulimit will go through
// clampRlimits, because without CAP_SYS_RESOURCE a limit above the caller's
// hard limit fails setrlimit with EPERM (podman's NOFILE 1048576 does, here).
import { readFileSync } from 'node:fs';
import type { Rlimit } from '../../native/index.js';

/** RLIMIT_* numbers (asm-generic/resource.h) by their /proc/<pid>/limits row name. */
export const RLIMIT_BY_ROW: Readonly<Record<string, number>> = {
  'Max cpu time': 0, 'Max file size': 1, 'Max data size': 2, 'Max stack size': 3,
  'Max core file size': 4, 'Max resident set': 5, 'Max processes': 6, 'Max open files': 7,
  'Max locked memory': 8, 'Max address space': 9, 'Max file locks': 10, 'Max pending signals': 11,
  'Max msgqueue size': 12, 'Max nice priority': 13, 'Max realtime priority': 14, 'Max realtime timeout': 15,
};

/** "unlimited" in a Rlimit: -1 reaches the native side as (uint64)-1 = RLIM_INFINITY. */
export const RLIM_INFINITY = -1;

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

const asNumber = (v: number): number => (v === RLIM_INFINITY ? Infinity : v);

/** Lowers each requested limit to the caller's hard limit (soft <= hard kept). */
export function clampRlimits(requested: Rlimit[], hard: Map<number, number>): Rlimit[] {
  return requested.map((r) => {
    const cap = hard.get(r.resource);
    if (cap === undefined || cap === RLIM_INFINITY) return r;
    const h = Math.min(asNumber(r.hard), cap);
    const s = Math.min(asNumber(r.soft), h);
    return { resource: r.resource, soft: s, hard: h };
  });
}
