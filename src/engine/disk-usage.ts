// `system df`: what images, containers and volumes take on disk, and how much of
// it nothing uses. Sizes of containers and volumes are walked now (du), so this
// is a deliberate, occasional call (the TUI's volume view refreshes on demand).
// It also sweeps the store's tmp/ (store/tmp.ts) and reports what running imports,
// pulls or exports still hold there: that cannot be removed yet.
import type { Layout } from './store/layout.js';
import { withLock } from './store/lock.js';
import { sweepTmp } from './store/tmp.js';
import type { ContainerService, ContainerSummary } from './container/index.js';
import type { ImageRecord, ImageStore } from './image/index.js';
import { directoryUsage, type VolumeStore, type VolumeUsage } from './volume/index.js';
import { cacheUsage, type CacheUsage } from './build/index.js';

export interface DiskUsage {
  images: { image: ImageRecord; containers: number }[];
  /** Bytes of unpacked layers, each counted once however many images share it; `reclaimable`:
   * those of layers no image in use by a container needs (what `image prune -a` frees). */
  imageLayers: { total: number; reclaimable: number };
  /** size: bytes written by the container (its overlay upper dir). */
  containers: { summary: ContainerSummary; size: number; volumes: number }[];
  volumes: VolumeUsage[];
  /** What live berth processes hold in the store's tmp/ (after removing what dead ones left). */
  temporary: { name: string; size: number }[];
  /** The builder's intermediate images and the bytes only they hold. */
  buildCache: CacheUsage;
}

export async function diskUsage(layout: Layout, containers: ContainerService, images: ImageStore, volumes: VolumeStore): Promise<DiskUsage> {
  const { inUse } = await withLock(layout.imagesLock, () => sweepTmp(layout));
  const all = containers.list({ all: true });
  const users = containers.volumeUsers();
  const perImage = new Map<string, number>();
  for (const c of all) perImage.set(c.imageId, (perImage.get(c.imageId) ?? 0) + 1);
  const imageList = await images.list();
  const layerSize = new Map<string, number>();
  for (const img of imageList) for (const c of img.layers) if (!layerSize.has(c)) layerSize.set(c, images.layers.has(c) ? images.layers.get(c).size : 0);
  const needed = new Set(imageList.filter((i) => perImage.has(i.id)).flatMap((i) => i.layers));
  let total = 0, reclaimable = 0;
  for (const [c, n] of layerSize) {
    total += n;
    if (!needed.has(c)) reclaimable += n;
  }
  return {
    imageLayers: { total, reclaimable },
    images: imageList.map((image) => ({ image, containers: perImage.get(image.id) ?? 0 })),
    containers: all.map((summary) => ({
      summary,
      size: directoryUsage(layout.container(summary.id).upper),
      volumes: [...users.values()].filter((ids) => ids.includes(summary.id)).length,
    })),
    volumes: volumes.report(() => users),
    temporary: inUse,
    buildCache: cacheUsage(images, imageList),
  };
}
