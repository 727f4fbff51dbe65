// A build step's result as an image: the parent's layers plus the step's
// layer (an upper directory packed as commit packs a container's), the
// config as the stage has it now, and the history entries the step and the
// config-only instructions before it add. The image is the builder's
// intermediate image (its record names its parent), which the cache points at.
import type { Readable } from 'node:stream';
import {
  jsonBytes, ociLayerDescriptors, type HistoryEntry, type ImageRecord, type ImageStore, type OciImageConfig,
} from '../image/index.js';
import { packUpper } from '../container/index.js';

export interface Snapshot {
  image: ImageRecord;
  oci: OciImageConfig;
}

/** `known`: records already read (a miss there is looked up in the store). */
export async function loadSnapshot(images: ImageStore, id: string, known?: Map<string, ImageRecord>): Promise<Snapshot> {
  const image = known?.get(id) ?? await images.get(id);
  const oci = JSON.parse((await images.blobs.read(image.id)).toString('utf8')) as OciImageConfig;
  return { image, oci };
}

/**
 * Registers `oci` (its config as the stage now has it) over `parent`, with the
 * layer packed from `upper` when given; `history` entries are appended, the
 * one with `layer: true` marks the step that made the layer.
 */
export async function commitStep(
  images: ImageStore, parent: ImageRecord | undefined, oci: OciImageConfig,
  history: HistoryEntry[], layerFrom?: { upper: string; lowerDirs: string[] },
): Promise<Snapshot> {
  const created = new Date().toISOString();
  let layer;
  if (layerFrom) {
    const packed = packUpper(layerFrom.upper, layerFrom.lowerDirs);
    const ingesting = images.blobs.ingest(packed.tar as Readable);
    [layer] = await Promise.all([ingesting, packed.done]).catch(async (e: unknown) => {
      await ingesting.then((b) => b.discard(), () => undefined);
      throw e;
    });
  }
  const next: OciImageConfig = {
    ...oci,
    created,
    rootfs: { type: 'layers', diff_ids: [...oci.rootfs.diff_ids, ...(layer ? [layer.digest] : [])] },
    history: [...(oci.history ?? []), ...history.map((h) => ({ created, ...h }))],
  };
  const image = await images.add({
    configBytes: jsonBytes(next),
    base: parent?.layers.length ? parent.layers[parent.layers.length - 1] : null,
    baseLayers: parent?.layers ?? [],
    baseDescriptors: parent ? await ociLayerDescriptors(images.blobs, parent) : [],
    layers: layer ? [layer] : [],
    tags: [],
    ...(parent ? { parent: parent.id } : {}),
  });
  return { image, oci: next };
}
