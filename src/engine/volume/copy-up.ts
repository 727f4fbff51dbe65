// docker's copy-up: a new, empty volume mounted over a directory of the image
// starts with that directory's content (ownership, modes and all). `root` is
// the container's root filesystem mounted on the host; everything in it is
// read through the copy module's in-root, no-follow walks, so the image
// cannot steer the copy outside its root (a symlink at the target is followed
// inside the root only, as the mount itself is).
import { chmodSync, chownSync, closeSync, constants, fstatSync, readdirSync } from 'node:fs';
import { openInRoot } from '../../native/index.js';
import { BerthError } from '../errors.js';
import { copyOut } from '../copy/index.js';

/** Fills `dataDir` from `target` inside `root` if dataDir is empty. Returns whether it copied. */
export async function fillFromImage(root: string, target: string, dataDir: string): Promise<boolean> {
  if (readdirSync(dataDir).length) return false; // docker copies into empty volumes only
  let fd: number;
  try {
    fd = openInRoot(root, target, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch {
    return false; // nothing there, or not a directory: the volume starts empty
  }
  try {
    // the volume's top directory takes the image directory's owner and mode (e.g. 1777 /tmp)
    const st = fstatSync(fd);
    chownSync(dataDir, st.uid, st.gid);
    chmodSync(dataDir, st.mode & 0o7777);
  } finally {
    closeSync(fd);
  }
  try {
    await copyOut(root, target.replace(/\/?$/, '/.'), dataDir, { archive: true });
  } catch (e) {
    if (e instanceof BerthError && e.code === 'NOT_FOUND') return false;
    throw e;
  }
  return true;
}
