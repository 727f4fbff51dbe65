// Validation of the path names inside a layer tar. A name is accepted only in
// one clean form, relative to the layer root: no absolute names, no ".." or "."
// components, no empty components. The node-tar CVEs (2021-32803/32804/37701/
// 37712) were all names that meant something else once the filesystem read them,
// so anything unusual is refused rather than "fixed".
import { BerthError } from '../errors.js';

/** The error of one refused entry: `layer: <entry>: <why>` (one line, control characters escaped). */
export function layerError(entry: string, why: string): BerthError {
  return new BerthError('INVALID_ARGUMENT', `layer: ${printable(entry)}: ${why}`);
}

export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The entry's path relative to the layer root, components joined by "/"; "" is
 * the root itself ("./" or "."). One leading "./" is stripped (what `tar -C dir .`
 * writes) and trailing slashes of directories are dropped. Throws layerError.
 */
export function cleanEntryName(raw: string, what = 'name'): string {
  const fail = (why: string) => layerError(raw, why);
  if (raw === '') throw fail(`empty ${what}`);
  if (raw.includes('\0')) throw fail(`NUL byte in the ${what}`);
  if (raw.startsWith('/')) throw fail(`absolute ${what} (entries must be relative to the layer root)`);
  let name = raw.startsWith('./') ? raw.slice(2) : raw;
  name = name.replace(/\/+$/, '');
  if (name === '' || name === '.') return '';
  for (const c of name.split('/')) {
    if (c === '..') throw fail(`".." component in the ${what} (it would leave the layer)`);
    if (c === '.') throw fail(`"." component in the ${what}`);
    if (c === '') throw fail(`empty component ("//") in the ${what}`);
  }
  return name;
}

/** Parent of a clean relative path ("" for top-level names). */
export const parentOf = (rel: string): string => {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
};

export const baseOf = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1);
