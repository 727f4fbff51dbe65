// docker's event stream over events.jsonl: with --since or --until the recorded
// events from then (docker replays its buffer; berth has the whole file), then,
// unless --until has passed, new ones as they are appended, until --until or
// the caller's signal. Filtered and shaped as docker's API hands them out.
import type { Layout } from '../store/layout.js';
import { invalid } from '../errors.js';
import { eventMatches, type EventFilters } from './filter.js';
import { toMessage, type EventMessage } from './message.js';
import { watchEvents } from './watch.js';

export interface EventStreamOptions {
  since?: Date;
  until?: Date;
  filters: EventFilters;
  signal: AbortSignal;
}

const ns = (d: Date): bigint => BigInt(d.getTime()) * 1_000_000n;

export async function* eventStream(layout: Layout, opts: EventStreamOptions): AsyncGenerator<EventMessage> {
  const since = opts.since ? ns(opts.since) : undefined;
  const until = opts.until ? ns(opts.until) : undefined;
  if (since !== undefined && until !== undefined && since > until) {
    throw invalid(`\`since\` time (${opts.since!.toISOString()}) cannot be after \`until\` time (${opts.until!.toISOString()})`);
  }
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  opts.signal.addEventListener('abort', abort);
  // --until in the future: follow until then; in the past: only what was recorded
  const left = opts.until ? opts.until.getTime() - Date.now() : Infinity;
  const timer = left === Infinity ? undefined : setTimeout(abort, Math.max(0, left));
  const pastOnly = left <= 0;
  try {
    const fromStart = since !== undefined || until !== undefined;
    const lines = watchEvents(layout, { signal: stop.signal, fromStart, persistent: true, stopAtEnd: pastOnly });
    for await (const ev of lines) {
      const msg = toMessage(ev);
      if (since !== undefined && msg.TimeNano < since) continue;
      if (until !== undefined && msg.TimeNano > until) continue;
      if (eventMatches(opts.filters, msg)) yield msg;
    }
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal.removeEventListener('abort', abort);
  }
}
