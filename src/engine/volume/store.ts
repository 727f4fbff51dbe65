// The volume store: volumes/<name>/{volume.json,_data}, created and removed
// under volumes/.lock. Whether a volume is in use is the containers' business:
// callers pass `users` (volume name -> container IDs). Removal also holds
// containers/lock (taken first, as container create does) so that no
// container can start referencing a volume while it is being removed.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { readJson, writeJson } from '../store/atomic.js';
import { withLock } from '../store/lock.js';
import { conflict, notFound } from '../errors.js';
import { emitEvent } from '../events/index.js';
import { anonymousName, checkVolumeName, isVolumeName } from './names.js';
import { checkDriverOptions } from './options.js';
import { directoryUsage } from '../store/usage.js';
import type { VolumeRecord } from './types.js';

export interface VolumeUsage {
  name: string;
  driver: string;
  mountpoint: string;
  labels: Record<string, string>;
  createdAt: string;
  anonymous: boolean;
  /** IDs of the containers (any state) that mount it: docker's LINKS is their count. */
  containers: string[];
  size: number;
  lastUsedAt?: string;
}

/** Volume name -> IDs of the containers (any state) whose config mounts it. */
export type VolumeUsers = () => Map<string, string[]>;

export interface CreateVolumeOptions {
  name?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
  anonymous?: boolean;
}

export interface VolumeFilter {
  /** label=KEY or label=KEY=VALUE (all must match). */
  labels?: string[];
  /** true: only volumes no container uses; false: only used ones. */
  dangling?: boolean;
  /** substring of the name. */
  name?: string[];
}

export class VolumeStore {
  constructor(private readonly layout: Layout) {}

  private get lockFile(): string { return this.layout.volumesLock; }
  private dir(name: string): string { return join(this.layout.volumesDir, name); }
  private recordFile(name: string): string { return join(this.dir(name), 'volume.json'); }
  dataDir(name: string): string { return join(this.dir(name), '_data'); }

  /** Creates a volume; an existing one of that name is returned unchanged (docker's behaviour). */
  async create(o: CreateVolumeOptions = {}): Promise<VolumeRecord> {
    const name = o.name === undefined || o.name === '' ? anonymousName() : checkVolumeName(o.name);
    const options = checkDriverOptions(o.options ?? {});
    return withLock(this.lockFile, () => {
      const existing = this.read(name);
      if (existing) return existing;
      const rec: VolumeRecord = {
        Name: name,
        Driver: 'local',
        Mountpoint: this.dataDir(name),
        CreatedAt: new Date().toISOString(),
        Labels: o.labels ?? {},
        Options: options,
        Scope: 'local',
        Anonymous: !!o.anonymous || o.name === undefined || o.name === '',
        Initialized: false,
      };
      // built under a temporary name and renamed: a volume directory either is complete or is not there
      const tmp = join(this.layout.volumesDir, `.new-${name}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(join(tmp, '_data'), { recursive: true, mode: 0o755 });
      writeJson(join(tmp, 'volume.json'), rec);
      renameSync(tmp, this.dir(name));
      emitEvent(this.layout, { type: 'volume', action: 'create', id: name, attributes: { driver: 'local' } });
      return rec;
    });
  }

  private read(name: string): VolumeRecord | undefined {
    return isVolumeName(name) ? readJson<VolumeRecord>(this.recordFile(name)) : undefined;
  }

  get(name: string): VolumeRecord {
    const r = this.read(name);
    if (!r) throw notFound('volume', name);
    return r;
  }

  exists(name: string): boolean {
    return this.read(name) !== undefined;
  }

  list(users?: VolumeUsers, filter: VolumeFilter = {}): VolumeRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.layout.volumesDir).filter(isVolumeName);
    } catch {
      return [];
    }
    const used = filter.dangling !== undefined ? (users?.() ?? new Map()) : undefined;
    return names
      .map((n) => this.read(n))
      .filter((r): r is VolumeRecord => r !== undefined)
      .filter((r) => matchLabels(r, filter.labels ?? []))
      .filter((r) => !filter.name?.length || filter.name.some((s) => r.Name.includes(s)))
      .filter((r) => used === undefined || (used.has(r.Name) ? filter.dangling === false : filter.dangling === true))
      .sort((a, b) => (a.Name < b.Name ? -1 : 1));
  }

  /** Updates a volume's record under the lock (copy-up done, last use). */
  async update(name: string, fn: (r: VolumeRecord) => void): Promise<void> {
    await withLock(this.lockFile, () => {
      const r = this.read(name);
      if (!r) return;
      fn(r);
      writeJson(this.recordFile(name), r);
    });
  }

  /** Runs fn under the volume lock (copy-up: one filler at a time). */
  locked<T>(fn: () => Promise<T> | T): Promise<T> {
    return withLock(this.lockFile, fn);
  }

  /** docker volume rm: refused while any container uses it; force only ignores a missing volume. */
  async remove(name: string, users: VolumeUsers, opts: { force?: boolean } = {}): Promise<void> {
    await withLock(this.layout.containersLock, () => withLock(this.lockFile, () => {
      if (!this.read(name)) {
        if (opts.force) return;
        throw notFound('volume', name);
      }
      const ids = users().get(name);
      if (ids?.length) {
        throw conflict(`remove ${name}: volume is in use - [${ids.map((i) => i.slice(0, 12)).join(', ')}]`);
      }
      this.destroy(name);
    }));
  }

  /** Removes volumes the caller found unused; it must hold containers/lock already. */
  async removeUnused(names: string[], users: VolumeUsers): Promise<string[]> {
    return withLock(this.lockFile, () => {
      const used = users();
      const gone: string[] = [];
      for (const n of names) {
        if (used.get(n)?.length || !this.read(n)) continue;
        this.destroy(n);
        gone.push(n);
      }
      return gone;
    });
  }

  /** docker volume prune: unused anonymous volumes, or with `all` every unused volume. */
  async prune(users: VolumeUsers, opts: { all?: boolean; labels?: string[] } = {}): Promise<{ deleted: string[]; reclaimed: number }> {
    return withLock(this.layout.containersLock, () => withLock(this.lockFile, () => {
      const used = users();
      const deleted: string[] = [];
      let reclaimed = 0;
      for (const r of this.list(undefined, { labels: opts.labels })) {
        if (used.get(r.Name)?.length || (!opts.all && !r.Anonymous)) continue;
        reclaimed += directoryUsage(r.Mountpoint);
        this.destroy(r.Name);
        deleted.push(r.Name);
      }
      return { deleted, reclaimed };
    }));
  }

  /** Every volume with its size, the containers that mount it, and its last use
   * (`system df -v`, the TUI's volume view). Sizes are walked now: this costs a du per volume. */
  report(users: VolumeUsers): VolumeUsage[] {
    const used = users();
    return this.list().map((r) => ({
      name: r.Name,
      driver: r.Driver,
      mountpoint: r.Mountpoint,
      labels: r.Labels,
      createdAt: r.CreatedAt,
      anonymous: r.Anonymous,
      containers: used.get(r.Name) ?? [],
      size: directoryUsage(r.Mountpoint),
      lastUsedAt: r.LastUsedAt,
    }));
  }

  /** Bytes used by a volume's data (a du walk; hard links counted once). */
  usage(name: string): number {
    return directoryUsage(this.get(name).Mountpoint);
  }

  private destroy(name: string): void {
    // renamed out of the way first: a half-deleted volume never looks like a volume
    const doomed = join(this.layout.volumesDir, `.del-${name}-${process.pid}`);
    renameSync(this.dir(name), doomed);
    rmSync(doomed, { recursive: true, force: true });
    emitEvent(this.layout, { type: 'volume', action: 'destroy', id: name, attributes: { driver: 'local' } });
  }
}

function matchLabels(r: VolumeRecord, filters: string[]): boolean {
  return filters.every((f) => {
    const eq = f.indexOf('=');
    if (eq < 0) return f in r.Labels;
    return r.Labels[f.slice(0, eq)] === f.slice(eq + 1);
  });
}
