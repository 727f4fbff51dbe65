// Tailing events.jsonl: every process that changes state appends one line, so
// a watcher (the TUI, `berth events`) learns of changes made by any process,
// including a container's monitor collecting an exit. fs.watch wakes the
// reader; a slow poll covers missed notifications and a file that does not
// exist yet. The read position is kept, so each line is delivered once.
import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Layout } from '../store/layout.js';
import type { EngineEvent } from './index.js';

export interface WatchEventsOptions {
  signal: AbortSignal;
  /** Start at the current end of the file (default) or at its beginning. */
  fromStart?: boolean;
  /** Fallback poll when no notification came (ms). */
  pollMs?: number;
}

export async function* watchEvents(layout: Layout, opts: WatchEventsOptions): AsyncGenerator<EngineEvent> {
  const path = layout.eventsLog;
  let pos = opts.fromStart ? 0 : await sizeOf(path);
  let carry = '';
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  const poke = (): void => { const w = wake; wake = undefined; w?.(); };
  const tryWatch = (): void => {
    if (watcher) return;
    try {
      watcher = watch(path, { persistent: false }, poke);
      watcher.on('error', () => { watcher?.close(); watcher = undefined; });
    } catch { /* not there yet: the poll finds it */ }
  };
  opts.signal.addEventListener('abort', poke);
  try {
    while (!opts.signal.aborted) {
      tryWatch();
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
      await new Promise<void>((resolve) => {
        wake = resolve;
        const t = setTimeout(poke, opts.pollMs ?? 2000);
        t.unref();
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
