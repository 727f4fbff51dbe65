// Live stats for the TUI: one subscription per visible running container on
// the engine's single sampler (one timer for all), each feeding that
// container's downsampled history. Views are told once per sampler tick, not
// once per container.
import type { StatsSource } from '../../backend/index.js';
import { Emitter } from './emitter.js';
import { StatsHistory } from './stats-history.js';

export class StatsModel {
  private readonly histories = new Map<string, StatsHistory>();
  private readonly subs = new Map<string, () => void>();
  private pending = false;
  /** Emitted after each tick that delivered samples. */
  readonly ticked = new Emitter<void>();

  constructor(private readonly sampler: StatsSource) {}

  history(id: string): StatsHistory | undefined { return this.histories.get(id); }

  /** Why the engine gives no samples for `id` (an endpoint that cannot), if it said. */
  unavailable(id: string): string | undefined { return this.sampler.unavailable?.(id); }

  /** Makes the subscribed set exactly `ids` (visible running containers); the selected
   * container's history is kept even when it scrolls away, so its charts do not restart. */
  watch(ids: Iterable<string>): void {
    if (this.closed) return;
    const want = new Set(ids);
    for (const [id, off] of this.subs) if (!want.has(id)) { off(); this.subs.delete(id); }
    for (const id of want) {
      if (this.subs.has(id)) continue;
      let h = this.histories.get(id);
      if (!h) { h = new StatsHistory(); this.histories.set(id, h); }
      const hist = h;
      try {
        this.subs.set(id, this.sampler.subscribe(id, (s) => { hist.add(s); this.schedule(); }));
      } catch {
        // removed between the list and now: its destroy event will follow
      }
    }
  }

  /** Drops a removed container's history. */
  forget(id: string): void {
    this.subs.get(id)?.();
    this.subs.delete(id);
    this.histories.delete(id);
  }

  private closed = false;

  close(): void {
    this.closed = true;
    for (const off of this.subs.values()) off();
    this.subs.clear();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => { this.pending = false; this.ticked.emit(); });
  }
}
