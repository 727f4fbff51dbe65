// The written intent of `network connect` / `network disconnect` (one file per container
// under networks/edits/, written before the first change and removed after the record is
// saved), so a command killed half-way is finished or undone by the next one: a connect
// cut short is undone (its endpoint released unless the record already names the
// network), a disconnect cut short is completed (the record forgets the network, the
// endpoint is released). One readdir tells `ps` whether anything is pending.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { readJson, writeJson } from '../store/atomic.js';
import { NetworkStore } from '../network/index.js';
import { forgetNetwork, namesNetwork, releaseEndpoint } from './network.js';
import { loadRecord, saveRecord, tryContainerLock, withContainerLock } from './records.js';
import type { ContainerRecord } from './types.js';

export interface NetworkEdit { network: string; op: 'connect' | 'disconnect' }

const editsDir = (layout: Layout): string => join(layout.root, 'networks', 'edits');
const editFile = (layout: Layout, id: string): string => join(editsDir(layout), `${id}.json`);

/** Runs `fn` (the edit; the caller holds the container's lock) with its intent written first. */
export async function withNetworkEdit<T>(layout: Layout, id: string, edit: NetworkEdit, fn: () => Promise<T>): Promise<T> {
  mkdirSync(editsDir(layout), { recursive: true, mode: 0o700 });
  writeJson(editFile(layout, id), edit);
  try {
    return await fn();
  } finally {
    rmSync(editFile(layout, id), { force: true });
  }
}

/** Finishes or undoes an edit a killed command left on this container (caller holds its lock). */
export async function settleNetworkEdit(layout: Layout, rec: ContainerRecord): Promise<ContainerRecord> {
  const edit = readJson<NetworkEdit>(editFile(layout, rec.id));
  if (!edit) return rec;
  const store = new NetworkStore(layout);
  const n = store.find(edit.network);
  if (n) {
    const named = namesNetwork(store, rec, n.Id);
    if (edit.op === 'disconnect' && named) {
      rec = forgetNetwork(store, rec, n);
      saveRecord(layout, rec);
    }
    if (edit.op === 'disconnect' || !named) await releaseEndpoint(layout, store, n, rec.id);
  }
  rmSync(editFile(layout, rec.id), { force: true });
  return rec;
}

/** Every pending edit whose container's lock is free (a held lock: its holder is still at it). */
export async function settleNetworkEdits(layout: Layout): Promise<void> {
  let names: string[];
  try { names = readdirSync(editsDir(layout)); } catch { return; }
  for (const id of names.filter((f) => /^[0-9a-f]{64}\.json$/.test(f)).map((f) => f.slice(0, 64))) {
    if (!loadRecord(layout, id)) {
      rmSync(editFile(layout, id), { force: true }); // removed since: rm released its endpoints
      continue;
    }
    if (tryContainerLock(layout, id, () => true) === undefined) continue;
    try {
      await withContainerLock(layout, id, async () => {
        const rec = loadRecord(layout, id);
        if (rec) await settleNetworkEdit(layout, rec);
      });
    } catch { /* removed meanwhile, or busy: the next command settles it */ }
  }
}
