// Following one container's log into a bounded buffer. The follow ends when
// the container stops; a later start (an engine event) follows again from
// where the buffer is. Views are told at most every 50 ms, however fast the
// container writes.
import type { Engine } from '../../engine/index.js';
import { Emitter } from './emitter.js';
import { LogBuffer } from './log-buffer.js';

const NOTIFY_MS = 50;
const INITIAL_TAIL = 1000;

export class LogModel {
  readonly buffer = new LogBuffer();
  readonly changed = new Emitter<void>();
  /** Errors while reading (shown in the status line). */
  readonly failed = new Emitter<string>();
  private abort?: AbortController;
  private timer?: NodeJS.Timeout;
  private lastTimeNs = -1n;
  containerId?: string;
  following = false;

  constructor(private readonly engine: Engine) {}

  /** Shows `id`'s log (replacing any other container's). */
  open(id: string): void {
    if (this.containerId === id && this.following) return;
    if (this.containerId !== id) {
      this.close();
      this.buffer.clear();
      this.lastTimeNs = -1n;
      this.containerId = id;
    }
    void this.follow(id);
  }

  close(): void {
    this.abort?.abort();
    this.abort = undefined;
    this.following = false;
    this.containerId = undefined;
  }

  private async follow(id: string): Promise<void> {
    this.abort?.abort();
    const ac = new AbortController();
    this.abort = ac;
    this.following = true;
    // after a restart, only what came after the last line we hold (no duplicates)
    const since = this.lastTimeNs >= 0n ? new Date(Number(this.lastTimeNs / 1_000_000n)) : undefined;
    try {
      for await (const r of this.engine.containers.logs(id, { follow: true, tail: since ? undefined : INITIAL_TAIL, since, signal: ac.signal })) {
        if (ac.signal.aborted) break;
        if (r.timeNs <= this.lastTimeNs) continue;
        this.lastTimeNs = r.timeNs;
        this.buffer.push(r.time, r.stream, r.data.toString('utf8')); // whole lines: no character cut
        this.notify();
      }
    } catch (e) {
      if (!ac.signal.aborted) this.failed.emit(`logs: ${(e as Error).message}`);
    } finally {
      if (this.abort === ac) this.following = false;
      this.notify();
    }
  }

  private notify(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.changed.emit(); }, NOTIFY_MS);
  }
}
