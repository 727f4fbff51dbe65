// The engine's face: the one object the CLI and the TUI talk to. It owns the
// state root and composes the services (images, containers, ...), each of
// which lives in its own folder and is imported only through its index.ts.
import { Layout, resolveRoot } from './store/layout.js';
import { ImageStore } from './image/index.js';
import { ContainerService } from './container/index.js';
import { VolumeStore } from './volume/index.js';
import { diskUsage, type DiskUsage } from './disk-usage.js';
import { engineInfo, type EngineInfo } from './info.js';
import { StatsSampler } from './stats/index.js';

export { BerthError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type { EngineInfo } from './info.js';
export type { DiskUsage } from './disk-usage.js';
export { CPU_PERCENT_BASIS, type StatsSample } from './stats/index.js';

export interface EngineOptions {
  /** State directory; default $BERTH_ROOT, else /var/lib/berth. */
  root?: string;
}

export class Engine {
  readonly layout: Layout;
  readonly images: ImageStore;
  readonly containers: ContainerService;
  readonly volumes: VolumeStore;

  private constructor(layout: Layout) {
    this.layout = layout;
    this.images = new ImageStore(layout);
    this.containers = new ContainerService(layout, this.images);
    this.volumes = new VolumeStore(layout);
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
