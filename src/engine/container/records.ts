// Reading, writing and finding container records on disk, and the container's
// lock. A container exists from the rename that commits its directory (create.ts)
// to the rename that removes it (finalize.ts): a lock opened on one that went
// meanwhile is "no such container", never a lock file made in a dying directory.
import { existsSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { STAGING_PREFIX, TRASH_PREFIX, type Layout } from '../store/layout.js';
import { readJson, writeJson } from '../store/atomic.js';
import { tryLock, withLock } from '../store/lock.js';
import { BerthError, notFound } from '../errors.js';
import type { ContainerRecord } from './types.js';

const ID_RE = /^[0-9a-f]{64}$/;

export function loadRecord(layout: Layout, id: string): ContainerRecord | undefined {
  return readJson<ContainerRecord>(layout.container(id).record);
}

/** `durable: false` for what only a killed process (not a host crash) must find: the page cache
 * keeps it, and a reboot ends everything it describes anyway (a start's intent). */
export function saveRecord(layout: Layout, rec: ContainerRecord, opts: { durable?: boolean } = {}): void {
  writeJson(layout.container(rec.id).record, rec, opts);
}

/** Every container record (directories without a record — half-created — are skipped). */
export function listRecords(layout: Layout): ContainerRecord[] {
  let ids: string[];
  try {
    ids = readdirSync(layout.containersDir).filter((n) => ID_RE.test(n));
  } catch {
    return [];
  }
  const out: ContainerRecord[] = [];
  for (const id of ids) {
    const r = loadRecord(layout, id);
    if (r) out.push(r);
  }
  return out.sort((a, b) => (a.created < b.created ? 1 : -1));
}

/** The container that has this name now, through its entry in the name index (names.ts);
 * undefined when the entry is missing or stale. Lock-free: the record itself is checked. */
export function nameHolder(layout: Layout, name: string): ContainerRecord | undefined {
  let id: string;
  try {
    id = readlinkSync(join(layout.namesDir, name));
  } catch {
    return undefined;
  }
  if (!ID_RE.test(id)) return undefined;
  const rec = loadRecord(layout, id);
  return rec?.name === name ? rec : undefined;
}

/** Docker's lookup order: full ID, exact name, then a unique ID prefix. */
export function findRecord(layout: Layout, ref: string): ContainerRecord {
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  if (ID_RE.test(ref)) {
    const r = loadRecord(layout, ref);
    if (r) return r;
  }
  // a name is found through its index entry; the scan below is for prefixes (and names the
  // index has no valid entry for: a rename in flight, a root an older berth made)
  if (!name.includes('/') && name !== '.' && name !== '..' && name !== '') {
    const held = nameHolder(layout, name);
    if (held) return held;
  }
  const all = listRecords(layout);
  const byName = all.find((r) => r.name === name);
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(ref)) {
    const matches = all.filter((r) => r.id.startsWith(ref));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new BerthError('INVALID_ARGUMENT', `multiple containers match the ID prefix ${ref}: give more characters`);
    }
  }
  throw notFound('container', ref);
}

const gone = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Runs fn under the container's lock; NOT_FOUND when the container is (or goes) away. The lock
 * file exists from create on, so it is opened, never created: a removed directory stays removed. */
export async function withContainerLock<T>(layout: Layout, id: string, fn: () => Promise<T> | T): Promise<T> {
  const paths = layout.container(id);
  // containers created before create.ts made the lock file get it on first use
  const create = !existsSync(paths.lock) && existsSync(paths.record);
  let entered = false;
  try {
    return await withLock(paths.lock, () => { entered = true; return fn(); }, { create });
  } catch (e) {
    if (!entered && gone(e)) throw notFound('container', id);
    throw e;
  }
}

/** Runs fn under the container's lock if nobody holds it now; undefined otherwise (or when gone). */
export function tryContainerLock<T>(layout: Layout, id: string, fn: () => T): T | undefined {
  try {
    return tryLock(layout.container(id).lock, fn);
  } catch (e) {
    if (gone(e)) return undefined;
    throw e;
  }
}

/** Staging directories of creates and trash of removals that a killed process left behind
 * (create and rm do both under containers/lock: holding it, any found is stale). */
export function strayContainerDirs(layout: Layout): string[] {
  try {
    return readdirSync(layout.containersDir).filter((n) => n.startsWith(STAGING_PREFIX) || n.startsWith(TRASH_PREFIX));
  } catch {
    return [];
  }
}

/** Removes what strayContainerDirs finds; the caller holds containers/lock. */
export function sweepContainers(layout: Layout): string[] {
  const found = strayContainerDirs(layout);
  for (const n of found) rmSync(join(layout.containersDir, n), { recursive: true, force: true, maxRetries: 5 });
  return found;
}
