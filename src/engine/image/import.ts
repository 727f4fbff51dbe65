// `import` (docker import): a one-layer image from a root filesystem tar.
//
// 1. The input (file or stdin; tar or tar.gz) is streamed into a pending blob,
//    stored uncompressed: its digest is the layer's diffID.
// 2. The layer is unpacked from that blob into a temp dir (skipped when the store
//    already has the layer) — both outside the lock, as they take the time.
// 3. Under the images lock: the layer and the blobs (layer tar, OCI config,
//    OCI manifest) become visible, then images.json names the new image.
// Any failure before 3 leaves the store exactly as it was.
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { BerthError, invalid } from '../errors.js';
import { withLock } from '../store/lock.js';
import type { Layout } from '../store/layout.js';
import type { BlobStore } from './blobs.js';
import { applyChanges } from './changes.js';
import type { LayerStore } from './layers.js';
import { MEDIA_TYPE, hostArchitecture, jsonBytes, type OciImageConfig, type OciManifest } from './oci.js';
import { loadImages, saveImages, setTag, type ImageRecord } from './records.js';
import { formatReference, parseTagReference } from './reference.js';

export interface ImportOptions {
  /** Dockerfile instructions applied to the config (CMD, ENV, ...). */
  changes?: string[];
  /** The history comment (default "Imported from -", as docker writes it). */
  message?: string;
}

export interface ImportContext { layout: Layout; blobs: BlobStore; layers: LayerStore }

export async function importImage(ctx: ImportContext, source: string, ref: string | undefined, opts: ImportOptions = {}): Promise<ImageRecord> {
  // Everything the user typed is checked before a byte of input is read.
  const tag = ref !== undefined ? formatReference(parseTagReference(ref)) : undefined;
  const config = applyChanges({}, opts.changes ?? []);

  const blob = await ctx.blobs.ingest(openSource(source), { decompress: true });
  try {
    if (blob.size === 0) throw invalid('import: the input is empty (expected a tar archive)');
    const layer = await ctx.layers.prepare(null, blob.digest, () => blob.open(), {});
    try {
      const created = new Date().toISOString();
      const ociConfig: OciImageConfig = {
        created,
        architecture: hostArchitecture(),
        os: 'linux',
        config,
        rootfs: { type: 'layers', diff_ids: [blob.digest] },
        history: [{ created, comment: opts.message ?? 'Imported from -' }],
      };
      const configBytes = jsonBytes(ociConfig);
      return await withLock(ctx.layout.imagesLock, async () => {
        await layer.commit();
        await blob.commit();
        const id = ctx.blobs.putBytes(configBytes);
        const manifest: OciManifest = {
          schemaVersion: 2,
          mediaType: MEDIA_TYPE.manifest,
          config: { mediaType: MEDIA_TYPE.config, digest: id, size: configBytes.length },
          layers: [{ mediaType: MEDIA_TYPE.layerTar, digest: blob.digest, size: blob.size }],
        };
        const manifestDigest = ctx.blobs.putBytes(jsonBytes(manifest));
        const images = loadImages(ctx.layout);
        let record = images.find((i) => i.id === id);
        if (!record) {
          record = {
            id, repoTags: [], repoDigests: [], created, size: layer.record.size,
            layers: [layer.record.chainId], config, manifestDigest,
          };
          images.push(record);
        }
        if (tag !== undefined) setTag(images, tag, id);
        saveImages(ctx.layout, images);
        return record;
      });
    } finally {
      await layer.discard();
    }
  } finally {
    await blob.discard();
  }
}

function openSource(source: string): Readable {
  if (source === '-') {
    if (process.stdin.isTTY) throw invalid('import: refusing to read an image from a terminal: pipe a tar archive into it');
    return process.stdin;
  }
  let isFile: boolean;
  try {
    isFile = statSync(source).isFile();
  } catch (e) {
    throw new BerthError('INVALID_ARGUMENT', `import: cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  if (!isFile) throw invalid(`import: ${source} is not a regular file`);
  return createReadStream(source);
}
