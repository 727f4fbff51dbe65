// docker's mount syntaxes -> MountRequest (no file system access here):
//   -v [SRC:]DST[:MODE]     SRC absolute = bind, else a volume name; no SRC = anonymous volume
//   --mount type=volume|bind|tmpfs,source=…,target=…,readonly,…
//   --tmpfs DST[:OPTIONS]
import { posix } from 'node:path';
import { invalid } from '../errors.js';
import { checkVolumeName } from './names.js';

/** A mount as the user asked for it; create resolves it to a MountSpec. */
export interface MountRequest {
  type: 'volume' | 'bind' | 'tmpfs';
  /** bind: absolute host path; volume: name ("" = a new anonymous volume); tmpfs: "". */
  source: string;
  target: string;
  readonly: boolean;
  options: string[];
  /** bind from -v (not --mount): a missing host directory is created at start, as docker does. */
  createSource?: boolean;
}

/** A container path for a mount: absolute, normalised, not "/". */
export function checkTarget(target: string, spec: string): string {
  if (!target.startsWith('/')) throw invalid(`invalid mount config: the mount destination "${target}" is not an absolute path (in "${spec}")`);
  const clean = posix.normalize(target).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw invalid(`invalid mount config: the destination cannot be "/" (in "${spec}")`);
  return clean;
}

/** `-v` / `--volume`. */
export function parseVolumeFlag(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.some((p) => p === '') || parts.length > 3) throw invalid(`invalid volume specification: "${spec}"`);
  if (parts.length === 1) return { type: 'volume', source: '', target: checkTarget(parts[0], spec), readonly: false, options: [] };
  const [src, dst, mode = ''] = parts;
  let readonly = false;
  const options: string[] = [];
  for (const m of mode ? mode.split(',') : []) {
    if (m === 'ro') readonly = true;
    else if (m === 'rw') readonly = false;
    else if (m === 'nocopy') options.push('nocopy');
    else throw invalid(`invalid mode "${m}" in volume specification "${spec}": berth knows ro, rw and nocopy`);
  }
  const target = checkTarget(dst, spec);
  if (src.startsWith('/')) {
    if (options.length) throw invalid(`invalid volume specification "${spec}": nocopy applies to volumes, not bind mounts`);
    return { type: 'bind', source: posix.normalize(src), target, readonly, options, createSource: true };
  }
  return { type: 'volume', source: checkVolumeName(src), target, readonly, options };
}

const TRUE = new Set(['', 'true', '1']);
const FALSE = new Set(['false', '0']);
const flagValue = (key: string, v: string | undefined, spec: string): boolean => {
  if (v === undefined || TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw invalid(`invalid value "${v}" for ${key} in --mount "${spec}": use true or false`);
};

/** `--mount` (comma-separated key=value fields, docker's keys). */
export function parseMountFlag(spec: string): MountRequest {
  let type = 'volume', source = '', target = '', readonly = false;
  const options: string[] = [];
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    switch (key) {
      case 'type': type = value ?? ''; break;
      case 'source': case 'src': source = value ?? ''; break;
      case 'target': case 'destination': case 'dst': target = value ?? ''; break;
      case 'readonly': case 'ro': readonly = flagValue(key, value, spec); break;
      case 'volume-nocopy': if (flagValue(key, value, spec)) options.push('nocopy'); break;
      case 'tmpfs-size': options.push(`size=${value ?? ''}`); break;
      case 'tmpfs-mode': options.push(`mode=${value ?? ''}`); break;
      default: throw invalid(`unexpected key "${key}" in --mount "${spec}": berth knows type, source, target, readonly, volume-nocopy, tmpfs-size, tmpfs-mode`);
    }
  }
  if (!target) throw invalid(`invalid mount config: --mount "${spec}" needs a target`);
  const dst = checkTarget(target, spec);
  switch (type) {
    case 'bind':
      if (!source) throw invalid(`invalid mount config for type "bind": field Source must not be empty (in "${spec}")`);
      if (!source.startsWith('/')) throw invalid(`invalid mount config for type "bind": the source "${source}" is not an absolute path`);
      return { type, source: posix.normalize(source), target: dst, readonly, options: [] };
    case 'volume':
      return { type, source: source ? checkVolumeName(source) : '', target: dst, readonly, options: options.filter((o) => o === 'nocopy') };
    case 'tmpfs':
      if (source) throw invalid(`invalid mount config for type "tmpfs": a tmpfs has no source (in "${spec}")`);
      return { type, source: '', target: dst, readonly, options: checkTmpfsOptions(options, spec) };
    default:
      throw invalid(`invalid mount type "${type}" in --mount "${spec}": use volume, bind or tmpfs`);
  }
}

/** `--tmpfs DST[:OPTIONS]`. */
export function parseTmpfsFlag(spec: string): MountRequest {
  const colon = spec.indexOf(':');
  const target = checkTarget(colon < 0 ? spec : spec.slice(0, colon), spec);
  const opts = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter(Boolean);
  const readonly = opts.includes('ro');
  return { type: 'tmpfs', source: '', target, readonly, options: checkTmpfsOptions(opts.filter((o) => o !== 'ro' && o !== 'rw'), spec) };
}

/** Flags turned into mount(2) flags by the runtime; the rest are tmpfs's own data options. */
export const TMPFS_FLAG_OPTIONS = new Set(['exec', 'noexec', 'suid', 'nosuid', 'dev', 'nodev', 'atime', 'noatime']);
const TMPFS_DATA_KEYS = new Set(['size', 'mode', 'nr_inodes', 'nr_blocks', 'uid', 'gid']);

function checkTmpfsOptions(opts: string[], spec: string): string[] {
  for (const o of opts) {
    const [k, v] = o.split('=', 2);
    if (TMPFS_FLAG_OPTIONS.has(o)) continue;
    if (!TMPFS_DATA_KEYS.has(k) || v === undefined || !/^[0-9a-zA-Z%]+$/.test(v)) {
      throw invalid(`invalid tmpfs option "${o}" in "${spec}": berth knows size=, mode=, nr_inodes=, uid=, gid=, ro, exec, suid, dev, atime and their no- forms`);
    }
  }
  return opts;
}
