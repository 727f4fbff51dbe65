// The build cache: one small file per step, named by the step's key (the
// parent image, the instruction as expanded, the build args it uses and, for
// COPY/ADD, the digest of the files it copies), holding the ID of the image
// the step made. The images are the builder's intermediate images (records
// with a `parent`), so a hit is a lookup and never a container start. Entries
// are written atomically (write, rename; not fsynced, after the image they
// name is durable): a crash leaves the old entry, the new one or none; an
// entry whose image is gone is a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile } from '../store/atomic.js';
import type { Layout } from '../store/layout.js';

export function cacheDir(layout: Layout): string {
  return join(layout.root, 'builder', 'cache');
}

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class BuildCache {
  private readonly dir: string;
  constructor(layout: Layout) { this.dir = cacheDir(layout); }

  get(key: string): string | undefined {
    try {
      const id = readFileSync(join(this.dir, key), 'utf8').trim();
      return /^sha256:[a-f0-9]{64}$/.test(id) ? id : undefined;
    } catch {
      return undefined;
    }
  }

  put(key: string, imageId: string): void {
    mkdirSync(this.dir, { recursive: true });
    // not fsynced: an entry a crash empties or loses is a miss (get checks its form), never a wrong hit
    atomicWriteFile(join(this.dir, key), `${imageId}\n`, 0o644, { durable: false });
  }

  /** Every entry: key and image ID. */
  entries(): Array<{ key: string; imageId: string }> {
    let names: string[];
    try { names = readdirSync(this.dir); } catch { return []; }
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).flatMap((key) => {
      const imageId = this.get(key);
      return imageId ? [{ key, imageId }] : [];
    });
  }

  remove(key: string): void {
    rmSync(join(this.dir, key), { force: true });
  }
}
