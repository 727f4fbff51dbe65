// The volume list with sizes and users. Sizes cost a du walk per volume, so
// the list is reloaded only when the volumes directory or a container's
// create/destroy changes something, never on a timer.
import type { Engine } from '../../engine/index.js';
import type { VolumeUsage } from '../../engine/volume/index.js';
import { Emitter } from './emitter.js';
import { compareText } from '../../engine/compare.js';

export class VolumeListModel {
  private list: VolumeUsage[] = [];
  readonly changed = new Emitter<void>();

  constructor(private readonly engine: Engine) {}

  load(): void {
    this.list = this.engine.volumes.report(() => this.engine.containers.volumeUsers())
      .sort((a, b) => compareText(a.name, b.name));
    this.changed.emit();
  }

  all(): VolumeUsage[] { return this.list; }
  get(name: string): VolumeUsage | undefined { return this.list.find((v) => v.name === name); }
}
