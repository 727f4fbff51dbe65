// `import` (docker import): a one-layer image from a root filesystem tar.
//
// 1. The input (file or stdin; tar or tar.gz) is read once: its bytes go as they are
//    into a pending blob (a gzip stays a gzip, as a pulled layer's blob does: the
//    manifest says which) and, decompressed, into the unpacker, which makes the layer
//    in a temp dir and hashes the diffID. Nothing is written twice, and the disk
//    holds the input and the files, never a decompressed copy besides them. Both
//    run outside the lock, as they take the time.
// 2. Under the images lock: the layer (unless the store had it already) and the
//    blobs (layer, OCI config, OCI manifest) become visible, then images.json names
//    the new image.
// Any failure before 2 leaves the store exactly as it was.
import { createReadStream, statSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { BerthError, invalid } from '../errors.js';
import { withImagesLock } from '../store/tmp.js';
import type { Layout } from '../store/layout.js';
import type { BlobStore, PendingBlob } from './blobs.js';
import { detectCompression } from './compress.js';
import { applyChanges } from './changes.js';
import type { LayerStore, PreparedLayer } from './layers.js';
import { MEDIA_TYPE, hostArchitecture, jsonBytes, type OciImageConfig, type OciManifest } from './oci.js';
import { loadImages, saveImages, setTag, type ImageRecord } from './records.js';
import { formatReference, parseTagReference } from './reference.js';

const PIECE = 1024 * 1024;

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

  const { blob, layer, head } = await readOnce(ctx, openSource(source));
  try {
    const diffId = layer.record.diffId;
    try {
      const created = new Date().toISOString();
      const ociConfig: OciImageConfig = {
        created,
        architecture: hostArchitecture(),
        os: 'linux',
        config,
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created, comment: opts.message ?? 'Imported from -' }],
      };
      const configBytes = jsonBytes(ociConfig);
      return await withImagesLock(ctx.layout, async () => {
        await layer.commit();
        await blob.commit();
        const id = ctx.blobs.putBytes(configBytes);
        const manifest: OciManifest = {
          schemaVersion: 2,
          mediaType: MEDIA_TYPE.manifest,
          config: { mediaType: MEDIA_TYPE.config, digest: id, size: configBytes.length },
          layers: [{ mediaType: detectCompression(head) === 'gzip' ? MEDIA_TYPE.layerGzip : MEDIA_TYPE.layerTar, digest: blob.digest, size: blob.size }],
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

/** The input into a pending blob and an unpacked layer at once (see 1. above); `head`: its first bytes. */
async function readOnce(ctx: ImportContext, input: Readable): Promise<{ blob: PendingBlob; layer: PreparedLayer; head: Buffer }> {
  // pieces as large as a pull's (fetch-layer.ts): each costs a hash, a parse and a write
  const toBlob = new PassThrough({ highWaterMark: PIECE });
  const toLayer = new PassThrough({ highWaterMark: PIECE });
  let head = Buffer.alloc(0);
  input.on('data', (c: Buffer) => { if (head.length < 8) head = Buffer.concat([head, c]).subarray(0, 8); });
  input.pipe(toBlob);
  input.pipe(toLayer); // pipe waits for the slower of the two: nothing piles up in memory
  input.on('error', (e) => { toBlob.destroy(e); toLayer.destroy(e); });
  // The first side to fail stops the other: its error is the one that says why.
  let first: unknown;
  const stop = (e: unknown) => {
    first ??= e;
    input.unpipe();
    input.destroy();
    toBlob.destroy();
    toLayer.destroy();
    throw e;
  };
  const [blob, layer] = await Promise.allSettled([
    ctx.blobs.ingest(toBlob).catch(stop),
    ctx.layers.prepareUnknown(toLayer, { uncompressed: false }).catch(stop),
  ]);
  const empty = blob.status === 'fulfilled' && blob.value.size === 0;
  if (blob.status === 'fulfilled' && layer.status === 'fulfilled' && !empty) return { blob: blob.value, layer: layer.value, head };
  if (blob.status === 'fulfilled') await blob.value.discard();
  if (layer.status === 'fulfilled') await layer.value.discard();
  throw empty ? invalid('import: the input is empty (expected a tar archive)') : first;
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
  return createReadStream(source, { highWaterMark: PIECE });
}
