// A container's mounts: resolved at create (user mounts, --volumes-from,
// anonymous volumes for the image's VOLUMEs), prepared at start (copy-up into
// new volumes, last use), and released at removal (anonymous volumes).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { invalid } from '../errors.js';
import { mount, umount, MNT_DETACH, MS } from '../../native/index.js';
import { overlayMountData } from '../runtime/index.js';
import { VolumeStore, checkTarget, fillFromImage, type MountRequest, type MountSpec, type VolumeUsers } from '../volume/index.js';
import { emitEvent } from '../events/index.js';
import { findRecord, listRecords } from './records.js';
import type { ContainerRecord } from './types.js';

export interface MountInput {
  mounts?: MountRequest[];
  /** --volumes-from CONTAINER[:ro|:rw] */
  volumesFrom?: string[];
  /** The image's Config.Volumes keys. */
  imageVolumes?: string[];
}

/** Which containers mount which volume (any state: a stopped container keeps its volumes). */
export function volumeUsersOf(records: ContainerRecord[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const r of records) {
    for (const m of r.config.mounts ?? []) {
      if (m.type === 'volume' && m.name) users.set(m.name, [...(users.get(m.name) ?? []), r.id]);
    }
  }
  return users;
}

export const volumeUsers = (layout: Layout): VolumeUsers => () => volumeUsersOf(listRecords(layout));

/**
 * The container's MountSpecs. Called under containers/lock, so that a volume
 * created here cannot be pruned before the record that uses it is saved.
 * Everything is checked before any volume is created: a failed create leaves nothing.
 */
export async function resolveMounts(layout: Layout, input: MountInput): Promise<MountSpec[]> {
  const volumes = new VolumeStore(layout);
  // per destination: a request still to resolve, or a spec taken as is from another container
  const byTarget = new Map<string, { request: MountRequest } | { spec: MountSpec }>();
  for (const m of input.mounts ?? []) {
    if (byTarget.has(m.target)) throw invalid(`invalid mount config: duplicate mount point: ${m.target}`);
    if (m.type === 'bind' && !m.createSource) {
      try {
        statSync(m.source);
      } catch {
        throw invalid(`invalid mount config: bind source path does not exist: ${m.source}`);
      }
    }
    byTarget.set(m.target, { request: m });
  }
  // --volumes-from: the other container's mounts, for destinations the user did not set
  for (const spec of input.volumesFrom ?? []) {
    const [ref, mode = '', extra] = spec.split(':');
    if (extra !== undefined || !['', 'ro', 'rw'].includes(mode)) throw invalid(`invalid --volumes-from "${spec}": use CONTAINER[:ro|:rw]`);
    const from = findRecord(layout, ref);
    for (const m of from.config.mounts ?? []) {
      if (m.type === 'tmpfs' || byTarget.has(m.target)) continue; // docker does not share tmpfs mounts
      byTarget.set(m.target, { spec: { ...m, readonly: mode ? mode === 'ro' : m.readonly } });
    }
  }
  // the image's VOLUMEs not covered by any of the above get anonymous volumes
  for (const v of input.imageVolumes ?? []) {
    const target = checkTarget(v, `VOLUME ${v}`);
    if (!byTarget.has(target)) byTarget.set(target, { request: { type: 'volume', source: '', target, readonly: false, options: [] } });
  }
  const out: MountSpec[] = [];
  for (const entry of byTarget.values()) {
    if ('spec' in entry) {
      out.push(entry.spec);
    } else if (entry.request.type !== 'volume') {
      out.push(entry.request); // a bind's source is its host path; a tmpfs has none
    } else {
      const rec = await volumes.create({ name: entry.request.source || undefined });
      out.push({ ...entry.request, source: rec.Mountpoint, name: rec.Name });
    }
  }
  return out;
}

/**
 * Before a start (under the container's lock): copy-up into volumes that were
 * never filled, and record their last use. The root is mounted read-only on the
 * host only when some volume needs filling.
 */
export async function prepareMounts(layout: Layout, rec: ContainerRecord, startedAt: string): Promise<void> {
  for (const m of rec.config.mounts ?? []) {
    if (m.type !== 'bind' || existsSync(m.source)) continue;
    // docker's -v makes the host directory; a --mount source (or one removed since
    // create) is an error that says so, rather than a bare ENOENT from the init
    if (!m.createSource) throw invalid(`invalid mount config: bind source path does not exist: ${m.source}`);
    mkdirSync(m.source, { recursive: true, mode: 0o755 });
  }
  const volumes = new VolumeStore(layout);
  const named = (rec.config.mounts ?? []).filter((m) => m.type === 'volume' && m.name && volumes.exists(m.name));
  if (!named.length) return;
  const fill = named.filter((m) => !m.options.includes('nocopy') && !volumes.get(m.name!).Initialized);
  if (fill.length) {
    const paths = layout.container(rec.id);
    await volumes.locked(async () => {
      mount('overlay', paths.merged, 'overlay', MS.RDONLY, overlayMountData(rec, paths));
      try {
        for (const m of fill) {
          if (volumes.get(m.name!).Initialized) continue; // another container filled it meanwhile
          await fillFromImage(paths.merged, m.target, m.source);
        }
      } finally {
        umount(paths.merged, MNT_DETACH);
      }
    });
  }
  for (const m of named) {
    await volumes.update(m.name!, (v) => {
      v.LastUsedAt = startedAt;
      if (fill.includes(m)) v.Initialized = true;
    });
    // docker's "volume mount" event: the TUI's volume view refreshes its last-use column on it
    emitEvent(layout, {
      type: 'volume', action: 'mount', id: m.name!,
      attributes: { container: rec.id, destination: m.target, driver: 'local', propagation: '', 'read/write': String(!m.readonly) },
    });
  }
}

/** docker's "volume unmount" events when a run ends (its daemon's cleanup unmounts the volumes). */
export function emitUnmounts(layout: Layout, rec: ContainerRecord): void {
  for (const m of rec.config.mounts ?? []) {
    if (m.type === 'volume' && m.name) emitEvent(layout, { type: 'volume', action: 'unmount', id: m.name, attributes: { container: rec.id, driver: 'local' } });
  }
}

/**
 * rm -v and --rm: the container's anonymous volumes, unless another container
 * still uses one (--volumes-from). The caller holds containers/lock and has
 * already deleted the record.
 */
export async function removeAnonymousVolumes(layout: Layout, rec: ContainerRecord): Promise<string[]> {
  const volumes = new VolumeStore(layout);
  const names = (rec.config.mounts ?? [])
    .filter((m) => m.type === 'volume' && m.name && volumes.exists(m.name) && volumes.get(m.name).Anonymous)
    .map((m) => m.name!);
  if (!names.length) return [];
  return volumes.removeUnused(names, volumeUsers(layout));
}
