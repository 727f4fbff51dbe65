// The embedded engine as a Backend: the Engine's own services, unwrapped, so the
// workstation over berth's root works exactly as before. Only what the interface
// shapes differently is adapted here: events (the events.jsonl tail) and the
// volume report (which takes the engine's own container users).
import { engineVersion, type Engine, type PullPolicy } from '../engine/index.js';
import { watchEvents, type EngineEvent } from '../engine/events/index.js';
import type { ContainerSummary } from '../engine/container/index.js';
import type { CreateNetworkOptions } from '../engine/network/index.js';
import type { Backend, ImageListItem, ImageRemoval, MainAttachment, ServerVersion } from './types.js';

export class EmbeddedBackend implements Backend {
  readonly address: string;
  readonly layout: Engine['layout'];
  readonly containers: Engine['containers'];
  readonly images: Engine['images'];
  readonly networks: Engine['networks'];
  readonly registry: Engine['registry'];
  readonly volumes: Backend['volumes'];

  constructor(readonly engine: Engine, readonly name = 'berth') {
    this.layout = engine.layout;
    this.address = engine.layout.root;
    this.containers = engine.containers;
    this.images = engine.images;
    this.networks = engine.networks;
    this.registry = engine.registry;
    const v = engine.volumes;
    this.volumes = {
      report: () => v.report(() => engine.containers.volumeUsers()),
      get: (name) => v.get(name),
      create: (o) => v.create(o),
    };
  }

  stats(): ReturnType<Engine['stats']> { return this.engine.stats(); }
  listContainers(opts: { all?: boolean; limit?: number; filters?: string[] }): Promise<ContainerSummary[]> { return this.engine.listContainers(opts); }
  containerSize(c: ContainerSummary): Promise<{ rw: number; rootFs: number }> { return this.engine.containerSize(c); }
  listImages(opts: { filters?: string[]; all?: boolean }): Promise<ImageListItem[]> { return this.engine.listImages(opts); }
  async serverInfo(): Promise<Record<string, unknown>> { return { ...(await this.engine.info()) }; }
  async serverVersion(): Promise<ServerVersion> {
    // a library in this process: the client's own release, and no daemon to name
    const v = engineVersion();
    return {
      Platform: { Name: 'berth embedded engine (no daemon)' },
      Components: [{ Name: 'Engine', Version: v.Version, Details: { KernelVersion: v.KernelVersion, Os: v.Os, Arch: v.Arch } }],
      Version: v.Version, Os: v.Os, Arch: v.Arch, KernelVersion: v.KernelVersion,
    };
  }
  needsPull(ref: string, policy?: PullPolicy): Promise<boolean> { return this.engine.needsPull(ref, policy); }
  stopTimeout(ref: string): number { return this.engine.containers.find(ref).config.stopTimeout; }
  removeImage(ref: string, opts: { force?: boolean } = {}): Promise<ImageRemoval> { return this.engine.removeImage(ref, opts); }
  pruneImages(opts: { all?: boolean } = {}): ReturnType<Engine['pruneImages']> { return this.engine.pruneImages(opts); }
  removeVolume(name: string, opts: { force?: boolean } = {}): Promise<void> { return this.engine.removeVolume(name, opts); }
  pruneVolumes(opts: { all?: boolean } = {}): ReturnType<Engine['pruneVolumes']> { return this.engine.pruneVolumes(opts); }
  createNetwork(o: CreateNetworkOptions): ReturnType<Engine['createNetwork']> { return this.engine.createNetwork(o); }
  removeNetwork(ref: string, opts: { force?: boolean } = {}): Promise<unknown> { return this.engine.removeNetwork(ref, opts); }
  async attachMain(ref: string): Promise<MainAttachment> {
    const c = this.engine.containers;
    const rec = c.find(ref);
    const conn = await c.attach(rec.id);
    return { conn, tty: rec.config.tty, openStdin: rec.config.openStdin, wait: () => c.wait(rec.id) };
  }
  get embedded(): Engine { return this.engine; }
  pruneNetworks(): Promise<string[]> { return this.engine.pruneNetworks(); }
  events(signal: AbortSignal): AsyncIterable<EngineEvent> { return watchEvents(this.engine.layout, { signal }); }
  close(): void { this.engine.stats().close(); }
}
