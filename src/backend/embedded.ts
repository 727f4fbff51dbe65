// The embedded engine as a Backend: the Engine's own services, unwrapped, so the
// workstation over berth's root works exactly as before. Only what the interface
// shapes differently is adapted here: events (the events.jsonl tail) and the
// volume report (which takes the engine's own container users).
import type { Engine } from '../engine/index.js';
import { watchEvents, type EngineEvent } from '../engine/events/index.js';
import type { Backend } from './types.js';

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
  needsPull(ref: string): Promise<boolean> { return this.engine.needsPull(ref); }
  removeImage(ref: string): Promise<unknown> { return this.engine.removeImage(ref); }
  pruneImages(): ReturnType<Engine['pruneImages']> { return this.engine.pruneImages(); }
  removeVolume(name: string): Promise<void> { return this.engine.removeVolume(name); }
  pruneVolumes(): ReturnType<Engine['pruneVolumes']> { return this.engine.pruneVolumes(); }
  createNetwork(o: { name: string; subnet?: string }): ReturnType<Engine['createNetwork']> { return this.engine.createNetwork(o); }
  removeNetwork(ref: string): Promise<unknown> { return this.engine.removeNetwork(ref); }
  pruneNetworks(): Promise<string[]> { return this.engine.pruneNetworks(); }
  events(signal: AbortSignal): AsyncIterable<EngineEvent> { return watchEvents(this.engine.layout, { signal }); }
  close(): void { this.engine.stats().close(); }
}
