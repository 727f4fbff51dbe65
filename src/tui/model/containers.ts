// The container list as the containers view shows it: loaded once, then kept
// current one container at a time from engine events (a start, die or destroy
// reloads only that container's record).
import type { Backend } from '../../backend/index.js';
import type { ContainerSummary } from '../../engine/container/index.js';
import { Emitter } from './emitter.js';
import type { ListModel } from './list.js';
import { compareText } from '../../engine/compare.js';

export class ContainerListModel implements ListModel<ContainerSummary> {
  private readonly byId = new Map<string, ContainerSummary>();
  /** Emits the IDs that changed (added, updated or removed). */
  readonly changed = new Emitter<string[]>();

  constructor(private readonly engine: Backend) {}

  /** Every container, read once (then kept current by refresh). */
  load(): Promise<void> { return this.loadAll(); }

  async loadAll(): Promise<void> {
    const all = await this.engine.containers.list({ all: true });
    this.byId.clear();
    for (const s of all) this.byId.set(s.id, s);
    this.changed.emit([...this.byId.keys()]);
  }

  /** The latest re-read of each container: an endpoint may answer two in flight out of order. */
  private readonly reads = new Map<string, number>();
  private sent = 0;

  /** Re-reads one container (after an event about it); gone = removed from the list. */
  async refresh(id: string): Promise<void> {
    const n = ++this.sent; // never reused, so an old answer cannot match a later read's number
    this.reads.set(id, n);
    let s: ContainerSummary | undefined;
    try {
      s = await this.engine.containers.summary(id);
    } catch {
      s = undefined; // destroyed (or half-removed): it leaves the list
    }
    if (this.reads.get(id) !== n) return; // a later re-read was sent: its answer counts
    this.reads.delete(id);
    if (s) this.byId.set(id, s);
    else this.byId.delete(id);
    this.changed.emit([id]);
  }

  get(id: string): ContainerSummary | undefined { return this.byId.get(id); }

  /** Newest first, as `ps` lists them. */
  all(): ContainerSummary[] {
    return [...this.byId.values()].sort((a, b) => compareText(b.created, a.created) || compareText(a.name, b.name));
  }

  /** How many containers (any state) were made from each image ID. */
  imageUsers(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const c of this.byId.values()) m.set(c.imageId, [...(m.get(c.imageId) ?? []), c.name]);
    return m;
  }
}
