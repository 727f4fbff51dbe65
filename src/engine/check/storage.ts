// Image storage checks: layers no image (and no container) uses, and blobs
// whose bytes do not hash to their name. Unused layers are judged by age, as
// podman's --max does: a pull or a load commits its layers before its image.
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import type { ImageStore } from '../image/index.js';
import { listRecords } from '../container/index.js';
import type { CheckOptions, Finding } from './types.js';

const DAY_MS = 24 * 3600_000;

export async function checkStorage(layout: Layout, images: ImageStore, opts: CheckOptions): Promise<Finding[]> {
  return [...await unusedLayers(layout, images, opts.maxLayerAgeMs ?? DAY_MS), ...(opts.quick ? [] : await badBlobs(layout, images))];
}

/** Layer chain IDs ("sha256:…") that an image or a container's lowerdir uses. */
async function usedLayers(layout: Layout, images: ImageStore): Promise<Set<string>> {
  const used = new Set((await images.list()).flatMap((i) => i.layers));
  for (const r of listRecords(layout)) {
    for (const d of r.lowerDirs) used.add(`sha256:${d.split('/').at(-2)}`); // layers/<hex>/diff
  }
  return used;
}

async function unusedLayers(layout: Layout, images: ImageStore, maxAgeMs: number): Promise<Finding[]> {
  let names: string[];
  try {
    names = readdirSync(layout.layersDir).filter((n) => /^[0-9a-f]{64}$/.test(n));
  } catch {
    return [];
  }
  const used = await usedLayers(layout, images);
  const now = Date.now();
  return names.filter((n) => !used.has(`sha256:${n}`)).flatMap((n): Finding[] => {
    let age: number;
    try { age = now - statSync(layout.layer(n)).mtimeMs; } catch { return []; }
    if (age < maxAgeMs) return [];
    const chainId = `sha256:${n}`;
    return [{
      what: `layer ${chainId}`,
      problem: `no image or container uses it (${Math.round(age / 60_000)} min old): left by a killed pull, load, import or commit`,
      repair: {
        says: 'removed',
        run: () => withLock(layout.imagesLock, async () => {
          if ((await usedLayers(layout, images)).has(chainId)) return false;
          await images.layers.remove(chainId);
          return true;
        }),
      },
    }];
  });
}

async function badBlobs(layout: Layout, images: ImageStore): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const digest of images.blobs.list()) {
    const path = images.blobs.path(digest);
    const actual = await sha256File(path).catch(() => undefined);
    if (actual === undefined || `sha256:${actual}` === digest) continue;
    out.push({
      what: join('blobs', 'sha256', digest.slice(7)),
      problem: `its content hashes to sha256:${actual.slice(0, 12)}…, not to its name: the images using it are damaged (remove them and pull or load them again)`,
    });
  }
  return out;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}
