// `events`: docker's event stream (--since, --until, --filter, --format) over the
// engine's events.jsonl. Each event is one line: docker's default text, or the
// --format template run on docker's events.Message ("json" = {{json .}}).
import type { CommandModule } from 'yargs';
import { eventLine, eventStream, parseEventFilters } from '../../engine/events/index.js';
import { parseSince } from '../../engine/log/index.js';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';
import { getEngine, type GlobalArgs } from '../context.js';

interface EventsArgs extends GlobalArgs { since?: string; until?: string; filter?: string[]; format?: string }

export const eventsCommand: CommandModule<GlobalArgs, EventsArgs> = {
  command: 'events',
  describe: 'Get real time events from the engine',
  builder: (y) =>
    y.option('since', { type: 'string', describe: 'show all events created since timestamp (RFC3339, unix seconds) or relative (10m)' })
      .option('until', { type: 'string', describe: 'stream events until this timestamp' })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, describe: 'filter output (container, event, image, label, network, type, volume)' })
      .option('format', { type: 'string', describe: "format the output using a Go template ('json': one JSON object a line)" }) as never,
  handler: async (a) => {
    const now = new Date();
    const filters = parseEventFilters(a.filter);
    const tpl = a.format ? compileTemplate(a.format.trim() === 'json' ? '{{json .}}' : a.format) : undefined;
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const events = eventStream(getEngine(a).layout, {
        since: a.since ? parseSince(a.since, now) : undefined,
        until: a.until ? parseSince(a.until, now) : undefined,
        filters, signal: ac.signal,
      });
      for await (const msg of events) {
        const text = tpl ? renderTemplate(tpl, msg) : eventLine(msg);
        if (!process.stdout.write(text + '\n')) await new Promise((r) => process.stdout.once('drain', r));
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
