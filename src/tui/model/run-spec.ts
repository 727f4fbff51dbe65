// The run form's fields turned into the engine's CreateOptions. The syntax is
// docker run's for each value (-e K=V or K alone, -v SRC:DST[:ro], --memory 256m,
// --cpus 0.5), parsed by the same engine functions `berth run` uses, so the form
// accepts and refuses exactly what the CLI does.
import type { CreateOptions } from '../../engine/container/index.js';
import { parseVolumeFlag } from '../../engine/volume/index.js';
import { parseBytes, parseCpus } from '../../engine/units.js';

export interface RunFields {
  image: string;
  name: string;
  command: string;
  /** K=V, separated by spaces or commas. */
  env: string;
  /** Publishing needs networking; accepted only empty (see toCreateOptions). */
  ports: string;
  /** docker -v specs, separated by spaces or commas. */
  volumes: string;
  memory: string;
  cpus: string;
}

export const RUN_FIELDS: ReadonlyArray<{ key: keyof RunFields; label: string; hint: string }> = [
  { key: 'image', label: 'Image', hint: 'repo:tag' },
  { key: 'name', label: 'Name', hint: 'empty: a random name' },
  { key: 'command', label: 'Command', hint: "empty: the image's; quotes group words" },
  { key: 'env', label: 'Env', hint: 'K=V K2=V2' },
  { key: 'ports', label: 'Ports', hint: 'not available: containers have no network yet' },
  { key: 'volumes', label: 'Volumes', hint: 'name:/path /host:/path:ro' },
  { key: 'memory', label: 'Memory', hint: 'e.g. 256m' },
  { key: 'cpus', label: 'CPUs', hint: 'e.g. 0.5' },
];

const list = (s: string): string[] => s.split(/[\s,]+/).filter(Boolean);

/** Splits a command line into words: spaces separate, '…' and "…" group, \ escapes. */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '', quote = '', has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') { quote = c; has = true; }
    else if (c === '\\' && i + 1 < s.length) { cur += s[++i]; has = true; }
    else if (/\s/.test(c)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else cur += c;
  }
  if (quote) throw new Error(`command: unclosed ${quote}`);
  if (has || cur) out.push(cur);
  return out;
}

export function toCreateOptions(f: RunFields): CreateOptions {
  if (!f.image.trim()) throw new Error('image: required');
  if (f.ports.trim()) throw new Error('ports: berth containers have no network yet, so nothing can be published');
  const env = list(f.env);
  const opts: CreateOptions = {
    image: f.image.trim(),
    name: f.name.trim() || undefined,
    cmd: f.command.trim() ? splitWords(f.command) : undefined,
    // "K" alone takes berth's own value, or is left out when unset (the engine's mergeEnv, as -e K)
    env,
    mounts: list(f.volumes).map((v) => parseVolumeFlag(v)),
  };
  const resources: NonNullable<CreateOptions['resources']> = {};
  if (f.memory.trim()) resources.memory = parseBytes(f.memory, '--memory');
  if (f.cpus.trim()) resources.nanoCpus = parseCpus(f.cpus);
  if (Object.keys(resources).length) opts.resources = resources;
  return opts;
}
