// Image records: images/images.json, the one index of which images exist and
// which names point at them. Written whole (writeJson: temp + fsync + rename)
// under layout.imagesLock; readers take no lock and always see a complete file.
import { invalid, notFound, type BerthError } from '../errors.js';
import { readJson, writeJson } from '../store/atomic.js';
import type { Layout } from '../store/layout.js';
import type { ImageConfig } from './oci.js';
import { familiar, formatReference, parseReference, repoName, type Reference } from './reference.js';

export interface ImageRecord {
  /** "sha256:<hex of the config blob>". */
  id: string;
  /** Normalised full references: "docker.io/library/bb:latest". */
  repoTags: string[];
  /** "docker.io/library/bb@sha256:<manifest digest>" for images that came from a registry. */
  repoDigests: string[];
  /** The config's `created` (RFC 3339); "" when the image does not say. */
  created: string;
  /** Bytes unpacked (sum of the layers' sizes). */
  size: number;
  /** Chain IDs "sha256:…", base layer first. */
  layers: string[];
  config: ImageConfig;
  manifestDigest: string;
  /** The image a build step made this one from (docker's Parent): the builder's intermediate images. */
  parent?: string;
}

interface ImagesFile {
  version: 1;
  images: ImageRecord[];
}

export function loadImages(layout: Layout): ImageRecord[] {
  return readJson<ImagesFile>(layout.imagesIndex)?.images ?? [];
}

/** Call under layout.imagesLock. */
export function saveImages(layout: Layout, images: ImageRecord[]): void {
  const file: ImagesFile = { version: 1, images };
  writeJson(layout.imagesIndex, file);
}

export interface Found {
  image: ImageRecord;
  /** How the reference matched: remove() untags a name but deletes by ID. */
  by: 'id' | 'tag' | 'digest';
  /** The normalised tag or digest reference that matched (by tag/digest). */
  ref?: string;
}

/**
 * docker's lookup order: a full ID; then a name (normalised, "bb" = bb:latest) or
 * a name@digest; then a unique ID prefix of any length, with or without "sha256:".
 * undefined when nothing matches; INVALID_ARGUMENT for an ambiguous prefix or a
 * reference that is neither a valid name nor hex.
 */
export function findImage(images: ImageRecord[], ref: string): Found | undefined {
  const full = /^(?:sha256:)?([a-f0-9]{64})$/.exec(ref);
  if (full) {
    const image = images.find((i) => i.id === `sha256:${full[1]}`);
    return image && { image, by: 'id' };
  }
  let parsed: Reference | undefined;
  let parseError: unknown;
  try {
    parsed = parseReference(ref);
  } catch (e) {
    parseError = e;
  }
  if (parsed) {
    if (parsed.digest !== undefined) {
      const name = `${repoName(parsed)}@${parsed.digest}`;
      const image = images.find((i) => i.repoDigests.includes(name));
      if (image) return { image, by: 'digest', ref: name };
    } else {
      const name = formatReference(parsed);
      const image = images.find((i) => i.repoTags.includes(name));
      if (image) return { image, by: 'tag', ref: name };
    }
  }
  const prefix = /^(?:sha256:)?([a-f0-9]+)$/.exec(ref);
  if (prefix) {
    const hits = images.filter((i) => i.id.startsWith(`sha256:${prefix[1]}`));
    if (hits.length > 1) throw invalid(`ambiguous image ID prefix "${ref}": it matches ${hits.length} images`);
    if (hits.length === 1) return { image: hits[0], by: 'id' };
  }
  if (parsed === undefined) throw parseError;
  return undefined;
}

/** Points `tag` (normalised) at image `id`, taking it from any image that had it (which may become dangling). */
export function setTag(images: ImageRecord[], tag: string, id: string): void {
  for (const img of images) img.repoTags = img.repoTags.filter((t) => t !== tag);
  const target = images.find((i) => i.id === id);
  if (!target) throw new Error(`setTag: no image ${id}`);
  target.repoTags.push(tag);
}

/** docker's "No such image: bb:latest": a name is shown with its tag, an ID or a digest reference as typed. */
export function noSuchImage(ref: string): BerthError {
  let shown = ref;
  try {
    const r = parseReference(ref);
    if (r.digest === undefined) shown = familiar(r);
  } catch { /* not a name: shown as typed */ }
  return notFound('image', shown);
}
