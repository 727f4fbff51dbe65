// Tailing events.jsonl: every process that changes state appends one line, so
// a watcher (the TUI, `berth events`) learns of changes made by any process,
// including a container's monitor collecting an exit. fs.watch (inotify) wakes
// the reader, with no timer while it watches; a slow poll covers only a file
// that does not exist yet (or a watch that failed), until the watch is set up.
// The read position is kept, so each line is delivered once.
import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Layout } from '../store/layout.js';
import type { EngineEvent } from './index.js';

export interface WatchEventsOptions {
  signal: AbortSignal;
  /** Start at the current end of the file (default) or at its beginning. */
  fromStart?: boolean;
  /** Keep the process alive while waiting (a CLI that only streams); default false (the TUI's). */
  persistent?: boolean;
  /** Stop at the end of what the file holds now instead of waiting for more. */
  stopAtEnd?: boolean;
  /** The poll while the file cannot be watched (ms). */
  pollMs?: number;
}

export async function* watchEvents(layout: Layout, opts: WatchEventsOptions): AsyncGenerator<EngineEvent> {
  const path = layout.eventsLog;
  let pos = opts.fromStart ? 0 : await sizeOf(path);
  let carry = '';
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  let pending = false; // a notification came while no one waited: the next wait must not sleep
  const poke = (): void => { const w = wake; wake = undefined; if (w) w(); else pending = true; };
  const drop = (w: FSWatcher): void => { w.close(); if (watcher === w) watcher = undefined; };
  const tryWatch = (): void => {
    if (watcher) return;
    try {
      const w = watch(path, { persistent: !!opts.persistent }, (kind) => {
        // renamed or removed: this watch sees that file no more; watch the path again
        if (kind === 'rename') drop(w);
        poke();
      });
      w.on('error', () => drop(w));
      watcher = w;
    } catch { /* not there yet: the poll finds it */ }
  };
  opts.signal.addEventListener('abort', poke);
  try {
    while (!opts.signal.aborted) {
      tryWatch();
      pending = false; // what came before this size read is in it
      const size = await sizeOf(path);
      if (size < pos) { pos = 0; carry = ''; } // truncated or replaced: read it again
      if (size > pos) {
        const fh = await open(path, 'r');
        try {
          const buf = Buffer.allocUnsafe(size - pos);
          const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
          pos += bytesRead;
          const lines = (carry + buf.toString('utf8', 0, bytesRead)).split('\n');
          carry = lines.pop() ?? ''; // a line still being written stays for the next read
          for (const line of lines) {
            const ev = parseEvent(line);
            if (ev) yield ev;
          }
        } finally {
          await fh.close();
        }
        continue;
      }
      if (opts.stopAtEnd) return;
      await new Promise<void>((resolve) => {
        if (pending || opts.signal.aborted) return resolve();
        wake = resolve;
        if (watcher) return; // the watch wakes us
        const t = setTimeout(poke, opts.pollMs ?? 2000);
        if (!opts.persistent) t.unref();
      });
    }
  } finally {
    opts.signal.removeEventListener('abort', poke);
    watcher?.close();
  }
}

async function sizeOf(path: string): Promise<number> {
  try { return (await stat(path)).size; } catch { return 0; }
}

/** One line of events.jsonl, or undefined for a torn or foreign line. */
export function parseEvent(line: string): EngineEvent | undefined {
  if (!line.trim()) return undefined;
  try {
    const v = JSON.parse(line) as Partial<EngineEvent>;
    if (typeof v.type !== 'string' || typeof v.action !== 'string' || typeof v.id !== 'string') return undefined;
    return v as EngineEvent;
  } catch {
    return undefined;
  }
}
