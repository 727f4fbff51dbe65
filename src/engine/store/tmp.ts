// The store's scratch space (<root>/tmp): pending blobs, layers being unpacked, export
// mounts. Every name says who made it — `KIND-PID.START.BOOT-RANDOM`, the process's pid,
// start time and boot id — so a leftover of a process that died (SIGKILL, a crash, a
// reboot) is told from work in progress by reading /proc, never by its age. The sweep runs
// once per process, the first time it takes the images lock (import, pull, load, rmi,
// tag, prune, commit, system df): a readdir of one directory, usually empty, not a walk.
import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MNT_DETACH, umount } from '../../native/index.js';
import { bootId, procStartTime } from '../proc.js';
import type { Layout } from './layout.js';
import { withLock } from './lock.js';
import { directoryUsage } from './usage.js';

let self: string | undefined;
const owner = (): string => (self ??= `${process.pid}.${procStartTime(process.pid) ?? 0}.${bootId().slice(0, 8)}`);

/** A fresh path in tmp/ owned by this process. */
export function tmpPath(layout: Layout, kind: string): string {
  return join(layout.tmpDir, `${kind}-${owner()}-${randomBytes(6).toString('hex')}`);
}

const OWNED = /-(\d+)\.(\d+)\.([0-9a-f]{8})-[0-9a-f]+$/;

/** Whether the process that made the tmp/ entry `name` is still running. */
export function ownerAlive(name: string): boolean {
  const m = OWNED.exec(name);
  if (!m) return false; // not a name berth gives: nobody's
  return m[3] === bootId().slice(0, 8) && procStartTime(Number(m[1])) === Number(m[2]);
}

/** Whether `name` is a name berth gives (tmpPath's) whose process is gone: a name made by
 *  hand is nobody's, and never judged dead. */
export function ownerDead(name: string): boolean {
  return OWNED.test(name) && !ownerAlive(name);
}

/** What dead processes left in tmp/ is removed; what live ones still use is listed (name,
 * and bytes when `sizes`: only `system df` wants them, and sizing walks the whole tree). */
export function sweepTmp(layout: Layout, sizes = true): { removed: string[]; inUse: { name: string; size: number }[] } {
  const removed: string[] = [];
  const inUse: { name: string; size: number }[] = [];
  let names: string[];
  try { names = readdirSync(layout.tmpDir); } catch { return { removed, inUse }; }
  for (const name of names) {
    const abs = join(layout.tmpDir, name);
    if (ownerAlive(name)) {
      inUse.push({ name, size: sizes ? directoryUsage(abs) : 0 });
      continue;
    }
    try {
      // an export's overlay outlives a killed CLI: detach it, never delete through it
      if (lstatSync(abs).isDirectory()) try { umount(abs, MNT_DETACH); } catch { /* not a mount point */ }
      rmSync(abs, { recursive: true, force: true });
      removed.push(name);
    } catch {
      inUse.push({ name, size: sizes ? directoryUsage(abs) : 0 }); // cannot go (yet): counted, tried again next time
    }
  }
  return { removed, inUse };
}

const swept = new Set<string>();

/** withLock on the images lock, sweeping tmp/ the first time this process takes it. */
export function withImagesLock<T>(layout: Layout, fn: () => Promise<T> | T): Promise<T> {
  return withLock(layout.imagesLock, () => {
    if (!swept.has(layout.root)) {
      swept.add(layout.root);
      // unsized: in a pull or import, this process's own unpacked layers are in tmp/ by
      // now, and sizing them was a walk of every file just unpacked (~20 ms on busybox)
      sweepTmp(layout, false);
    }
    return fn();
  });
}
