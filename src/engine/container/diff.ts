// `diff`: docker's list of a container's filesystem changes — A (added), C
// (changed), D (deleted) — read from its overlay upper directory against the
// image's layers. Works on running and stopped containers alike (the upper
// directory is always on the host).
//
// One deliberate difference: a directory removed and re-created (overlayfs
// makes it opaque) that the image had is reported C, as it exists before and
// after; docker reports it D, followed by its new content as A.
import type { Layout } from '../store/layout.js';
import type { ContainerRecord } from './types.js';
import { walkUpper } from './upper-walk.js';

export type ChangeKind = 'A' | 'C' | 'D';

export interface Change {
  kind: ChangeKind;
  /** Absolute path inside the container. */
  path: string;
}

export async function containerChanges(layout: Layout, rec: ContainerRecord): Promise<Change[]> {
  const out: Change[] = [];
  await walkUpper(layout.container(rec.id).upper, rec.lowerDirs, async (e) => {
    const kind: ChangeKind = e.kind === 'whiteout' ? 'D' : e.inLower ? 'C' : 'A';
    out.push({ kind, path: `/${e.rel}` });
  });
  return out;
}
