// Engine events: an append-only JSON-lines file under the root, so that any
// process (the TUI, `berth events`) can watch state changes made by any other.
import { appendFileSync } from 'node:fs';
import type { Layout } from '../store/layout.js';

export interface EngineEvent {
  time: string;         // RFC3339 with milliseconds
  type: 'container' | 'image' | 'volume' | 'network';
  action: string;       // create, start, die, stop, kill, pause, unpause, rename, destroy, import, tag, untag, delete
  id: string;
  name?: string;
  attributes?: Record<string, string | number>;
}

/** Appends one event (one write with O_APPEND: lines from concurrent writers never interleave). */
export function emitEvent(layout: Layout, ev: Omit<EngineEvent, 'time'>): void {
  const line = JSON.stringify({ time: new Date().toISOString(), ...ev }) + '\n';
  try {
    appendFileSync(layout.eventsLog, line);
  } catch {
    // events are advisory: a full disk must not fail the operation that already happened
  }
}

// Watching (tailing) the file lives in its own module.
export { watchEvents, parseEvent, type WatchEventsOptions } from './watch.js';
