// The engine's face: the one object the CLI and the TUI talk to. It owns the
// state root and composes the services (images, containers, ...), each of
// which lives in its own folder and is imported only through its index.ts.
import { Layout, resolveRoot } from './store/layout.js';
import { filterImages, IMAGE_FILTERS, ImageStore, type ImageRecord, type PruneResult, type RemoveResult } from './image/index.js';
import { ContainerService, filterContainers, networkModeOf, PS_FILTERS, type ContainerSummary } from './container/index.js';
import { directoryUsage, VolumeStore } from './volume/index.js';
import { parseFilters } from './filters.js';
import { NetworkStore, ensureBridge, parseNetworkMode, pruneTest, removeBridge, type CreateNetworkOptions, type NetworkRecord } from './network/index.js';
import { RegistryService } from './registry/index.js';
import { diskUsage, type DiskUsage } from './disk-usage.js';
import { engineInfo, type EngineInfo } from './info.js';
import { checkNetworks, checkSystem, removeDeadBuildContainers, repairFindings, type CheckOptions, type Finding, type RepairReport } from './check/index.js';
import { StatsSampler } from './stats/index.js';
import { pruneCache, type BuildOptions, type BuildResult } from './build/index.js';
import { policyFrom } from './registry/index.js';

import { BerthError } from './errors.js';
import { crashPoint } from './crash-point.js';

export { BerthError, notFound } from './errors.js';
export { atomicWriteFile } from './store/atomic.js';
export type { ErrorCode } from './errors.js';
export type { EngineInfo } from './info.js';
export { engineVersion, type EngineVersion } from './info.js';
export type { CheckOptions, Finding, RepairReport } from './check/index.js';
export type { DiskUsage } from './disk-usage.js';
export { parseFilters, boolFilter, type Filters } from './filters.js';
export { CPU_PERCENT_BASIS, type StatsSample } from './stats/index.js';

/** docker's `--pull` values for run and create. */
export type PullPolicy = 'missing' | 'always' | 'never';

export interface EngineOptions {
  /** State directory; default $BERTH_ROOT, else /var/lib/berth. */
  root?: string;
  /** Where one-line warnings go (the CLI prints docker's `WARNING: …`); dropped without it. */
  warn?: (message: string) => void;
  /** A long-lived face (TUI, API service): collect the exits of the containers it starts in
   *  this process, instead of a cleanup process per exit (container/collector.ts). */
  collectExits?: boolean;
}

export class Engine {
  readonly layout: Layout;
  readonly images: ImageStore;
  readonly containers: ContainerService;
  readonly volumes: VolumeStore;
  readonly networks: NetworkStore;
  /** pull, push, login, logout (the registry client over the image store). */
  readonly registry: RegistryService;

  private constructor(layout: Layout, opts: EngineOptions) {
    this.layout = layout;
    this.images = new ImageStore(layout, opts.warn);
    this.containers = new ContainerService(layout, this.images, { collectExits: opts.collectExits });
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
      const mode = parseNetworkMode(networkModeOf(rec)).kind;
      return { id: rec.id, name: rec.name, running: st.running, initPid: st.pid, cgroupPaths: rec.run?.cgroupPaths ?? [], ownNetns: mode === 'none' || mode === 'network' };
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
    return this.images.remove(ref, { force: opts.force, inUse: (id) => this.containers.imageUser(id) });
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

  // Lists with docker's --filter: ancestor= and before=/since= of images need the image store.

  /** ps: the containers docker would list (newest first) for -a, -n/-l and --filter. */
  async listContainers(opts: { all?: boolean; limit?: number; filters?: string[] } = {}): Promise<ContainerSummary[]> {
    const filters = parseFilters(opts.filters, PS_FILTERS);
    let ancestors: Set<string> | undefined;
    const wanted = filters.get('ancestor');
    if (wanted) {
      ancestors = new Set();
      const images = await this.images.list();
      for (const ref of wanted) {
        let base: ImageRecord;
        try {
          base = await this.images.get(ref);
        } catch (e) {
          if (e instanceof BerthError && e.code === 'NOT_FOUND') continue; // docker: a warning, no match
          throw e;
        }
        ancestors.add(base.id);
        // images built on it (commit) carry its layers first and more after them
        for (const img of images) {
          if (img.layers.length > base.layers.length && base.layers.every((l, i) => img.layers[i] === l)) ancestors.add(img.id);
        }
      }
    }
    // the repairs below are a listing's courtesy: one that cannot be done now (a full disk)
    // must not keep ps from answering; the next command, or system check, finishes it
    try { await this.containers.settleNetworkEdits(); } catch { /* see above */ }
    let all = this.containers.list({ all: true });
    // a killed build's RUN containers go (judged from the rows: no second read of the records)
    if (await removeDeadBuildContainers(this.layout, this.containers, all)) all = this.containers.list({ all: true });
    // a start killed after taking its addresses is undone by list's settle, which cannot wait for
    // the networks' lock: its endpoints are released here, as system check's repair does
    const running = new Set(all.filter((c) => c.state === 'running' || c.state === 'paused').map((c) => c.id));
    for (const f of checkNetworks(this.layout, running)) {
      try { await f.repair?.run(); } catch { /* see above */ }
    }
    return filterContainers(all, { all: opts.all, limit: opts.limit, filters, ancestors });
  }

  /** ps -s: the bytes a container wrote (its upper dir), and those plus its image's. */
  async containerSize(c: ContainerSummary): Promise<{ rw: number; rootFs: number }> {
    const rw = directoryUsage(this.layout.container(c.id).upper);
    const image = (await this.images.list()).find((i) => i.id === c.imageId);
    return { rw, rootFs: rw + (image?.size ?? 0) };
  }

  /** images: the image records docker would list for --filter (reference= keeps the matching tags). */
  async listImages(opts: { filters?: string[]; all?: boolean } = {}): Promise<ImageRecord[]> {
    const filters = parseFilters(opts.filters, IMAGE_FILTERS);
    let all = await this.images.list();
    if (!opts.all) {
      // docker: the builder's intermediate images (untagged, with an image built on them) only with -a
      const parents = new Set(all.map((i) => i.parent));
      all = all.filter((i) => i.repoTags.length || !parents.has(i.id));
    }
    const byRef = new Map<string, ImageRecord>();
    for (const ref of [...(filters.get('before') ?? []), ...(filters.get('since') ?? [])]) byRef.set(ref, await this.images.get(ref));
    return filterImages(all, { filters, lookup: (ref) => byRef.get(ref)! });
  }

  /** network create: the record, then its bridge (at once, as docker; undone if the kernel refuses). */
  async createNetwork(o: CreateNetworkOptions): Promise<NetworkRecord> {
    const n = await this.networks.create(o);
    crashPoint('network-create:recorded');
    try {
      ensureBridge(n, () => this.networks.list(), true);
    } catch (e) {
      await this.networks.remove(n.Id);
      throw e;
    }
    return n;
  }

  /** network rm: refused while containers are attached; the bridge goes, then the record. With
   * force a network that does not exist is no error (undefined), as `volume rm -f`. */
  async removeNetwork(ref: string, opts: { force?: boolean } = {}): Promise<NetworkRecord | undefined> {
    return this.networks.remove(ref, { ...opts, unplug: (n) => removeBridge(n, this.networks.list().filter((x) => x.Id !== n.Id)) });
  }

  /** network prune: every user-defined network no container is attached to, that docker's
   * prune filters keep (until=, label=, label!=). */
  async pruneNetworks(opts: { filters?: string[] } = {}): Promise<string[]> {
    const prunable = pruneTest(opts.filters);
    const gone: string[] = [];
    for (const n of this.networks.list().filter(prunable)) {
      try {
        const r = await this.removeNetwork(n.Id, { force: true });
        if (r) gone.push(r.Name);
      } catch (e) {
        if (!(e instanceof BerthError && e.code === 'CONFLICT')) throw e; // attached meanwhile
      }
    }
    return gone;
  }

  /** `build`: a Dockerfile into an image; FROM's missing images come through the registry client. */
  async build(opts: BuildOptions): Promise<BuildResult> {
    const quiet = { line: () => undefined, status: () => undefined, end: () => undefined };
    const { build } = await import('./build/builder.js');
    return build({
      layout: this.layout, images: this.images, containers: this.containers,
      pull: async (ref) => (await this.registry.pull(ref, { policy: policyFrom(), progress: quiet })).record,
    }, opts);
  }

  /** `builder prune`: the build cache's intermediate images no container uses, and its entries. */
  pruneBuildCache(): Promise<{ deleted: string[]; reclaimed: number }> {
    return pruneCache(this.layout, this.images, (id, o) => this.images.remove(id, o), (id) => this.containers.usesImage(id));
  }

  /** `system df`: images, containers and volumes with their sizes (walks the disk). */
  diskUsage(): Promise<DiskUsage> {
    return diskUsage(this.layout, this.containers, this.images, this.volumes);
  }

  /** `system check`: what crashes, kills or a full disk left inconsistent (engine/check). */
  check(opts: CheckOptions = {}): Promise<Finding[]> {
    return checkSystem(this.layout, this.images, this.containers, opts);
  }

  /** `system check --repair` / `system boot`: makes the safe repairs of these findings. */
  repair(findings: Finding[]): Promise<RepairReport[]> {
    return repairFindings(findings);
  }

  info(): Promise<EngineInfo> {
    return engineInfo(this.layout, this.containers, this.images);
  }

  static open(opts: EngineOptions = {}): Engine {
    const layout = new Layout(resolveRoot(opts.root));
    layout.ensure();
    return new Engine(layout, opts);
  }
}
