// The watchers that keep the models current from state changes on disk:
// engine events (events.jsonl, written by every berth process and by the
// monitors' cleanup) reload one container each, and make the other lists stale
// as each list says (ListModel.staleOn); a list may also watch a directory
// (images.json is replaced atomically on every image change). An endpoint's
// events come from its API's event stream, re-opened (and everything re-read)
// when its connection comes back. Nothing re-lists on a timer.
import { watch, type FSWatcher } from 'node:fs';
import type { Backend } from '../../backend/index.js';
import type { EngineEvent } from '../../engine/events/index.js';
import type { ListModel } from './list.js';

export interface WatchHandlers {
  container(id: string, ev: EngineEvent): void;
  error(message: string): void;
  /** An endpoint's connection came up (after a re-read) or went down; absent for the
   * embedded engine, whose events end only with an error worth showing. */
  connected?(up: boolean, why?: string): void;
  /** An endpoint's first read, and again after each reconnect (throws while unreachable). */
  resync?(): Promise<void>;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

export class Watchers {
  private readonly ac = new AbortController();
  private readonly fsWatchers: FSWatcher[] = [];
  private readonly timers = new Map<ListModel<unknown>, NodeJS.Timeout>();

  constructor(private readonly engine: Backend, private readonly lists: ReadonlyArray<ListModel<unknown>>, private readonly on: WatchHandlers) {}

  start(): void {
    void this.tailEvents();
    for (const l of this.lists) {
      const w = this.engine.layout && l.watchDir?.(this.engine.layout);
      if (w) this.watchDir(w.dir, w.want, l);
    }
  }

  stop(): void {
    this.ac.abort();
    for (const w of this.fsWatchers) w.close();
    for (const t of this.timers.values()) clearTimeout(t);
  }

  /** Follows the engine's events; a lost connection (an endpoint's) is reported once and
   * retried, slower each time up to RETRY_MAX_MS, and once it is back everything is read
   * again (what happened meanwhile has no events for us). Never throws. */
  private async tailEvents(): Promise<void> {
    const signal = this.ac.signal;
    let delay = RETRY_MIN_MS;
    while (!signal.aborted) {
      const it = this.engine.events(signal)[Symbol.asyncIterator]();
      try {
        let next = it.next(); // sends the request: nothing between the re-read and it is missed
        next.catch(() => { /* awaited below, or dropped with the failed re-read */ });
        await this.on.resync?.(); // an endpoint's lists are (re)read once its events flow
        this.on.connected?.(true);
        delay = RETRY_MIN_MS;
        for (let r = await next; !r.done; r = await next) {
          const ev = r.value;
          if (ev.type === 'container') this.on.container(ev.id, ev);
          for (const l of this.lists) if (l.staleOn?.(ev)) this.reload(l);
          next = it.next();
        }
        if (!this.on.resync) return; // the embedded engine's tail ends only when aborted
      } catch (e) {
        if (signal.aborted) return;
        void it.return?.(undefined)?.catch(() => {});
        if (this.on.connected) this.on.connected(false, (e as Error).message);
        else { this.on.error(`events: ${(e as Error).message}`); return; }
      }
      await new Promise((r) => setTimeout(r, delay).unref());
      delay = Math.min(delay * 2, RETRY_MAX_MS);
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
