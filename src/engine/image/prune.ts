// `image prune`: removes dangling images (no tag), or with `all` every image
// no container uses. Each image goes through the ordinary remove (by ID, forced
// past "tagged in several repositories"), so layers shared with kept images stay.
import { BerthError } from '../errors.js';
import type { ImageRecord } from './records.js';
import type { LayerStore } from './layers.js';
import type { RemoveOptions, RemoveResult } from './remove.js';

export interface PruneResult {
  /** What each removal did, in order: untagged references, then deleted IDs. */
  removed: RemoveResult[];
  /** Bytes of the layers deleted (docker's "Total reclaimed space"). */
  reclaimed: number;
}

export interface PruneContext {
  list(): Promise<ImageRecord[]>;
  remove(ref: string, opts: RemoveOptions): Promise<RemoveResult>;
  layers: LayerStore;
}

class InUse extends Error {}

export async function pruneImages(ctx: PruneContext, opts: { all?: boolean; inUse: (id: string) => boolean }): Promise<PruneResult> {
  const images = await ctx.list();
  const victims = images.filter((i) => !opts.inUse(i.id) && (opts.all || i.repoTags.length === 0));
  // sizes before anything goes: a deleted layer's record is gone afterwards
  const sizes = new Map<string, number>();
  for (const img of victims) for (const chainId of img.layers) sizes.set(chainId, ctx.layers.has(chainId) ? ctx.layers.get(chainId).size : 0);
  const removed: RemoveResult[] = [];
  let reclaimed = 0;
  for (const img of victims) {
    // asked again under the lock: an image a container started using meanwhile is skipped, not untagged
    let r: RemoveResult;
    try {
      r = await ctx.remove(img.id, { force: true, inUse: (id) => { if (opts.inUse(id)) throw new InUse(); return undefined; } });
    } catch (e) {
      if (e instanceof InUse || (e instanceof BerthError && e.code === 'NOT_FOUND')) continue; // in use, or removed meanwhile
      throw e;
    }
    removed.push(r);
    for (const chainId of r.deleted.slice(1)) reclaimed += sizes.get(chainId) ?? 0;
  }
  return { removed, reclaimed };
}
