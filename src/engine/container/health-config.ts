// A container's health check as docker configures it: HealthConfig (the image's
// HEALTHCHECK, Config.Healthcheck; durations in nanoseconds), the run/create flags
// as docker's CLI turns them into one (--health-*, --no-healthcheck), the daemon's
// merge with the image's and its validation, and the probe's command. Pure: the
// checker that runs it is health-main.ts.
import { invalid } from '../errors.js';
import { goDurationNs } from '../log/index.js';
import type { HealthConfig } from '../image/index.js';

export type { HealthConfig };

/** moby's defaults (daemon/health.go) for a field left 0. */
export const HEALTH_DEFAULTS = { interval: 30e9, timeout: 30e9, startPeriod: 0, startInterval: 5e9, retries: 3 } as const;

/** The flags as given on the command line (strings: docker's own parse errors are kept). */
export interface HealthFlags {
  cmd?: string;
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: string;
  none?: boolean;
}

/** docker's CLI (opts.parse): a HealthConfig when any flag is given, else undefined (the image's). */
export function parseHealthFlags(f: HealthFlags): HealthConfig | undefined {
  const dur = (v: string | undefined, flag: string): number => {
    if (v === undefined) return 0;
    const ns = goDurationNs(v);
    if (ns === undefined) throw invalid(`invalid argument "${v}" for "--${flag}" flag: time: invalid duration "${v}"`);
    return ns;
  };
  let retries = 0;
  if (f.retries !== undefined) {
    if (!/^[+-]?\d+$/.test(f.retries)) throw invalid(`invalid argument "${f.retries}" for "--health-retries" flag: strconv.ParseInt: parsing "${f.retries}": invalid syntax`);
    retries = Number(f.retries);
  }
  const hc: HealthConfig = {
    ...(f.cmd ? { Test: ['CMD-SHELL', f.cmd] } : {}),
    Interval: dur(f.interval, 'health-interval'),
    Timeout: dur(f.timeout, 'health-timeout'),
    StartPeriod: dur(f.startPeriod, 'health-start-period'),
    StartInterval: dur(f.startInterval, 'health-start-interval'),
    Retries: retries,
  };
  // docker's haveHealthSettings: a command or a non-zero value (an explicit 0 is the default)
  const given = !!f.cmd || !!(hc.Interval || hc.Timeout || hc.StartPeriod || hc.StartInterval || hc.Retries);
  if (f.none) {
    if (given) throw invalid('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!given) return undefined;
  // in docker's order, after the conflict
  const negative = (['Interval', 'Timeout', 'Retries', 'StartPeriod', 'StartInterval'] as const).find((k) => hc[k]! < 0);
  if (negative) throw invalid(`--health-${negative.replace(/(?!^)([A-Z])/g, '-$1').toLowerCase()} cannot be negative`);
  return hc;
}

/** The daemon's merge (daemon/commit.go merge): unset user fields come from the image's. */
export function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return image ? { ...image } : undefined;
  const out = { ...user };
  if (image) {
    if (!out.Test?.length) out.Test = image.Test;
    if (!out.Interval) out.Interval = image.Interval;
    if (!out.Timeout) out.Timeout = image.Timeout;
    if (!out.StartPeriod) out.StartPeriod = image.StartPeriod;
    if (!out.StartInterval) out.StartInterval = image.StartInterval;
    if (!out.Retries) out.Retries = image.Retries;
  }
  return out;
}

/** The daemon's checks (daemon/container.go validateHealthCheck), docker 25+'s 1ms minimum. */
export function validateHealthcheck(hc: HealthConfig | undefined): void {
  if (!hc) return;
  const fields = [['Interval', hc.Interval], ['Timeout', hc.Timeout], ['StartPeriod', hc.StartPeriod], ['StartInterval', hc.StartInterval]] as const;
  for (const [name, v] of fields) {
    if (v && v < 1e6) throw invalid(`${name} in Healthcheck cannot be less than 1ms`);
  }
  if ((hc.Retries ?? 0) < 0) throw invalid('Retries in Healthcheck cannot be negative');
}

/** The probe's argv, or undefined when nothing is to run (no test, NONE, an unknown kind: docker warns and runs none). */
export function probeCommand(hc: HealthConfig | undefined): string[] | undefined {
  const t = hc?.Test;
  if (!t?.length) return undefined;
  if (t[0] === 'CMD' && t.length > 1) return t.slice(1);
  if (t[0] === 'CMD-SHELL' && t.length > 1) return ['/bin/sh', '-c', ...t.slice(1)];
  return undefined;
}

/** The timings in effect, in milliseconds, with moby's defaults. */
export function healthTimings(hc: HealthConfig): { interval: number; timeout: number; startPeriod: number; startInterval: number; retries: number } {
  const or = (v: number | undefined, d: number): number => (v && v > 0 ? v : d) / 1e6;
  return {
    interval: or(hc.Interval, HEALTH_DEFAULTS.interval),
    timeout: or(hc.Timeout, HEALTH_DEFAULTS.timeout),
    startPeriod: or(hc.StartPeriod, HEALTH_DEFAULTS.startPeriod),
    startInterval: or(hc.StartInterval, HEALTH_DEFAULTS.startInterval),
    retries: hc.Retries && hc.Retries > 0 ? hc.Retries : HEALTH_DEFAULTS.retries,
  };
}

/** Go's time.Duration.String() for a duration in milliseconds ("30s", "1m30s", "500ms", "1.5s"). */
export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1e-3) return `${trim(ms * 1e6)}ns`;
  if (ms < 1) return `${trim(ms * 1e3)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trim(s)}s`;
}

const trim = (n: number): string => String(Number(n.toFixed(9)));
