// The container's root filesystem as a host path for `cp`: the running
// container's own root (/proc/PID/root), or, when stopped, its overlay mounted
// on the host for the duration of the copy (under the container lock, so a
// start cannot mount the same upper dir at the same time).
import type { Layout } from '../store/layout.js';
import { mount, umount, MNT_DETACH, MS } from '../../native/index.js';
import { overlayMountData } from '../runtime/index.js';
import type { ContainerState } from './state.js';
import type { ContainerRecord } from './types.js';
import { withContainerLock } from './records.js';

export { copyIn, copyInTar, copyOut, copyOutTar, statInRoot, type CopyOptions, type CopyReport, type PathStat } from '../copy/index.js';

export async function withContainerRoot<T>(
  layout: Layout,
  rec: ContainerRecord,
  st: ContainerState,
  writable: boolean,
  fn: (root: string) => Promise<T>,
): Promise<T> {
  if (st.running) return fn(`/proc/${st.pid}/root`);
  const paths = layout.container(rec.id);
  return withContainerLock(layout, rec.id, async () => {
    mount('overlay', paths.merged, 'overlay', writable ? 0 : MS.RDONLY, overlayMountData(rec, paths));
    try {
      return await fn(paths.merged);
    } finally {
      umount(paths.merged, MNT_DETACH);
    }
  });
}
