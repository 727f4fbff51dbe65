// The container process's environment, built as Docker does: its defaults
// (PATH, HOSTNAME, TERM for a tty) overridden or extended by the image's and
// the user's variables in order, then HOME from passwd when nobody set it.

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
