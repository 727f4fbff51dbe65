// `images` selection as docker's daemon makes it: dangling= (no tag),
// reference= (docker's FamiliarMatch: a path.Match glob against "name:tag",
// else against "name"; it keeps only the matching tags of an image), label=,
// before=/since= (created before / after another image), until= (created
// before a time or a duration ago). Pure: the lookup of before/since images is passed in.
import { boolFilter, matchLabels, untilTime, type Filters } from '../filters.js';
import type { ImageRecord } from './records.js';
import { familiarName, parseReference } from './reference.js';

export const IMAGE_FILTERS = ['before', 'dangling', 'label', 'reference', 'since', 'until'] as const;

export interface ImageQuery {
  filters: Filters;
  /** before= / since=: the referenced image (NOT_FOUND when there is none) */
  lookup: (ref: string) => ImageRecord;
  now?: number;
}

export function filterImages(images: ImageRecord[], q: ImageQuery): ImageRecord[] {
  const f = q.filters;
  const dangling = boolFilter(f, 'dangling');
  const time = (img: ImageRecord) => Date.parse(img.created) || 0;
  const before = f.get('before')?.map((r) => time(q.lookup(r)));
  const since = f.get('since')?.map((r) => time(q.lookup(r)));
  const until = f.get('until')?.map((v) => untilTime(v, q.now ?? Date.now()));
  const refs = f.get('reference');
  const out: ImageRecord[] = [];
  for (const img of images) {
    if (dangling !== undefined && (img.repoTags.length === 0) !== dangling) continue;
    if (!matchLabels(f.get('label'), img.config.Labels)) continue;
    if (before && !before.some((t) => time(img) < t)) continue;
    if (since && !since.some((t) => time(img) > t)) continue;
    if (until && !until.some((t) => time(img) < t)) continue;
    if (refs) {
      const tags = img.repoTags.filter((t) => refs.some((p) => referenceMatcher(p)(t)));
      if (!tags.length) continue;
      out.push({ ...img, repoTags: tags, repoDigests: img.repoDigests.filter((d) => refs.some((p) => referenceMatcher(p)(d))) });
      continue;
    }
    out.push(img);
  }
  return out;
}

/** reference=PATTERN against one stored reference ("docker.io/library/bb:latest"). */
export function referenceMatcher(pattern: string): (ref: string) => boolean {
  const glob = globRegExp(pattern);
  // a plain reference may also be spelled in full ("docker.io/library/bb")
  let full: { name: string; tag?: string } | undefined;
  if (!/[*?[]/.test(pattern)) {
    try {
      const p = parseReference(pattern);
      full = { name: familiarName(p), tag: /:[^/]*$/.test(pattern) ? p.tag : undefined };
    } catch { /* not a reference: only the glob can match */ }
  }
  return (ref) => {
    const r = parseReference(ref);
    const name = familiarName(r);
    if ((r.tag !== undefined && glob.test(`${name}:${r.tag}`)) || glob.test(name)) return true;
    return full !== undefined && full.name === name && (full.tag === undefined || full.tag === r.tag);
  };
}

/** Go's path.Match as a RegExp: * and ? stop at '/', [...] classes kept. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

