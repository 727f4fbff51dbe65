// The image roots a build step works on without a container: an overlay of
// the step's parent layers with an upper directory of its own, mounted
// privately under the store's tmp/ (COPY, ADD and WORKDIR write through it;
// the upper directory then becomes the layer, exactly as a RUN container's
// does), or a read-only view of an image (COPY --from reads it). A crash
// leaves a tmp/ entry of a dead process, which the store's sweep detaches
// and removes.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { BerthError } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { tmpPath } from '../store/tmp.js';
import { MNT_DETACH, MS, mount, umount } from '../../native/index.js';

const MAX_DATA = 4096;

export interface ScratchRoot {
  /** The mounted root. */
  root: string;
  upper: string;
  /** The layers under it, top first (what packUpper compares against). */
  lowerDirs: string[];
  /** Unmounts (the upper directory stays until dispose). */
  unmount(): void;
  /** Whether the step changed nothing (an empty upper directory). */
  unchanged(): Promise<boolean>;
  dispose(): Promise<void>;
}

/** A writable overlay of `lowerDirs` (top first; none = an empty root). */
export async function mountScratch(layout: Layout, lowerDirs: string[]): Promise<ScratchRoot> {
  const base = tmpPath(layout, 'build-step');
  const upper = `${base}/upper`;
  const work = `${base}/work`;
  // the mount point is a tmp/ entry of its own: the sweep detaches an entry before removing it
  const root = tmpPath(layout, 'build-root');
  const empty = `${base}/empty`;
  await mkdir(base, { mode: 0o700 });
  let mounted = false;
  const dispose = async () => {
    if (mounted) { umount(root, MNT_DETACH); mounted = false; }
    await rm(root, { recursive: true, force: true });
    await rm(base, { recursive: true, force: true });
  };
  try {
    for (const d of [upper, work, root, empty]) await mkdir(d, { mode: 0o755 });
    const lowers = lowerDirs.length ? lowerDirs : [empty];
    checkPaths([...lowers, upper, work]);
    const data = `lowerdir=${lowers.join(':')},upperdir=${upper},workdir=${work}`;
    if (Buffer.byteLength(data) >= MAX_DATA) throw new BerthError('UNSUPPORTED', 'build: the image has too many layers to mount at once');
    mount('overlay', root, 'overlay', MS.NOSUID | MS.NODEV, data);
    mounted = true;
  } catch (e) {
    await dispose();
    throw e;
  }
  return {
    root, upper, lowerDirs,
    unmount: () => { if (mounted) { umount(root, MNT_DETACH); mounted = false; } },
    unchanged: async () => (await readdir(upper)).length === 0,
    dispose,
  };
}

/** A read-only view of an image's layers (top first); `release` unmounts and removes it. */
export async function mountView(layout: Layout, lowerDirs: string[]): Promise<{ root: string; release(): Promise<void> }> {
  if (lowerDirs.length === 1) return { root: lowerDirs[0], release: async () => undefined };
  const base = tmpPath(layout, 'build-view');
  await mkdir(base, { mode: 0o700 });
  if (lowerDirs.length === 0) return { root: base, release: () => rm(base, { recursive: true, force: true }) };
  try {
    checkPaths(lowerDirs);
    const data = `lowerdir=${lowerDirs.join(':')}`;
    if (Buffer.byteLength(data) >= MAX_DATA) throw new BerthError('UNSUPPORTED', 'build: the image has too many layers to mount at once');
    mount('overlay', base, 'overlay', MS.RDONLY | MS.NOSUID | MS.NODEV, data);
  } catch (e) {
    await rm(base, { recursive: true, force: true });
    throw e;
  }
  return {
    root: base,
    release: async () => {
      umount(base, MNT_DETACH);
      await rm(base, { recursive: true, force: true });
    },
  };
}

function checkPaths(paths: string[]): void {
  for (const p of paths) {
    if (/[,:\\]/.test(p)) throw new BerthError('UNSUPPORTED', `build: the path ${p} contains ',', ':' or '\\', which overlayfs options cannot hold`);
  }
}
