// What the service keeps in memory between requests. docker's clients attach before they
// start (`docker run` without -d: attach, wait, then start), and berth's attach socket
// exists only once the monitor runs: an attach to a container not running yet waits here
// for the start, which then starts it in the foreground for it (output kept for it).
// An exec is created, then started: its options wait here until the start, its record
// and exit code after it (docker forgets them some time after the exit; so do we, below).
import type { ExecOptions, ExecRecord } from '../engine/container/index.js';

export interface PendingAttach {
  stdin: boolean;
  /** Called once the container runs (or with the start's error). */
  started: (err?: unknown) => void;
}

export interface ExecEntry {
  id: string;
  containerId: string;
  opts: ExecOptions;
  detachKeys?: string;
  record?: ExecRecord;
  running: boolean;
  exitCode?: number;
  /** The attached client's session, for resize. */
  resize?: (rows: number, cols: number) => void;
  endedAt?: number;
}

/** How long an ended exec stays inspectable. */
const EXEC_KEEP_MS = 10 * 60_000;

export class ApiState {
  readonly pendingAttach = new Map<string, PendingAttach[]>();
  /** Open attach sessions per container: their resize, and their end (a wait lets them drain). */
  readonly sessions = new Map<string, Set<{ resize?: (rows: number, cols: number) => void; done: Promise<void> }>>();
  readonly execs = new Map<string, ExecEntry>();
  /** A tty container's terminal size as its client last gave it (create's ConsoleSize, then
   * resizes): a start and a session opened later begin with it. */
  readonly ttySize = new Map<string, { rows: number; cols: number }>();

  addSession(id: string, s: { resize?: (rows: number, cols: number) => void; done: Promise<void> }): void {
    let set = this.sessions.get(id);
    if (!set) this.sessions.set(id, (set = new Set()));
    set.add(s);
    void s.done.finally(() => {
      set!.delete(s);
      if (!set!.size && this.sessions.get(id) === set) this.sessions.delete(id);
    });
  }

  /** Until the sessions on `id` have sent everything (at most `ms`). */
  async sessionsDone(id: string, ms = 5000): Promise<void> {
    const set = this.sessions.get(id);
    if (!set?.size) return;
    await Promise.race([Promise.all([...set].map((s) => s.done)), new Promise((r) => setTimeout(r, ms).unref())]);
  }

  takePending(id: string): PendingAttach[] {
    const p = this.pendingAttach.get(id) ?? [];
    this.pendingAttach.delete(id);
    return p;
  }

  forgetOldExecs(now = Date.now()): void {
    for (const [k, e] of this.execs) if (e.endedAt && now - e.endedAt > EXEC_KEEP_MS) this.execs.delete(k);
  }
}
