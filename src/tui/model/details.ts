// What the details area shows for the selected item: its inspect document
// (navigable JSON, environment and mounts come from it) and, for a running
// container, its processes. Re-read when the item changes or an event names it;
// processes are re-read on the stats tick only while their tab is shown.
import type { Backend } from '../../backend/index.js';
import { Emitter } from './emitter.js';

/** What the details area shows for a row: its inspect document, and whether it is a container. */
export interface Selected {
  kind: string;
  id: string;
  name: string;
  inspect(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** What the "output" tab shows, read at each frame (a build's progress as it runs). */
  output?(): string[];
}


export class DetailsModel {
  selected?: Selected;
  inspect?: Record<string, unknown>;
  processes: readonly object[] = [];
  error?: string;
  readonly changed = new Emitter<void>();

  constructor(private readonly engine: Backend) {}

  async select(sel: Selected | undefined): Promise<void> {
    const same = sel && this.selected && sel.kind === this.selected.kind && sel.id === this.selected.id;
    this.selected = sel;
    if (!same) { this.inspect = undefined; this.processes = []; this.changed.emit(); }
    await this.reload();
  }

  async reload(): Promise<void> {
    const sel = this.selected;
    this.error = undefined;
    if (!sel) { this.inspect = undefined; this.changed.emit(); return; }
    try {
      const doc = await sel.inspect();
      if (this.selected !== sel) return; // the selection moved on while we read
      this.inspect = doc;
    } catch (e) {
      if (this.selected !== sel) return;
      this.inspect = undefined;
      this.error = (e as Error).message;
    }
    this.changed.emit();
  }

  /** Re-reads the processes of the selected running container. */
  async reloadProcesses(): Promise<void> {
    const sel = this.selected;
    if (sel?.kind !== 'container') return;
    try {
      const rows = await this.engine.containers.top(sel.id);
      if (this.selected !== sel) return;
      this.processes = rows;
    } catch {
      this.processes = []; // not running: the tab says so
    }
    this.changed.emit();
  }

  env(): string[] {
    const cfg = this.inspect?.Config as { Env?: string[] } | undefined;
    return cfg?.Env ?? [];
  }

  mounts(): Array<Record<string, unknown>> {
    return (this.inspect?.Mounts as Array<Record<string, unknown>> | undefined) ?? [];
  }
}
