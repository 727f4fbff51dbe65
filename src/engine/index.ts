// The engine's face: the one object the CLI and the TUI talk to. It owns the
// state root and composes the services (images, containers, ...), each of
// which lives in its own folder and is imported only through its index.ts.
import { Layout, resolveRoot } from './store/layout.js';
import { ImageStore, type PruneResult, type RemoveResult } from './image/index.js';
import { ContainerService } from './container/index.js';
import { VolumeStore } from './volume/index.js';
import { NetworkStore, ensureBridge, removeBridge, type CreateNetworkOptions, type NetworkRecord } from './network/index.js';
import { RegistryService } from './registry/index.js';
import { diskUsage, type DiskUsage } from './disk-usage.js';
import { engineInfo, type EngineInfo } from './info.js';
import { StatsSampler } from './stats/index.js';

import { BerthError } from './errors.js';

export { BerthError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { EngineInfo } from './info.js';
export type { DiskUsage } from './disk-usage.js';
export { CPU_PERCENT_BASIS, type StatsSample } from './stats/index.js';

/** docker's `--pull` values for run and create. */
export type PullPolicy = 'missing' | 'always' | 'never';

export interface EngineOptions {
  /** State directory; default $BERTH_ROOT, else /var/lib/berth. */
  root?: string;
}

export class Engine {
  readonly layout: Layout;
  readonly images: ImageStore;
  readonly containers: ContainerService;
  readonly volumes: VolumeStore;
  readonly networks: NetworkStore;
  /** pull, push, login, logout (the registry client over the image store). */
  readonly registry: RegistryService;

  private constructor(layout: Layout) {
    this.layout = layout;
    this.images = new ImageStore(layout);
    this.containers = new ContainerService(layout, this.images);
    this.volumes = new VolumeStore(layout);
    this.networks = new NetworkStore(layout);
    this.registry = new RegistryService(layout, this.images);
  }

  private sampler?: StatsSampler;
  /** The one stats sampler of this engine (one timer for every container and subscriber). */
  stats(): StatsSampler {
    if (this.sampler?.closed) this.sampler = undefined; // a closed one has closed its files
    this.sampler ??= new StatsSampler((id) => {
      let rec;
      try { rec = this.containers.find(id); } catch { return undefined; } // removed
      const st = this.containers.state(rec);
      return { id: rec.id, name: rec.name, running: st.running, initPid: st.pid, cgroupPaths: rec.run?.cgroupPaths ?? [] };
    });
    return this.sampler;
  }

  /** docker's --pull policy for run/create: true when `ref` must be pulled before the
   *  container is made ("missing": not in the store; "always"; "never": never). An image
   *  ID is never pulled: a missing one is the store's NOT_FOUND. */
  async needsPull(ref: string, policy: PullPolicy = 'missing'): Promise<boolean> {
    if (policy === 'never') return false;
    if (policy === 'always') return true;
    try {
      await this.images.get(ref);
      return false;
    } catch (e) {
      if (!(e instanceof BerthError && e.code === 'NOT_FOUND') || /^(?:sha256:)?[a-f0-9]{64}$/.test(ref)) throw e;
      return true;
    }
  }

  // Removing what a container may use needs both stores: the rule "not while a container
  // uses it" lives here, once, for the CLI and the TUI alike.

  /** rmi: refuses an image a container uses unless force (which then only untags). */
  removeImage(ref: string, opts: { force?: boolean } = {}): Promise<RemoveResult> {
    return this.images.remove(ref, { force: opts.force, inUse: (id) => this.containers.usesImage(id) });
  }

  /** image prune: dangling images, or with `all` every image no container uses. */
  pruneImages(opts: { all?: boolean } = {}): Promise<PruneResult> {
    return this.images.prune({ all: opts.all, inUse: (id) => this.containers.usesImage(id) });
  }

  /** volume rm: refuses a volume a container uses unless force (and the container is gone). */
  removeVolume(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.volumes.remove(name, () => this.containers.volumeUsers(), opts);
  }

  /** volume prune: unused anonymous volumes, or with `all` unused named ones too. */
  pruneVolumes(opts: { all?: boolean; labels?: string[] } = {}): Promise<{ deleted: string[]; reclaimed: number }> {
    return this.volumes.prune(() => this.containers.volumeUsers(), opts);
  }

  /** network create: the record, then its bridge (at once, as docker; undone if the kernel refuses). */
  async createNetwork(o: CreateNetworkOptions): Promise<NetworkRecord> {
    const n = await this.networks.create(o);
    try {
      ensureBridge(n, () => this.networks.list(), true);
    } catch (e) {
      await this.networks.remove(n.Id);
      throw e;
    }
    return n;
  }

  /** network rm: refused while containers are attached; the bridge goes with the record. */
  async removeNetwork(ref: string): Promise<NetworkRecord> {
    const n = await this.networks.remove(ref);
    removeBridge(n, this.networks.list());
    return n;
  }

  /** network prune: every user-defined network no container is attached to. */
  async pruneNetworks(): Promise<string[]> {
    const gone: string[] = [];
    for (const n of this.networks.list()) {
      if (n.Name === 'bridge' || Object.keys(n.Containers).length) continue;
      try {
        gone.push((await this.removeNetwork(n.Id)).Name);
      } catch (e) {
        if (!(e instanceof BerthError && e.code === 'CONFLICT')) throw e; // attached meanwhile
      }
    }
    return gone;
  }

  /** `system df`: images, containers and volumes with their sizes (walks the disk). */
  diskUsage(): Promise<DiskUsage> {
    return diskUsage(this.layout, this.containers, this.images, this.volumes);
  }

  info(): Promise<EngineInfo> {
    return engineInfo(this.layout, this.containers, this.images);
  }

  static open(opts: EngineOptions = {}): Engine {
    const layout = new Layout(resolveRoot(opts.root));
    layout.ensure();
    return new Engine(layout);
  }
}
