// `rmi` (docker's imageDelete rules), run under the images lock:
// - by name (tag or name@digest): that reference is removed; the image goes
//   when no reference is left;
// - by ID: refused without force when the image is tagged in several
//   repositories; all its references go, then the image;
// - an image a container uses: refused without force; with force it is only
//   untagged and kept (dangling), because the container's overlay still reads
//   its layers.
// Deleting an image deletes the layers and blobs that no remaining image uses.
import { conflict } from '../errors.js';
import type { Layout } from '../store/layout.js';
import type { BlobStore } from './blobs.js';
import { shortId } from './digest.js';
import type { LayerStore } from './layers.js';
import type { OciManifest } from './oci.js';
import { findImage, loadImages, noSuchImage, saveImages, type ImageRecord } from './records.js';
import { parseReference, repoName } from './reference.js';

export interface RemoveOptions {
  force?: boolean;
  /** The ID of a container that uses the image, if any (asked under the images lock). */
  inUse: (imageId: string) => string | undefined;
}

export interface RemoveResult {
  /** Normalised references removed. */
  untagged: string[];
  /** The image ID, then the chain IDs of the layers deleted with it. */
  deleted: string[];
}

/** Call under layout.imagesLock. */
export async function removeImage(
  ctx: { layout: Layout; blobs: BlobStore; layers: LayerStore }, ref: string, opts: RemoveOptions,
): Promise<RemoveResult> {
  const images = loadImages(ctx.layout);
  const found = findImage(images, ref);
  if (!found) throw noSuchImage(ref);
  const img = found.image;
  const refs = [...img.repoTags, ...img.repoDigests];
  const inUse = opts.inUse(img.id);
  const untagged: string[] = [];

  if (found.by !== 'id') {
    const name = found.ref!;
    // docker: when a repository's last tag goes, its digest references (from a
    // pull or push) go with it — else `rmi repo:tag` would leave the image behind
    const repo = repoName(parseReference(name));
    const sameRepo = (r: string) => repoName(parseReference(r)) === repo;
    const drop = new Set([name]);
    if (found.by === 'tag' && !img.repoTags.some((t) => t !== name && sameRepo(t))) {
      for (const d of img.repoDigests) if (sameRepo(d)) drop.add(d);
    }
    const last = refs.every((r) => drop.has(r));
    if (last && inUse && !opts.force) {
      throw conflict(`conflict: unable to remove repository reference "${ref}" (must force) - container ${inUse.slice(0, 12)} is using its referenced image ${shortId(img.id)}`);
    }
    img.repoTags = img.repoTags.filter((t) => !drop.has(t));
    img.repoDigests = img.repoDigests.filter((d) => !drop.has(d));
    untagged.push(...drop);
    if (!last) {
      saveImages(ctx.layout, images);
      return { untagged, deleted: [] };
    }
  } else {
    if (!opts.force) {
      const repos = new Set(refs.map((r) => repoName(parseReference(r))));
      if (repos.size > 1) throw conflict(`conflict: unable to delete ${shortId(img.id)} (must be forced) - image is referenced in multiple repositories`);
      if (inUse) throw conflict(`conflict: unable to delete ${shortId(img.id)} (must be forced) - image is being used by container ${inUse.slice(0, 12)}`);
    }
    untagged.push(...refs);
    img.repoTags = [];
    img.repoDigests = [];
  }

  if (inUse) {
    saveImages(ctx.layout, images);
    return { untagged, deleted: [] };
  }
  const ownBlobs = await blobsOf(ctx, img);
  const rest = images.filter((i) => i !== img);
  // The record goes first: a crash after it leaves only unreferenced files behind, never a record without its files.
  saveImages(ctx.layout, rest);
  return { untagged, deleted: [img.id, ...(await collect(ctx, img, ownBlobs, rest))] };
}

/** Deletes the layers and blobs of `gone` that no image in `rest` uses; returns the deleted chain IDs, top first. */
async function collect(
  ctx: { blobs: BlobStore; layers: LayerStore }, gone: ImageRecord, goneBlobs: string[], rest: ImageRecord[],
): Promise<string[]> {
  const usedLayers = new Set(rest.flatMap((i) => i.layers));
  const usedBlobs = new Set((await Promise.all(rest.map((i) => blobsOf(ctx, i)))).flat());
  const deleted: string[] = [];
  for (const chainId of [...gone.layers].reverse()) {
    if (usedLayers.has(chainId)) continue;
    await ctx.layers.remove(chainId);
    deleted.push(chainId);
  }
  for (const digest of goneBlobs) {
    if (!usedBlobs.has(digest)) await ctx.blobs.remove(digest);
  }
  return deleted;
}

/** The blobs an image references: config, manifest, and the manifest's layers. */
async function blobsOf(ctx: { blobs: BlobStore; layers: LayerStore }, img: ImageRecord): Promise<string[]> {
  const out = [img.id, img.manifestDigest];
  try {
    const manifest = await ctx.blobs.readJson<OciManifest>(img.manifestDigest);
    out.push(...manifest.layers.map((l) => l.digest));
  } catch {
    // An unreadable manifest: fall back to the layers' diffIDs (the uncompressed tars berth stores).
    for (const chainId of img.layers) {
      try { out.push(ctx.layers.get(chainId).diffId); } catch { /* the layer record is gone too */ }
    }
  }
  return out;
}
