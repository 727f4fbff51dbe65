// `--change` instructions (docker import/commit): Dockerfile lines applied to an
// image config. The parsing follows docker's builder: exec (JSON) or shell form
// for CMD/ENTRYPOINT, name=value pairs (and the legacy "name value" form) for
// ENV/LABEL, and $VAR / ${VAR} expansion from the config's Env for the
// instructions docker expands (not CMD/ENTRYPOINT: their shell does that at run time).
import { constants } from 'node:os';
import { posix } from 'node:path';
import { invalid } from '../errors.js';
import type { ImageConfig } from './oci.js';

const SUPPORTED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR'];

/** Applies the instructions in order to a copy of `base`. Throws INVALID_ARGUMENT naming the bad one. */
export function applyChanges(base: ImageConfig, changes: string[]): ImageConfig {
  const cfg: ImageConfig = structuredClone(base);
  for (const change of changes) {
    const m = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(change);
    if (!m) throw invalid(`--change "${change}": empty instruction`);
    const keyword = m[1].toUpperCase();
    const rest = m[2];
    const bad = (why: string) => invalid(`--change "${change}": ${why}`);
    const expand = (s: string) => words(s, cfg.Env ?? [], bad);
    switch (keyword) {
      case 'CMD':
        cfg.Cmd = command(rest);
        if (cfg.Cmd === undefined) delete cfg.Cmd;
        break;
      case 'ENTRYPOINT':
        cfg.Entrypoint = command(rest);
        if (cfg.Entrypoint === undefined) delete cfg.Entrypoint;
        break;
      case 'ENV':
        for (const [k, v] of pairs(rest, expand, bad)) {
          cfg.Env = [...(cfg.Env ?? []).filter((e) => e.split('=')[0] !== k), `${k}=${v}`];
        }
        break;
      case 'LABEL':
        for (const [k, v] of pairs(rest, expand, bad)) cfg.Labels = { ...cfg.Labels, [k]: v };
        break;
      case 'EXPOSE':
        for (const p of expand(rest)) for (const key of ports(p, bad)) cfg.ExposedPorts = { ...cfg.ExposedPorts, [key]: {} };
        break;
      case 'VOLUME': {
        const list = jsonArray(rest) ?? expand(rest);
        if (list.length === 0 || list.some((v) => v.trim() === '')) throw bad('a volume cannot be an empty string');
        for (const v of list) cfg.Volumes = { ...cfg.Volumes, [v]: {} };
        break;
      }
      case 'WORKDIR': {
        const dir = expand(rest).join(' ');
        if (dir === '') throw bad('WORKDIR needs a path');
        cfg.WorkingDir = posix.resolve(cfg.WorkingDir || '/', dir);
        break;
      }
      case 'USER': {
        const user = expand(rest).join(' ');
        if (user === '') throw bad('USER needs a user name or id');
        cfg.User = user;
        break;
      }
      case 'STOPSIGNAL': {
        const sig = expand(rest).join(' ');
        if (!isSignal(sig)) throw bad(`unknown signal "${sig}"`);
        cfg.StopSignal = sig;
        break;
      }
      default:
        throw bad(`${keyword} is not supported here (supported: ${SUPPORTED.join(', ')})`);
    }
  }
  return cfg;
}

/** Exec form `["a","b"]`; anything else (even broken JSON, as in docker) is the shell form ["/bin/sh", "-c", rest]. Empty clears. */
function command(rest: string): string[] | undefined {
  return jsonArray(rest) ?? (rest === '' ? undefined : ['/bin/sh', '-c', rest]);
}

function jsonArray(rest: string): string[] | undefined {
  if (!rest.trimStart().startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch { /* not JSON: shell form */ }
  return undefined;
}

/** `a=1 b="two words"` or the legacy `name value with spaces`. */
function pairs(rest: string, expand: (s: string) => string[], bad: (why: string) => Error): Array<[string, string]> {
  const first = /^\S+/.exec(rest)?.[0] ?? '';
  if (first === '') throw bad('needs name=value');
  if (!first.includes('=')) {
    const value = rest.slice(first.length).trim();
    if (value === '') throw bad(`"${first}" has no value: use name=value`);
    return [[first, expand(value).join(' ')]];
  }
  return expand(rest).map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) throw bad(`"${w}" is not of the form name=value`);
    if (eq === 0) throw bad('a name cannot be blank');
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** "80", "53/udp", "8000-8002/tcp" → "80/tcp", ... */
function ports(spec: string, bad: (why: string) => Error): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw bad(`invalid port "${spec}" (PORT[-END][/tcp|udp|sctp])`);
  const lo = Number(m[1]);
  const hi = m[2] !== undefined ? Number(m[2]) : lo;
  if (lo > 65535 || hi > 65535 || hi < lo) throw bad(`invalid port range "${spec}"`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${lo + i}/${proto}`);
}

function isSignal(s: string): boolean {
  if (/^\d+$/.test(s)) return Number(s) > 0 && Number(s) < 65;
  const name = s.toUpperCase().replace(/^SIG/, '');
  return `SIG${name}` in constants.signals || /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name);
}

/**
 * Shell-like word splitting: whitespace separates words, quotes group (single:
 * literal; double: backslash escapes and $ expansion), backslash escapes outside
 * quotes, and $VAR, ${VAR}, ${VAR:-word}, ${VAR:+word} expand from `env`.
 */
export function words(s: string, env: string[], bad: (why: string) => Error): string[] {
  const vars = new Map(env.map((e) => [e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  const variable = (): string => {
    // at s[i] === '$'
    if (s[i + 1] === '{') {
      const end = s.indexOf('}', i + 2);
      if (end < 0) throw bad('missing "}" in a ${...} expansion');
      const body = s.slice(i + 2, end);
      i = end + 1;
      const m = /^(\w+)(?::([-+])([\s\S]*))?$/.exec(body);
      if (!m) throw bad(`unsupported expansion "\${${body}}"`);
      const v = vars.get(m[1]);
      if (m[2] === '-') return v ? v : m[3];
      if (m[2] === '+') return v ? m[3] : '';
      return v ?? '';
    }
    const m = /^\w+/.exec(s.slice(i + 1));
    if (!m) { i++; return '$'; }
    i += 1 + m[0].length;
    return vars.get(m[0]) ?? '';
  };
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      if (i + 1 < s.length) cur += s[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw bad('unterminated single quote');
      cur += s.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < s.length && '"\\$'.includes(s[i + 1])) { cur += s[i + 1]; i += 2; }
        else if (s[i] === '$') cur += variable();
        else cur += s[i++];
      }
      if (i >= s.length) throw bad('unterminated double quote');
      i++;
    } else if (c === '$') {
      cur += variable();
    } else {
      cur += c;
      i++;
    }
  }
  if (inWord) out.push(cur);
  return out;
}
