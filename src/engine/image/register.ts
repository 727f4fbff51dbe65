// Adding an image whose layers arrive as tar streams (load, commit): the layers
// are unpacked one after the other on top of `base` and made visible as they
// go — the layer store needs a layer's parent present before it unpacks the
// next one — then the blobs and the record are written under the images lock.
// If anything fails, the layers this call added and no image uses are deleted
// again, so a refused archive or a failed commit leaves the store as it was.
import { BerthError } from '../errors.js';
import { withImagesLock } from '../store/tmp.js';
import type { Layout } from '../store/layout.js';
import type { BlobStore, PendingBlob } from './blobs.js';
import type { LayerRecord, LayerStore } from './layers.js';
import { MEDIA_TYPE, jsonBytes, type Descriptor, type OciImageConfig, type OciManifest } from './oci.js';
import { loadImages, saveImages, setTag, type ImageRecord } from './records.js';

export interface StoreContext { layout: Layout; blobs: BlobStore; layers: LayerStore }

/** A layer as an uncompressed tar, already verified and held as a pending blob (digest = diffID). */
export type LayerBlob = PendingBlob;

export interface NewImage {
  /** The exact config bytes: their sha256 is the image ID (kept byte for byte, so a save/load round trip keeps it). */
  configBytes: Buffer;
  /** Chain ID of the layer the new layers go on (commit), or null. */
  base: string | null;
  /** Chain IDs of the base stack (kept in the record below the new layers). */
  baseLayers: string[];
  /** The base stack's layer descriptors (its manifest's): the new manifest lists them below the new layers. */
  baseDescriptors: Descriptor[];
  layers: LayerBlob[];
  /** Normalised tags to point at the image. */
  tags: string[];
  /** The image this one was built from, by a build step (ImageRecord.parent). */
  parent?: string;
}

/** Unpacks, verifies and records the image; discards the pending blobs whatever happens. */
export async function registerImage(ctx: StoreContext, img: NewImage): Promise<ImageRecord> {
  const oci = JSON.parse(img.configBytes.toString('utf8')) as OciImageConfig;
  const added: string[] = [];
  try {
    const records: LayerRecord[] = [];
    let parent = img.base;
    for (const blob of img.layers) {
      const prepared = await ctx.layers.prepare(parent, blob.digest, () => blob.open());
      try {
        await withImagesLock(ctx.layout, async () => {
          if (!ctx.layers.has(prepared.record.chainId)) added.push(prepared.record.chainId);
          await prepared.commit();
        });
      } finally {
        await prepared.discard();
      }
      records.push(prepared.record);
      parent = prepared.record.chainId;
    }
    return await withImagesLock(ctx.layout, async () => {
      const chain = [...img.baseLayers, ...records.map((r) => r.chainId)];
      // a concurrent rmi may have collected a shared layer since it was checked
      const missing = chain.find((c) => !ctx.layers.has(c));
      if (missing) throw new BerthError('CONFLICT', `layer ${missing} was removed while the image was being added: try again`);
      // one fsync of the blobs directory for the layers, config and manifest, before images.json names them
      for (const blob of img.layers) await blob.commit({ syncDir: false });
      const id = ctx.blobs.putBytes(img.configBytes, { syncDir: false });
      const manifest: OciManifest = {
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.manifest,
        config: { mediaType: MEDIA_TYPE.config, digest: id, size: img.configBytes.length },
        layers: [
          ...img.baseDescriptors,
          ...img.layers.map((b) => ({ mediaType: MEDIA_TYPE.layerTar, digest: b.digest, size: b.size })),
        ],
      };
      const manifestDigest = ctx.blobs.putBytes(jsonBytes(manifest), { syncDir: false });
      ctx.blobs.syncDir();
      const images = loadImages(ctx.layout);
      let record = images.find((i) => i.id === id);
      if (!record) {
        const size = chain.reduce((n, c) => n + ctx.layers.get(c).size, 0);
        record = {
          id, repoTags: [], repoDigests: [], created: oci.created ?? '', size, // unknown: shown as N/A
          layers: chain, config: oci.config ?? {}, manifestDigest,
          ...(img.parent ? { parent: img.parent } : {}),
        };
        images.push(record);
      }
      for (const tag of img.tags) setTag(images, tag, id);
      saveImages(ctx.layout, images);
      added.length = 0; // the record now owns them
      return record;
    });
  } catch (e) {
    await dropUnused(ctx, added);
    throw e;
  } finally {
    for (const blob of img.layers) await blob.discard();
  }
}

/** Deletes layers this call made visible that no image record uses (top first). */
async function dropUnused(ctx: StoreContext, added: string[]): Promise<void> {
  if (added.length === 0) return;
  await withImagesLock(ctx.layout, async () => {
    const used = new Set(loadImages(ctx.layout).flatMap((i) => i.layers));
    for (const chainId of [...added].reverse()) if (!used.has(chainId)) await ctx.layers.remove(chainId);
  });
}
