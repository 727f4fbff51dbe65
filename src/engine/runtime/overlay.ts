// The overlay mount of a container's root: image layers (top first) below the
// container's own upper dir.
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import type { ContainerPaths } from '../store/layout.js';
import type { ContainerRecord } from '../container/types.js';

/** mount(2) copies at most one page of option data, NUL included. */
const MAX_DATA = 4096;

let indexDefault: boolean | undefined;
/** Whether overlayfs turns its inode index on by default (CONFIG_OVERLAY_FS_INDEX or the
 * module parameter). With it on, a layer once used under one upper dir refuses to mount under
 * another (ESTALE) — shared image layers need index=off then, as moby's overlay2 does. */
function overlayIndexOnByDefault(): boolean {
  if (indexDefault === undefined) {
    try {
      indexDefault = readFileSync('/sys/module/overlay/parameters/index', 'utf8').trim() === 'Y';
    } catch {
      indexDefault = false; // no parameter exposed: a kernel without the index feature
    }
  }
  return indexDefault;
}

/** The overlay's option string. Paths holding the option separators cannot be expressed (the
 * kernel would split them), and over a page the kernel would truncate it silently. */
export function overlayMountData(record: ContainerRecord, paths: ContainerPaths, opts: { indexOff?: boolean } = {}): string {
  if (!record.lowerDirs.length) throw new BerthError('UNSUPPORTED', `container ${record.name}: an image without layers cannot be mounted yet`);
  for (const p of [...record.lowerDirs, paths.upper, paths.work]) {
    if (/[,:\\]/.test(p)) throw new BerthError('UNSUPPORTED', `overlay: the path ${p} contains ',', ':' or '\\', which overlayfs options cannot hold`);
  }
  const indexOff = opts.indexOff ?? overlayIndexOnByDefault();
  const data = `${indexOff ? 'index=off,' : ''}lowerdir=${record.lowerDirs.join(':')},upperdir=${paths.upper},workdir=${paths.work}`;
  const size = Buffer.byteLength(data);
  if (size >= MAX_DATA) {
    throw new BerthError('UNSUPPORTED',
      `overlay: the mount options of container ${record.name} are ${size} bytes (${record.lowerDirs.length} layers), over the kernel's limit of ${MAX_DATA - 1}; images this deep are not supported yet`);
  }
  return data;
}
