// Following the monitor's log (`logs -f`, the TUI's log view): the existing
// records (after tail / since), then new ones as the monitor appends them.
// Woken by fs.watch on the file, with a short poll as a fallback (the file may
// not exist yet, and watch can miss events or be unavailable). Ends when the
// caller's done() is true and everything written by then has been read: the
// monitor drains the container's pipes into the log before it writes the exit
// file, so "exit file exists" (checked before the last read) means the log is
// complete.
import { watch, type FSWatcher } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Joiner, parseLine, type LogRecord } from './record.js';
import { LineSplitter, readFrom, tailLines, timeFilter, type ReadOptions } from './read.js';

export interface FollowOptions extends ReadOptions {
  /** Ends the iteration quietly (Ctrl-C, the view closed). */
  signal: AbortSignal;
  /** True once nothing more will be written (the container's exit file exists). */
  done: () => boolean;
  /** The log's directory, where the exit file that turns done() true is renamed in:
   *  watched instead of the file, so an exit without output ends the follow at once
   *  rather than at the next poll. */
  doneDir?: string;
  /**
   * Yield new output piece by piece as the monitor writes it (a `P` piece with
   * partial: true) instead of waiting for whole lines: a prompt without a
   * newline shows at once. Records from before the follow started come whole.
   */
  pieces?: boolean;
}

const POLL_WATCHED_MS = 250;
const POLL_UNWATCHED_MS = 100;

export async function* followLog(path: string, opts: FollowOptions): AsyncGenerator<LogRecord> {
  const filter = timeFilter(opts);
  const joiner = new Joiner(opts.maxLineBytes);
  let split = new LineSplitter();
  const waiter = new ChangeWaiter(path, opts.signal, opts.doneDir);
  let fh: FileHandle | undefined;
  let pos = 0;
  let out: LogRecord[] = [];
  let live = false; // pieces mode, past what was written before the follow started
  const push = (line: Buffer): boolean => {
    const l = parseLine(line);
    const r = l && (live ? l : joiner.push(l));
    if (r) out.push(r);
    return true;
  };
  try {
    for (;;) {
      if (opts.signal.aborted) return;
      const finished = opts.done(); // before reading: all written up to now gets read below
      if (!fh) {
        fh = await openIfExists(path);
        if (fh && opts.tail !== undefined) {
          const { lines, end } = await tailLines(fh, (await fh.stat()).size, Math.max(opts.tail, 0), opts.maxLineBytes);
          for (const l of lines) {
            const r = joiner.push(l);
            if (r) out.push(r);
          }
          // the tail counted lines still being written; they come out when finished
          const complete = Math.max(opts.tail - joiner.openCount(), 0);
          out = complete > 0 ? out.slice(-complete) : [];
          pos = end;
        }
      }
      if (fh) {
        if ((await fh.stat()).size < pos) {
          pos = 0; // truncated under us: start over
          split = new LineSplitter();
        }
        pos = await readFrom(fh, pos, split, push);
        if (opts.pieces && !live) {
          // piece by piece from here on: what the open lines have so far goes out now
          out.push(...joiner.flush());
          live = true;
        }
      }
      if (finished) {
        const rest = split.take(); // a last line the monitor never ended (it died mid-write)
        if (rest !== undefined) push(rest);
        out.push(...joiner.flush());
      }
      for (const r of out) {
        const f = filter(r);
        if (f === 'stop') return;
        if (f === 'keep') yield r;
        if (opts.signal.aborted) return;
      }
      out = [];
      if (finished) return;
      await waiter.wait(fh !== undefined);
    }
  } finally {
    waiter.close();
    await fh?.close();
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Sleeps until the file changes, a poll interval passes, or the signal aborts. */
class ChangeWaiter {
  private watcher?: FSWatcher;
  private changed = false;
  private wake?: () => void;

  /** With `doneDir` (the log's own directory), one watch on it sees both the log's writes
   *  and the exit file's arrival; else the log file is watched once it exists. */
  constructor(private readonly path: string, private readonly signal: AbortSignal, private readonly doneDir?: string) {
    if (doneDir) this.startWatch(doneDir);
  }

  async wait(exists: boolean): Promise<void> {
    if (exists && !this.watcher && !this.doneDir) this.startWatch(this.path);
    if (this.changed || this.signal.aborted) {
      this.changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', finish);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, this.watcher ? POLL_WATCHED_MS : POLL_UNWATCHED_MS);
      this.signal.addEventListener('abort', finish);
      this.wake = finish;
    });
    this.changed = false;
  }

  private startWatch(path: string): void {
    try {
      this.watcher = watch(path, { persistent: false }, () => {
        this.changed = true;
        this.wake?.();
      });
      // e.g. the file was removed: fall back to polling
      this.watcher.on('error', () => this.close());
    } catch {
      this.watcher = undefined; // watch unavailable: the poll still works
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
