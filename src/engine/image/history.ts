// `history`: one row per history entry of the image config, newest first, each
// entry that made a layer paired with that layer's size (docker's rules: only
// the top row carries the image ID, older ones are "<missing>" because berth,
// like docker after v1.10, keeps no intermediate images).
import type { BlobStore } from './blobs.js';
import type { LayerStore } from './layers.js';
import type { HistoryEntry, OciImageConfig } from './oci.js';
import type { ImageRecord } from './records.js';

export interface HistoryRow {
  /** The image ID on the top row, "<missing>" below it. */
  id: string;
  created: string;
  createdBy: string;
  /** Bytes of the layer this entry made; 0 for config-only entries. */
  size: number;
  comment: string;
}

export async function imageHistory(blobs: BlobStore, layers: LayerStore, img: ImageRecord): Promise<HistoryRow[]> {
  const oci = await blobs.readJson<OciImageConfig>(img.id);
  const sizes = img.layers.map((chainId) => layers.get(chainId).size);
  // An image without history (some tools omit it) still has its layers to show.
  const entries: HistoryEntry[] = oci.history?.length ? oci.history : sizes.map(() => ({ created: oci.created }));
  let layer = 0;
  const rows = entries.map((h) => {
    const size = h.empty_layer ? 0 : sizes[layer++] ?? 0;
    return { id: '<missing>', created: h.created ?? '', createdBy: h.created_by ?? '', size, comment: h.comment ?? '' };
  });
  rows.reverse();
  if (rows.length) rows[0].id = img.id;
  return rows;
}
