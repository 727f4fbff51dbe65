// The container process's environment, built as Docker does: its defaults
// (PATH, HOSTNAME, TERM for a tty) overridden or extended by the image's and
// the user's variables in order, then HOME from passwd when nobody set it;
// and docker's --env-file format, which feeds the user's variables.
import { invalid } from '../errors.js';

/** Docker's default PATH for Linux containers (moby oci.DefaultPathEnv). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const keyOf = (kv: string): string => {
  const i = kv.indexOf('=');
  return i < 0 ? kv : kv.slice(0, i);
};

/** Docker's ReplaceOrAppendEnvValues: "K=V" replaces K in place or appends; a bare "K" removes K. */
export function replaceOrAppendEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  for (const kv of overrides) {
    const k = keyOf(kv);
    const i = out.findIndex((e) => keyOf(e) === k);
    if (!kv.includes('=')) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) {
      out[i] = kv;
    } else {
      out.push(kv);
    }
  }
  return out;
}

export function containerEnv(opts: { env: string[]; hostname: string; tty: boolean; home: string }): string[] {
  const defaults = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${opts.hostname}`];
  if (opts.tty) defaults.push('TERM=xterm');
  const env = replaceOrAppendEnv(defaults, opts.env);
  if (!env.some((e) => keyOf(e) === 'HOME')) env.push(`HOME=${opts.home}`);
  return env;
}

/**
 * docker's --env-file format (moby's kvfile): one `KEY=VALUE` a line, taken as-is (no quote
 * or escape processing, trailing spaces kept); a bare `KEY` takes `lookup(KEY)` and is left
 * out when that has no value; blank lines and `#` comment lines are skipped, leading white
 * space is ignored, a UTF-8 BOM and CR line ends are dropped. The content is data for the
 * container and never reaches berth's own environment. Errors name the file and the line.
 */
export function parseEnvFile(data: Uint8Array, file: string, lookup: (key: string) => string | undefined): string[] {
  const out: string[] = [];
  const firstLine = new TextDecoder('utf-8', { fatal: true }); // drops a BOM
  const laterLine = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (let start = 0, n = 1; start < data.length; n++) {
    let end = data.indexOf(0x0a, start);
    if (end < 0) end = data.length;
    let raw: string;
    try {
      raw = (n === 1 ? firstLine : laterLine).decode(data.subarray(start, end));
    } catch {
      throw invalid(`env file ${file} contains invalid utf8 bytes at line ${n}`);
    }
    start = end + 1;
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === '') throw invalid(`env file ${file}: no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw invalid(`env file ${file}: variable '${key}' contains whitespaces`);
    if (eq >= 0) out.push(line);
    else {
      const v = lookup(key);
      if (v !== undefined) out.push(`${key}=${v}`);
    }
  }
  return out;
}
