// `commit`: a container's changes as a new image — the image it was created
// from plus one layer (its overlay upper directory, see layer-tar.ts), with the
// parent's config changed by --change, and a history entry (created_by = the
// container's command, as docker records it; comment = -m; author = -a).
// The container keeps running (docker pauses it by default; berth does not,
// so a file written during the commit may be caught half-written).
import { BerthError } from '../errors.js';
import type { Layout } from '../store/layout.js';
import {
  applyChanges, formatReference, jsonBytes, ociLayerDescriptors, parseTagReference,
  type HistoryEntry, type ImageRecord, type ImageStore, type OciImageConfig,
} from '../image/index.js';
import { packUpper } from './layer-tar.js';
import type { ContainerRecord } from './types.js';

export interface CommitOptions {
  /** REPOSITORY[:TAG] for the new image. */
  reference?: string;
  /** Dockerfile instructions applied to the config (CMD, ENV, ...). */
  changes?: string[];
  message?: string;
  author?: string;
}

export async function commitContainer(layout: Layout, images: ImageStore, rec: ContainerRecord, opts: CommitOptions): Promise<ImageRecord> {
  // everything the user typed is checked before the layer is packed
  const tag = opts.reference !== undefined ? formatReference(parseTagReference(opts.reference)) : undefined;
  const parent = await images.get(rec.config.imageId).catch(() => {
    throw new BerthError('NOT_FOUND', `container ${rec.name}: its image ${rec.config.imageId} is no longer in the store`);
  });
  const parentOci = JSON.parse((await images.blobs.read(parent.id)).toString('utf8')) as OciImageConfig;
  const config = applyChanges(parentOci.config ?? {}, opts.changes ?? []);
  const baseDescriptors = await ociLayerDescriptors(images.blobs, parent);

  const layer = packUpper(layout.container(rec.id).upper, rec.lowerDirs);
  const ingesting = images.blobs.ingest(layer.tar);
  const [blob] = await Promise.all([ingesting, layer.done]).catch(async (e: unknown) => {
    await ingesting.then((b) => b.discard(), () => undefined);
    throw e;
  });

  const created = new Date().toISOString();
  const entry: HistoryEntry = { created, created_by: [...rec.config.entrypoint, ...rec.config.cmd].join(' ') };
  if (opts.author) entry.author = opts.author;
  if (opts.message) entry.comment = opts.message;
  const oci: OciImageConfig = {
    created,
    ...(opts.author ? { author: opts.author } : {}),
    architecture: parentOci.architecture,
    os: parentOci.os,
    ...(parentOci.variant ? { variant: parentOci.variant } : {}),
    config,
    rootfs: { type: 'layers', diff_ids: [...parentOci.rootfs.diff_ids, blob.digest] },
    history: [...(parentOci.history ?? []), entry],
  };
  return images.add({
    configBytes: jsonBytes(oci),
    base: parent.layers.length ? parent.layers[parent.layers.length - 1] : null,
    baseLayers: parent.layers,
    baseDescriptors,
    layers: [blob],
    tags: tag !== undefined ? [tag] : [],
  });
}
