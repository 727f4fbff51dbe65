// Engine events: an append-only JSON-lines file under the root, so that any
// process (the TUI, `berth events`) can watch state changes made by any other.
// Each line carries docker's event: type, action, the actor's ID and its
// attributes as docker's daemon sets them (a container's labels, image and name;
// exitCode on die, signal on kill, ...), so a reader only reshapes it.
import { appendFileSync } from 'node:fs';
import type { Layout } from '../store/layout.js';

export interface EngineEvent {
  time: string;         // RFC3339 with milliseconds
  /** The same instant in nanoseconds since the epoch (decimal; absent in lines written before it existed). */
  timeNano?: string;
  type: 'container' | 'image' | 'volume' | 'network';
  /** docker's action: create, start, die, stop, kill, pause, unpause, rename, restart, attach, destroy,
   *  update, "exec_create: CMD", "exec_start: CMD", exec_die; pull, push, tag, untag, delete, import,
   *  load, save; mount, unmount; connect, disconnect. */
  action: string;
  id: string;
  name?: string;
  attributes?: Record<string, string | number>;
}

/** Wall-clock nanoseconds: Date.now()'s milliseconds (the wall clock, as docker's stamps), and
 *  below them the high-resolution clock's sub-millisecond digits (it drifts from the wall clock
 *  in a long-lived process, so it supplies only the digits Date.now() lacks). process.hrtime,
 *  not performance.now(): the global `performance` loads node:perf_hooks, ~1 ms of a command. */
function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
}

/** Appends one event (one write with O_APPEND: lines from concurrent writers never interleave). */
export function emitEvent(layout: Layout, ev: Omit<EngineEvent, 'time' | 'timeNano'>): void {
  const ns = nowNs();
  const time = new Date(Number(ns / 1_000_000n)).toISOString();
  const line = JSON.stringify({ time, timeNano: ns.toString(), ...ev }) + '\n';
  try {
    appendFileSync(layout.eventsLog, line);
  } catch {
    // events are advisory: a full disk must not fail the operation that already happened
  }
}

/** An image event as docker's daemon logs it: the actor is the image (or, for pull and push,
 *  the reference), `name` the reference concerned. */
export function emitImageEvent(layout: Layout, action: string, id: string, name: string): void {
  emitEvent(layout, { type: 'image', action, id, attributes: { name } });
}

// Watching (tailing) the file lives in its own module.
export { watchEvents, parseEvent, type WatchEventsOptions } from './watch.js';
export { eventNs, toMessage, eventLine, type EventMessage } from './message.js';
export { parseEventFilters, eventMatches, type EventFilters } from './filter.js';
export { eventStream, type EventStreamOptions } from './stream.js';
