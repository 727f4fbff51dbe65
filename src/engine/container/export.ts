// `export`: a container's filesystem as a tar stream — the image's layers with
// the container's changes on top, without anything mounted into it at run time
// (/proc, /sys, /dev, volumes), as docker exports it.
//
// The view is a read-only overlay whose layers are the container's upper
// directory and the image's layers (no upper of its own), mounted privately
// under the store's tmp directory for the length of the export. Reading a
// running container's upper directory as a lower layer is allowed by overlayfs
// (only upper/work directories are exclusive); the copy module then walks it
// without following symlinks (copyOutTar).
import { mkdir, rmdir } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { BerthError } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { tmpPath } from '../store/tmp.js';
import { MNT_DETACH, MS, mount, umount } from '../../native/index.js';
import { copyOutTar } from '../copy/index.js';
import type { ContainerRecord } from './types.js';

/** The kernel's limit on mount data (one page, NUL included). */
const MAX_DATA = 4096;

export async function exportContainer(layout: Layout, rec: ContainerRecord, out: Writable): Promise<void> {
  const layers = [layout.container(rec.id).upper, ...rec.lowerDirs];
  for (const p of layers) {
    if (/[,:\\]/.test(p)) throw new BerthError('UNSUPPORTED', `export: the path ${p} contains ',', ':' or '\\', which overlayfs options cannot hold`);
  }
  const data = `lowerdir=${layers.join(':')}`;
  if (Buffer.byteLength(data) >= MAX_DATA) throw new BerthError('UNSUPPORTED', `export: container ${rec.name} has too many layers to mount at once`);
  const target = tmpPath(layout, 'export');
  await mkdir(target, { mode: 0o700 });
  try {
    mount('overlay', target, 'overlay', MS.RDONLY | MS.NOSUID | MS.NODEV, data);
    try {
      await copyOutTar(target, '/.', out);
    } finally {
      umount(target, MNT_DETACH);
    }
  } finally {
    await rmdir(target).catch(() => undefined);
  }
}
