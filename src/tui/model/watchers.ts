// The watchers that keep the models current from state changes on disk:
// engine events (events.jsonl, written by every berth process and by the
// monitors' cleanup) reload one container each, and make the other lists stale
// as each list says (ListModel.staleOn); a list may also watch a directory
// (images.json is replaced atomically on every image change). Nothing
// re-lists on a timer.
import { watch, type FSWatcher } from 'node:fs';
import type { Engine } from '../../engine/index.js';
import { watchEvents, type EngineEvent } from '../../engine/events/index.js';
import type { ListModel } from './list.js';

export interface WatchHandlers {
  container(id: string, ev: EngineEvent): void;
  error(message: string): void;
}

export class Watchers {
  private readonly ac = new AbortController();
  private readonly fsWatchers: FSWatcher[] = [];
  private readonly timers = new Map<ListModel<unknown>, NodeJS.Timeout>();

  constructor(private readonly engine: Engine, private readonly lists: ReadonlyArray<ListModel<unknown>>, private readonly on: WatchHandlers) {}

  start(): void {
    void this.tailEvents();
    for (const l of this.lists) {
      const w = l.watchDir?.(this.engine.layout);
      if (w) this.watchDir(w.dir, w.want, l);
    }
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
        for (const l of this.lists) if (l.staleOn?.(ev)) this.reload(l);
      }
    } catch (e) {
      if (!this.ac.signal.aborted) this.on.error(`events: ${(e as Error).message}`);
    }
  }

  private watchDir(dir: string, want: (file: string) => boolean, list: ListModel<unknown>): void {
    try {
      const w = watch(dir, { persistent: false }, (_ev, file) => {
        if (file === null || want(file.toString())) this.reload(list);
      });
      w.on('error', () => w.close());
      this.fsWatchers.push(w);
    } catch (e) {
      this.on.error(`cannot watch ${dir}: ${(e as Error).message}`);
    }
  }

  /** Bursts of changes (a pull writes many files) become one reload. */
  private reload(list: ListModel<unknown>): void {
    if (this.timers.has(list)) return;
    this.timers.set(list, setTimeout(() => {
      this.timers.delete(list);
      Promise.resolve().then(() => list.load()).catch((e) => this.on.error((e as Error).message));
    }, 150));
  }
}
