// Making a pulled image visible: the registry code downloads and unpacks
// everything into pending blobs and prepared layers (outside any lock, verified
// against their digests); this commits them under the images lock and writes the
// record — the same two-phase rule as import, so a failed pull changes nothing.
// Blobs are kept exactly as the registry sent them (compressed layers, the
// manifest's own bytes), so a later push re-sends the same digests.
import { BerthError } from '../errors.js';
import { withImagesLock } from '../store/tmp.js';
import type { Layout } from '../store/layout.js';
import type { BlobStore, PendingBlob } from './blobs.js';
import { sha256Digest } from './digest.js';
import type { LayerStore, PreparedLayer } from './layers.js';
import type { OciImageConfig } from './oci.js';
import { loadImages, saveImages, setTag, type ImageRecord } from './records.js';

export interface PulledImage {
  /** The image config's bytes as received; their digest is the image ID. */
  configBytes: Buffer;
  config: OciImageConfig;
  /** The platform manifest's bytes as received. */
  manifestBytes: Buffer;
  /** Compressed layer blobs downloaded (layers the store had are not here). */
  blobs: PendingBlob[];
  /** Every layer of the image, base first (present ones are no-op commits). */
  layers: PreparedLayer[];
  /** Normalised "domain/path:tag", when pulled by tag. */
  tag?: string;
  /** "domain/path@sha256:…" — the digest the user pulled (the index's, for a multi-platform image). */
  repoDigest: string;
}

export interface PullCommit {
  record: ImageRecord;
  /** False when the image was already in the store (only its names changed). */
  created: boolean;
  /** False when the tag and digest already pointed at this image: "Image is up to date". */
  changed: boolean;
}

export async function commitPulled(ctx: { layout: Layout; blobs: BlobStore; layers: LayerStore }, p: PulledImage): Promise<PullCommit> {
  return withImagesLock(ctx.layout, async () => {
    const images = loadImages(ctx.layout);
    const id = sha256Digest(p.configBytes);
    let record = images.find((i) => i.id === id);
    const created = record === undefined;
    if (!record) {
      // Base first; each directory is fsynced once after all its renames, before the record
      // that names them is written (an fsync each cost ~1-5 ms, more under writeback).
      for (const l of p.layers) await l.commit({ syncDir: false });
      ctx.layers.syncDir();
      for (const b of p.blobs) await b.commit({ syncDir: false });
      if (ctx.blobs.putBytes(p.configBytes, { syncDir: false }) !== id) throw new BerthError('INTERNAL', 'the config blob changed while being stored');
      const manifestDigest = ctx.blobs.putBytes(p.manifestBytes, { syncDir: false });
      ctx.blobs.syncDir();
      record = {
        id,
        repoTags: [],
        repoDigests: [],
        created: p.config.created ?? '', // unknown: shown as N/A, as docker does
        size: p.layers.reduce((n, l) => n + l.record.size, 0),
        layers: p.layers.map((l) => l.record.chainId),
        config: p.config.config ?? {},
        manifestDigest,
      };
      images.push(record);
    }
    // An image already here keeps its own manifest and blobs (the GC follows
    // record.manifestDigest); the downloaded copies are discarded by the caller.
    let changed = created;
    if (p.tag !== undefined && !record.repoTags.includes(p.tag)) {
      setTag(images, p.tag, id);
      changed = true;
    }
    if (!record.repoDigests.includes(p.repoDigest)) {
      for (const img of images) img.repoDigests = img.repoDigests.filter((d) => d !== p.repoDigest);
      record.repoDigests.push(p.repoDigest);
      changed = true;
    }
    if (changed) saveImages(ctx.layout, images);
    return { record, created, changed };
  });
}

/** Records "domain/path@digest" on an image after a push (docker's RepoDigests). */
export async function addRepoDigest(layout: Layout, id: string, repoDigest: string): Promise<void> {
  await withImagesLock(layout, () => {
    const images = loadImages(layout);
    const record = images.find((i) => i.id === id);
    if (!record || record.repoDigests.includes(repoDigest)) return;
    for (const img of images) img.repoDigests = img.repoDigests.filter((d) => d !== repoDigest);
    record.repoDigests.push(repoDigest);
    saveImages(layout, images);
  });
}
