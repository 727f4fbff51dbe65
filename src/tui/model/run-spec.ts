// The run form's fields turned into the engine's CreateOptions. Each field is
// one of docker run's flags, written as on a command line (several values
// separated by spaces, quotes grouping: `-e 'A=x y'` is `A='x y'` here), and
// parsed by the engine functions `berth run` uses (ports, -v, sizes, --cpus,
// labels; restart, user and workdir are checked by create itself), so the form
// accepts and refuses exactly what the CLI does.
import type { CreateOptions } from '../../engine/container/index.js';
import { parseVolumeFlag } from '../../engine/volume/index.js';
import { parsePublish } from '../../engine/network/index.js';
import { keyValues, parseBytes, parseCpus } from '../../engine/units.js';

export type RunKey = 'image' | 'name' | 'command' | 'entrypoint' | 'env' | 'ports' | 'network' | 'volumes'
  | 'workdir' | 'user' | 'labels' | 'restart' | 'memory' | 'cpus' | 'rm' | 'it';

/** Every field as typed; a toggle is "on" or "". */
export type RunFields = Record<RunKey, string>;

export interface RunField { key: RunKey; label: string; hint: string; toggle?: true }

export const RUN_FIELDS: readonly RunField[] = [
  { key: 'image', label: 'Image', hint: 'repo:tag' },
  { key: 'name', label: 'Name', hint: 'empty: a random name' },
  { key: 'command', label: 'Command', hint: "empty: the image's; quotes group words" },
  { key: 'entrypoint', label: 'Entrypoint', hint: "--entrypoint; empty: the image's" },
  { key: 'env', label: 'Env', hint: 'K=V K2 (K alone: berth\'s value, as -e K)' },
  { key: 'ports', label: 'Ports', hint: '-p: 8080:80 127.0.0.1::53/udp' },
  { key: 'network', label: 'Network', hint: 'bridge (empty), none, host or a network name' },
  { key: 'volumes', label: 'Volumes', hint: 'name:/path /host:/path:ro' },
  { key: 'workdir', label: 'Workdir', hint: '-w /path' },
  { key: 'user', label: 'User', hint: '-u name|uid[:group|gid]' },
  { key: 'labels', label: 'Labels', hint: 'k=v k2=v2' },
  { key: 'restart', label: 'Restart', hint: 'no, always, unless-stopped, on-failure[:N]' },
  { key: 'memory', label: 'Memory', hint: 'e.g. 256m' },
  { key: 'cpus', label: 'CPUs', hint: 'e.g. 0.5' },
  { key: 'rm', label: '--rm', hint: 'space toggles: removed when it exits', toggle: true },
  { key: 'it', label: '-it', hint: 'space toggles: a terminal; opens on its shell', toggle: true },
];

export function emptyRunFields(image = ''): RunFields {
  return Object.fromEntries(RUN_FIELDS.map((f) => [f.key, f.key === 'image' ? image : ''])) as RunFields;
}

/** Splits a command line into words: spaces separate, '…' and "…" group, \ escapes. */
export function splitWords(s: string, what = 'command'): string[] {
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
  if (quote) throw new Error(`${what}: unclosed ${quote}`);
  if (has || cur) out.push(cur);
  return out;
}

export function toCreateOptions(f: RunFields): CreateOptions {
  if (!f.image.trim()) throw new Error('image: required');
  const words = (k: RunKey): string[] => splitWords(f[k], k);
  const text = (k: RunKey): string | undefined => f[k].trim() || undefined;
  const ports = words('ports').flatMap((p) => parsePublish(p));
  const it = f.it === 'on';
  const opts: CreateOptions = {
    image: f.image.trim(),
    name: text('name'),
    cmd: f.command.trim() ? splitWords(f.command) : undefined,
    entrypoint: text('entrypoint'),
    // "K" alone takes berth's own value, or is left out when unset (the engine's mergeEnv, as -e K)
    env: words('env'),
    workingDir: text('workdir'),
    user: text('user'),
    labels: keyValues(words('labels')),
    mounts: words('volumes').map((v) => parseVolumeFlag(v)),
    restart: text('restart'),
    autoRemove: f.rm === 'on',
    tty: it,
    openStdin: it,
    network: { mode: text('network') ?? 'bridge', ...(ports.length ? { ports } : {}) },
  };
  const resources: NonNullable<CreateOptions['resources']> = {};
  if (f.memory.trim()) resources.memory = parseBytes(f.memory, '--memory');
  if (f.cpus.trim()) resources.nanoCpus = parseCpus(f.cpus);
  if (Object.keys(resources).length) opts.resources = resources;
  return opts;
}
