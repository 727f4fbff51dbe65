// A list that is read whole and re-read whole when something says it is stale:
// images (one images.json), volumes (a du walk each, so never on a timer) and
// networks (one small JSON file each). Containers change one at a time and
// have their own model (containers.ts).
import type { EngineEvent } from '../../engine/events/index.js';
import type { Backend } from '../../backend/index.js';
import { Emitter } from './emitter.js';

type Layout = NonNullable<Backend['layout']>;

/** A list the view draws, kept current by the watchers (never re-listed on a timer). */
export interface ListModel<T> {
  readonly changed: Pick<Emitter<unknown>, 'onError'> & { on(listener: () => void): unknown };
  load(): void | Promise<void>;
  all(): T[];
  /** An engine event that makes this list stale (reloaded, debounced). */
  staleOn?(ev: EngineEvent): boolean;
  /** A directory whose changes (to files `want` accepts) make it stale. */
  watchDir?(layout: Layout): { dir: string; want(file: string): boolean };
}

export interface LoadedListSource<T> {
  read(): T[] | Promise<T[]>;
  staleOn?(ev: EngineEvent): boolean;
  watchDir?(layout: Layout): { dir: string; want(file: string): boolean };
}

export class LoadedList<T> implements ListModel<T> {
  private list: T[] = [];
  readonly changed = new Emitter<void>();
  readonly staleOn?: (ev: EngineEvent) => boolean;
  readonly watchDir?: (layout: Layout) => { dir: string; want(file: string): boolean };

  constructor(private readonly source: LoadedListSource<T>) {
    this.staleOn = source.staleOn;
    this.watchDir = source.watchDir;
  }

  private reads = 0;

  async load(): Promise<void> {
    const n = ++this.reads;
    const list = await this.source.read();
    if (n !== this.reads) return; // a later read is in flight (an endpoint may answer out of order)
    this.list = list;
    this.changed.emit();
  }

  all(): T[] { return this.list; }
}
