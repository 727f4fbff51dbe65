// The instructions that change only the image config (ENV, LABEL, CMD,
// ENTRYPOINT, EXPOSE, VOLUME, USER, WORKDIR's path, STOPSIGNAL, HEALTHCHECK,
// SHELL, ONBUILD, MAINTAINER), as docker's builder applies them, and the
// history text BuildKit records for each. Pure: values arrive expanded
// through `word` (shell-lex.ts), so this is tested on data.
import { constants } from 'node:os';
import { posix } from 'node:path';
import { invalid } from '../errors.js';
import type { ImageConfig, OciImageConfig } from '../image/index.js';
import type { CommandForm, Health, Instruction } from './instructions.js';

export interface StageState {
  /** CMD set in this stage (an ENTRYPOINT then keeps it; otherwise ENTRYPOINT clears the inherited CMD). */
  cmdSet: boolean;
}

export const DEFAULT_SHELL = ['/bin/sh', '-c'];

/** Applies a config-only instruction to `oci` (changed in place); returns its history text (none for ONBUILD, as BuildKit). */
export function applyConfig(oci: OciImageConfig, ins: Instruction, word: (w: string) => string, st: StageState): string | undefined {
  const cfg: ImageConfig = (oci.config ??= {});
  switch (ins.kind) {
    case 'ENV': {
      const pairs = ins.pairs.map(([k, v]) => [word(k), word(v)] as const);
      // a variable already set keeps its place (BuildKit's addEnv): `ENV PATH=/x:$PATH` leaves PATH first
      for (const [k, v] of pairs) {
        const env = cfg.Env ?? [];
        const at = env.findIndex((e) => e.split('=')[0] === k);
        cfg.Env = at < 0 ? [...env, `${k}=${v}`] : env.map((e, i) => (i === at ? `${k}=${v}` : e));
      }
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'LABEL': {
      const pairs = ins.pairs.map(([k, v]) => [word(k), word(v)] as const);
      for (const [k, v] of pairs) cfg.Labels = { ...cfg.Labels, [k]: v };
      return `LABEL ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'CMD':
      cfg.Cmd = command(ins.cmd, cfg);
      st.cmdSet = true;
      return `CMD ${goList(cfg.Cmd)}`;
    case 'ENTRYPOINT':
      cfg.Entrypoint = command(ins.cmd, cfg);
      if (!st.cmdSet) delete cfg.Cmd; // docker: a new ENTRYPOINT drops the CMD it inherited
      return `ENTRYPOINT ${goList(cfg.Entrypoint)}`;
    case 'SHELL':
      cfg.Shell = [...ins.args];
      return `SHELL [${cfg.Shell.join(' ')}]`;
    case 'EXPOSE': {
      const ports = ins.values.map(word).flatMap(portKeys);
      for (const p of ports) cfg.ExposedPorts = { ...cfg.ExposedPorts, [p]: {} };
      return `EXPOSE map[${[...new Set(ports)].sort().map((p) => `${p}:{}`).join(' ')}]`;
    }
    case 'VOLUME': {
      const vols = ins.values.map(word);
      if (vols.some((v) => v.trim() === '')) throw invalid('VOLUME specified can not be an empty string');
      for (const v of vols) cfg.Volumes = { ...cfg.Volumes, [v]: {} };
      return `VOLUME [${vols.join(' ')}]`;
    }
    case 'USER':
      cfg.User = word(ins.value);
      return `USER ${cfg.User}`;
    case 'WORKDIR':
      cfg.WorkingDir = posix.resolve(cfg.WorkingDir || '/', word(ins.value));
      return `WORKDIR ${cfg.WorkingDir}`;
    case 'STOPSIGNAL': {
      const sig = word(ins.value);
      if (!isSignal(sig)) throw invalid(`Invalid signal: ${sig}`);
      cfg.StopSignal = sig;
      return `STOPSIGNAL ${sig}`;
    }
    case 'HEALTHCHECK':
      cfg.Healthcheck = healthConfig(ins.health, cfg.Healthcheck);
      return `HEALTHCHECK &{${goList(cfg.Healthcheck.Test ?? [])} "${dur(cfg.Healthcheck.Interval)}" "${dur(cfg.Healthcheck.Timeout)}" "${dur(cfg.Healthcheck.StartPeriod)}" "${dur(cfg.Healthcheck.StartInterval)}" ${goRune(cfg.Healthcheck.Retries ?? 0)}}`;
    case 'ONBUILD':
      cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.trigger];
      return undefined;
    case 'MAINTAINER':
      oci.author = word(ins.value);
      return `MAINTAINER ${oci.author}`;
  }
  throw invalid(`${ins.kind} is not a config instruction`);
}

/** The argv of a command form: exec as written, shell form through the stage's SHELL. */
export function command(form: CommandForm, cfg: ImageConfig): string[] {
  return 'exec' in form ? [...form.exec] : [...(cfg.Shell ?? DEFAULT_SHELL), form.shell];
}

/** Go's %v of a []string, as BuildKit writes lists into history: [a b]. */
function goList(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

function dur(ns: number | undefined): string {
  return `${(ns ?? 0) / 1e9}s`;
}

/** Go's %q of an int (BuildKit prints the retry count so): '\x02', 'a'. */
function goRune(n: number): string {
  return n >= 0x20 && n < 0x7f ? `'${String.fromCharCode(n)}'` : `'\\x${n.toString(16).padStart(2, '0')}'`;
}

function portKeys(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw invalid(`Invalid containerPort: ${spec}`);
  const lo = Number(m[1]);
  const hi = m[2] !== undefined ? Number(m[2]) : lo;
  if (lo > 65535 || hi > 65535 || hi < lo) throw invalid(`Invalid containerPort: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${lo + i}/${proto}`);
}

function isSignal(s: string): boolean {
  if (/^\d+$/.test(s)) return Number(s) > 0 && Number(s) < 65;
  const name = s.toUpperCase().replace(/^SIG/, '');
  return `SIG${name}` in constants.signals || /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name);
}

function healthConfig(h: Health, old: ImageConfig['Healthcheck']): NonNullable<ImageConfig['Healthcheck']> {
  if (h.none) return { Test: ['NONE'] };
  const out: NonNullable<ImageConfig['Healthcheck']> = { Test: h.test };
  const d = (name: string, flag: string, v: string | undefined, min = 1e6): number | undefined => {
    if (v === undefined) return undefined;
    const ns = parseGoDuration(v);
    if (ns === undefined) throw invalid(`time: invalid duration "${v}"`);
    if (ns !== 0 && ns < min) throw invalid(`${name} "${flag}" cannot be less than ${min / 1e6}ms`);
    return ns;
  };
  const interval = d('Interval', 'interval', h.interval); if (interval) out.Interval = interval;
  const timeout = d('Timeout', 'timeout', h.timeout); if (timeout) out.Timeout = timeout;
  const sp = d('StartPeriod', 'start-period', h.startPeriod); if (sp) out.StartPeriod = sp;
  const si = d('StartInterval', 'start-interval', h.startInterval); if (si) out.StartInterval = si;
  if (h.retries !== undefined) {
    const r = Number(h.retries);
    if (!Number.isInteger(r)) throw invalid(`strconv.ParseInt: parsing "${h.retries}": invalid syntax`);
    if (r < 0) throw invalid('--retries cannot be negative');
    if (r) out.Retries = r;
  }
  void old; // docker replaces the whole healthcheck, inheriting nothing
  return out;
}

/** Go's time.ParseDuration, in nanoseconds ("1m30s", "500ms", "0"). */
export function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let m; (m = re.exec(s));) { total += Number(m[1]) * units[m[2]]; at = re.lastIndex; }
  return at === s.length && s.length > 0 ? Math.round(total) : undefined;
}
