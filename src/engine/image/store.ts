// ImageStore: the image service the engine exposes. It composes the blob store,
// the layer store and the image records; each operation lives in its own file.
// Mutations run under layout.imagesLock; reads take no lock (images.json is
// replaced atomically).
import { withImagesLock } from '../store/tmp.js';
import type { Layout } from '../store/layout.js';
import { BlobStore } from './blobs.js';
import { importImage, type ImportOptions } from './import.js';
import { inspectImage } from './inspect.js';
import { LayerStore } from './layers.js';
import { findImage, loadImages, noSuchImage, saveImages, setTag, type ImageRecord } from './records.js';
import { formatReference, parseTagReference } from './reference.js';
import { removeImage, type RemoveOptions, type RemoveResult } from './remove.js';
import { saveArchive, type ArchiveFormat } from './archive-save.js';
import { loadArchive, type LoadedImage } from './archive-load.js';
import { imageHistory, type HistoryRow } from './history.js';
import { pruneImages, type PruneResult } from './prune.js';
import { registerImage, type NewImage } from './register.js';
import type { Writable } from 'node:stream';
import { compareText } from '../compare.js';
import { emitImageEvent } from '../events/index.js';
import { familiar } from './reference.js';

export class ImageStore {
  readonly blobs: BlobStore;
  readonly layers: LayerStore;

  /** `warn`: one-line warnings for the user (device nodes skipped in a layer). */
  constructor(private readonly layout: Layout, warn?: (message: string) => void) {
    this.blobs = new BlobStore(layout);
    this.layers = new LayerStore(layout, warn);
  }

  /** Every image, newest first. */
  async list(): Promise<ImageRecord[]> {
    return loadImages(this.layout).sort((a, b) => compareText(b.created, a.created));
  }

  /** name[:tag] (normalised), name@digest, full ID, "sha256:" ID, or a unique ID prefix. */
  async get(ref: string): Promise<ImageRecord> {
    const found = findImage(loadImages(this.layout), ref);
    if (!found) throw noSuchImage(ref);
    return found.image;
  }

  /** docker import: a one-layer image from a tar / tar.gz file, or '-' for stdin. */
  async import(source: string, ref?: string, opts: ImportOptions = {}): Promise<ImageRecord> {
    const img = await importImage({ layout: this.layout, blobs: this.blobs, layers: this.layers }, source, ref, opts);
    emitImageEvent(this.layout, 'import', img.id, img.id);
    if (ref !== undefined) emitImageEvent(this.layout, 'tag', img.id, familiar(ref));
    return img;
  }

  /** Points `target` at the image `source` names; the tag leaves any image that had it. */
  async tag(source: string, target: string): Promise<void> {
    const tag = formatReference(parseTagReference(target));
    const id = await withImagesLock(this.layout, () => {
      const images = loadImages(this.layout);
      const found = findImage(images, source);
      if (!found) throw noSuchImage(source);
      // already so (a rebuild's -t): no write, but the tag event as docker's
      if (found.image.repoTags.includes(tag)) return found.image.id;
      setTag(images, tag, found.image.id);
      saveImages(this.layout, images);
      return found.image.id;
    });
    emitImageEvent(this.layout, 'tag', id, familiar(tag));
  }

  async remove(ref: string, opts: RemoveOptions): Promise<RemoveResult> {
    let id = '';
    const result = await withImagesLock(this.layout, () => {
      id = findImage(loadImages(this.layout), ref)?.image.id ?? '';
      return removeImage({ layout: this.layout, blobs: this.blobs, layers: this.layers }, ref, opts);
    });
    // docker's daemon names the image by its ID in both (imageDelete's LogImageEvent)
    for (let i = 0; i < result.untagged.length; i++) emitImageEvent(this.layout, 'untag', id, id);
    if (result.deleted.length) emitImageEvent(this.layout, 'delete', id, id);
    return result;
  }

  /** Host paths of the image's layer diff/ dirs, top layer first (overlayfs lowerdir order). */
  layerDiffDirs(image: ImageRecord): string[] {
    return [...image.layers].reverse().map((chainId) => this.layers.diffDir(chainId));
  }

  /** docker history: the image's history entries, newest first. */
  async history(ref: string): Promise<HistoryRow[]> {
    return imageHistory(this.blobs, this.layers, await this.get(ref));
  }

  /** docker save: the images as a docker-archive or OCI layout tar written to `out` (not ended). */
  async save(refs: string[], format: ArchiveFormat, out: Writable): Promise<void> {
    await saveArchive({ layout: this.layout, blobs: this.blobs }, refs, format, out);
    const images = loadImages(this.layout);
    for (const ref of refs) {
      const id = findImage(images, ref)?.image.id;
      if (id) emitImageEvent(this.layout, 'save', id, id);
    }
  }

  /** docker load: every image of a docker-archive or OCI layout tar (file, or '-' for stdin). */
  async load(source: string): Promise<LoadedImage[]> {
    const loaded = await loadArchive({ layout: this.layout, blobs: this.blobs, layers: this.layers }, source);
    for (const l of loaded) emitImageEvent(this.layout, 'load', l.image.id, l.tags.length ? familiar(l.tags[0]) : l.image.id);
    return loaded;
  }

  /** image prune: dangling images, or with `all` every image no container uses. */
  async prune(opts: { all?: boolean; inUse: (imageId: string) => boolean }): Promise<PruneResult> {
    return pruneImages({ list: () => this.list(), remove: (ref, o) => this.remove(ref, o), layers: this.layers }, opts);
  }

  /** Adds an image whose new layers are pending blobs (container commit). */
  async add(image: NewImage): Promise<ImageRecord> {
    return registerImage({ layout: this.layout, blobs: this.blobs, layers: this.layers }, image);
  }

  async inspect(ref: string): Promise<object> {
    const image = await this.get(ref);
    return inspectImage(this.blobs, image, this.layerDiffDirs(image));
  }
}
