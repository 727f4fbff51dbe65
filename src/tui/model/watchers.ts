// The watchers that keep the models current from state changes on disk:
// engine events (events.jsonl, written by every berth process and by the
// monitors' cleanup) for containers, the atomically replaced images.json for
// images, and the volumes directory for volumes. Nothing re-lists on a timer.
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import type { Engine } from '../../engine/index.js';
import { watchEvents, type EngineEvent } from '../../engine/events/index.js';

export interface WatchHandlers {
  container(id: string, ev: EngineEvent): void;
  images(): void;
  volumes(): void;
  error(message: string): void;
}

export class Watchers {
  private readonly ac = new AbortController();
  private readonly fsWatchers: FSWatcher[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly engine: Engine, private readonly on: WatchHandlers) {}

  start(): void {
    void this.tailEvents();
    const layout = this.engine.layout;
    this.watchDir(layout.imagesDir, (f) => f === basename(layout.imagesIndex), () => this.on.images());
    this.watchDir(layout.volumesDir, (f) => !f.startsWith('.'), () => this.on.volumes());
  }

  stop(): void {
    this.ac.abort();
    for (const w of this.fsWatchers) w.close();
    for (const t of this.timers.values()) clearTimeout(t);
  }

  private async tailEvents(): Promise<void> {
    try {
      for await (const ev of watchEvents(this.engine.layout, { signal: this.ac.signal })) {
        if (ev.type === 'container') this.on.container(ev.id, ev);
        // a container's create/destroy changes who uses an image or a volume
        if (ev.type === 'container' && (ev.action === 'create' || ev.action === 'destroy')) this.debounce('volumes', () => this.on.volumes());
        if (ev.type === 'image') this.debounce('images', () => this.on.images());
        if (ev.type === 'volume') this.debounce('volumes', () => this.on.volumes());
      }
    } catch (e) {
      if (!this.ac.signal.aborted) this.on.error(`events: ${(e as Error).message}`);
    }
  }

  private watchDir(dir: string, want: (file: string) => boolean, fire: () => void): void {
    try {
      const w = watch(dir, { persistent: false }, (_ev, file) => {
        if (file === null || want(file.toString())) this.debounce(dir, fire);
      });
      w.on('error', () => w.close());
      this.fsWatchers.push(w);
    } catch (e) {
      this.on.error(`cannot watch ${dir}: ${(e as Error).message}`);
    }
  }

  /** Bursts of changes (a pull writes many files) become one reload. */
  private debounce(key: string, fn: () => void): void {
    if (this.timers.has(key)) return;
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); fn(); }, 150));
  }
}
