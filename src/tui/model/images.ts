// The image list: reloaded when images/images.json is replaced (every image
// change rewrites that one file atomically), which is cheap: one JSON read.
import type { Engine } from '../../engine/index.js';
import type { ImageRecord } from '../../engine/image/index.js';
import { Emitter } from './emitter.js';
import { compareText } from '../../engine/compare.js';

export class ImageListModel {
  private list: ImageRecord[] = [];
  readonly changed = new Emitter<void>();

  constructor(private readonly engine: Engine) {}

  async load(): Promise<void> {
    this.list = (await this.engine.images.list()).sort((a, b) => compareText(b.created, a.created));
    this.changed.emit();
  }

  all(): ImageRecord[] { return this.list; }
  get(id: string): ImageRecord | undefined { return this.list.find((i) => i.id === id); }
}
