// Following one container's log into a bounded buffer. The follow ends when
// the container stops; a later start (an engine event, or found running when
// the follow ends: the start can come before the follow saw the stop) follows
// again from where the buffer is. Views are told at most every 50 ms, however
// fast the container writes. A line is read to at most its last 32 KiB (the
// buffer keeps 8192 characters of it): a log of one 48 MB line is not held.
import type { Backend } from '../../backend/index.js';
import { Emitter } from './emitter.js';
import { LogBuffer } from './log-buffer.js';

const NOTIFY_MS = 50;
const INITIAL_TAIL = 1000;

/** How far back the log is read when opened: the last lines, the last minutes, or all of
 * it (the buffer still keeps only its newest 5000 lines). */
export const LOG_WINDOWS = ['tail', '1m', '5m', '15m', 'all'] as const;
export type LogWindow = typeof LOG_WINDOWS[number];
export const windowTitle = (w: LogWindow): string => (w === 'tail' ? `last ${INITIAL_TAIL}` : w === 'all' ? 'all' : `since ${w}`);
const MAX_LINE_BYTES = 32 * 1024;

export class LogModel {
  readonly buffer = new LogBuffer();
  readonly changed = new Emitter<void>();
  /** Errors while reading (shown in the status line). */
  readonly failed = new Emitter<string>();
  private abort?: AbortController;
  private timer?: NodeJS.Timeout;
  private lastTimeNs = -1n;
  /** The oldest held line's stamp, and how many lines were read since the open (loadOlder). */
  private firstTimeNs = -1n;
  private delivered = 0;
  containerId?: string;
  following = false;
  window: LogWindow = 'tail';

  constructor(private readonly engine: Backend) {}

  /** Shows `id`'s log from `window` on (replacing any other container's or window's). */
  open(id: string, window: LogWindow = this.window): void {
    if (this.containerId === id && this.window === window && this.following) return;
    if (this.containerId !== id || this.window !== window) {
      this.close();
      this.buffer.clear();
      this.lastTimeNs = -1n;
      this.firstTimeNs = -1n;
      this.delivered = 0;
      this.containerId = id;
      this.window = window;
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
    const resume = this.lastTimeNs >= 0n ? new Date(Number(this.lastTimeNs / 1_000_000n)) : undefined;
    const w = this.window;
    const from = resume ? { since: resume } : w === 'tail' ? { tail: INITIAL_TAIL } : w === 'all' ? {} : { since: new Date(Date.now() - parseInt(w, 10) * 60_000) };
    let ended: 'failed' | undefined;
    try {
      for await (const r of this.engine.containers.logs(id, { follow: true, ...from, signal: ac.signal, maxLineBytes: MAX_LINE_BYTES })) {
        if (ac.signal.aborted) break;
        if (r.timeNs <= this.lastTimeNs) continue;
        this.lastTimeNs = r.timeNs;
        if (this.firstTimeNs < 0n) this.firstTimeNs = r.timeNs;
        this.delivered++;
        // whole lines: no character cut (but the start of a cut line, which is marked)
        this.buffer.push(r.time, r.stream, (r.cut ? '…' : '') + r.data.toString('utf8'));
        this.notify();
      }
    } catch (e) {
      if (!ac.signal.aborted) { this.failed.emit(`logs: ${(e as Error).message}`); ended = 'failed'; }
    } finally {
      if (this.abort === ac) this.following = false;
      this.notify();
    }
    // the follow saw an exit, but a new run may have started since (its start event found
    // this follow still going, so nothing else will follow it): follow that run too
    if (!ended && this.abort === ac && !ac.signal.aborted && this.containerId === id && await this.running(id)) void this.follow(id);
  }

  /**
   * Reads up to `n` lines from before the oldest one held and puts them in front (scrolling
   * up past the top). The engine reads a tail backwards from the file's end, so this costs
   * the lines asked for, never the whole file; docker's tail counts from the end, so it asks
   * for what is held plus `n` and keeps what is older. Resolves to how many were added.
   */
  async loadOlder(n = 1000): Promise<number> {
    const id = this.containerId, first = this.firstTimeNs;
    const room = Math.min(n, this.buffer.maxLines - this.buffer.length);
    // nothing held yet, or the buffer already dropped lines to stay bounded: nothing to add
    if (!id || first < 0n || this.buffer.dropped || room <= 0) return 0;
    const older: Array<{ time: string; stream: 'stdout' | 'stderr'; text: string; timeNs: bigint }> = [];
    for await (const r of this.engine.containers.logs(id, { tail: this.delivered + room + 64, maxLineBytes: MAX_LINE_BYTES })) {
      if (r.timeNs >= first) break; // records come in time order: the rest is held already
      older.push({ time: r.time, stream: r.stream, text: (r.cut ? '…' : '') + r.data.toString('utf8'), timeNs: r.timeNs });
    }
    // another container or window was opened meanwhile: these lines are not its
    if (this.containerId !== id || this.firstTimeNs !== first) return 0;
    const take = older.slice(-room);
    if (!take.length) return 0;
    this.buffer.prepend(take.map(({ time, stream, text }) => ({ time, stream, text })));
    this.firstTimeNs = take[0].timeNs;
    this.delivered += take.length;
    this.notify();
    return take.length;
  }

  private async running(id: string): Promise<boolean> {
    try {
      const st = (await this.engine.containers.summary(id)).state;
      return st === 'running' || st === 'paused';
    } catch {
      return false; // removed
    }
  }

  private notify(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = undefined; this.changed.emit(); }, NOTIFY_MS);
  }
}
