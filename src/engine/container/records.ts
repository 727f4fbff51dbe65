// Reading, writing and finding container records on disk.
import { readdirSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { readJson, writeJson } from '../store/atomic.js';
import { BerthError, notFound } from '../errors.js';
import type { ContainerRecord } from './types.js';

const ID_RE = /^[0-9a-f]{64}$/;

export function loadRecord(layout: Layout, id: string): ContainerRecord | undefined {
  return readJson<ContainerRecord>(layout.container(id).record);
}

export function saveRecord(layout: Layout, rec: ContainerRecord): void {
  writeJson(layout.container(rec.id).record, rec);
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

/** Docker's lookup order: full ID, exact name, then a unique ID prefix. */
export function findRecord(layout: Layout, ref: string): ContainerRecord {
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  if (ID_RE.test(ref)) {
    const r = loadRecord(layout, ref);
    if (r) return r;
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
