// The build cache as `system df` and `builder prune` see it: the builder's
// intermediate images (records with a parent and no tag) and the bytes of the
// layers only they hold. Pruning removes every such image no container uses
// (each through the ordinary image removal, so layers a kept image shares stay)
// and the cache's entries.
import { rmSync } from 'node:fs';
import type { ImageRecord, ImageStore, RemoveOptions, RemoveResult } from '../image/index.js';
import type { Layout } from '../store/layout.js';
import { cacheDir } from './cache.js';

export interface CacheUsage {
  /** Intermediate images. */
  count: number;
  /** Bytes of layers no tagged image uses. */
  size: number;
}

export function isCacheImage(img: ImageRecord): boolean {
  return img.parent !== undefined && img.repoTags.length === 0 && img.repoDigests.length === 0;
}

export function cacheUsage(images: ImageStore, list: ImageRecord[]): CacheUsage {
  const cache = list.filter(isCacheImage);
  const kept = new Set(list.filter((i) => !isCacheImage(i)).flatMap((i) => i.layers));
  const only = new Set(cache.flatMap((i) => i.layers).filter((c) => !kept.has(c)));
  let size = 0;
  for (const c of only) size += images.layers.has(c) ? images.layers.get(c).size : 0;
  return { count: cache.length, size };
}

export async function pruneCache(
  layout: Layout, images: ImageStore, remove: (id: string, opts: RemoveOptions) => Promise<RemoveResult>, inUse: (id: string) => boolean,
): Promise<{ deleted: string[]; reclaimed: number }> {
  const list = await images.list();
  const before = cacheUsage(images, list);
  rmSync(cacheDir(layout), { recursive: true, force: true });
  const deleted: string[] = [];
  // children first: a parent's removal then finds no image built on it
  const victims = list.filter((i) => isCacheImage(i) && !inUse(i.id)).sort((a, b) => b.layers.length - a.layers.length);
  for (const img of victims) {
    try {
      await remove(img.id, { force: true, inUse: () => undefined });
      deleted.push(img.id);
    } catch { /* removed meanwhile */ }
  }
  const after = cacheUsage(images, await images.list());
  return { deleted, reclaimed: Math.max(0, before.size - after.size) };
}
