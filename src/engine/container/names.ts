// Container names → IDs without reading every record: `containers/.names/<name>` is a symlink
// to the ID that took the name. The records stay the truth and an entry is only a pointer to
// check: it counts when the record it names carries that name now. So nothing has to
// remove an entry: a create killed before its commit, a removed container and a container
// renamed away all leave one that points at a record without that name, which counts as
// free. Entries are written under containers/lock (create, rename), durably and before the
// record that takes the name, so a crash never leaves a record whose name has no entry.
// A root made before this index is indexed from its records once, under the same lock.
import { existsSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { STAGING_PREFIX, type Layout } from '../store/layout.js';
import { fsyncDir } from '../store/atomic.js';
import { listRecords } from './records.js';

export { nameHolder } from './records.js';

/** Makes the index complete for this root (a no-op once it exists). Caller holds containers/lock:
 * then a name without a valid entry is one no container has. */
export function ensureNameIndex(layout: Layout): void {
  if (existsSync(layout.namesDir)) return;
  // built aside and renamed into place: a half-built index is never taken for a complete one
  const building = join(layout.containersDir, `${STAGING_PREFIX}names-${randomBytes(4).toString('hex')}`); // swept if we die
  mkdirSync(building, { mode: 0o700 });
  try {
    for (const r of listRecords(layout)) symlinkSync(r.id, join(building, r.name));
    fsyncDir(building);
    renameSync(building, layout.namesDir);
  } catch (e) {
    rmSync(building, { recursive: true, force: true });
    throw e;
  }
  fsyncDir(layout.containersDir);
}

/** Points `name` at `id`, replacing a stale entry at once. Caller holds containers/lock, after
 * ensureNameIndex, and fsyncs layout.namesDir before it commits the record that takes the name
 * (create: after its staging directory's fsync, whose journal commit has made that one cheap). */
export function recordName(layout: Layout, name: string, id: string): void {
  const tmp = join(layout.namesDir, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  symlinkSync(id, tmp);
  try {
    renameSync(tmp, join(layout.namesDir, name));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Drops `name`'s entry if it still points at `id` (a removed container's): not needed for the
 * answers (a stale entry reads as free) but keeps the index as small as the set of names in use.
 * Caller holds containers/lock. */
export function dropName(layout: Layout, name: string, id: string): void {
  const entry = join(layout.namesDir, name);
  try {
    if (readlinkSync(entry) === id) unlinkSync(entry);
  } catch { /* no entry (a root made before the index), or gone already */ }
}
