// A container's log records to our stdout and stderr (`run`, `start -a`, `exec` without a
// tty, `logs`), as the bytes the container wrote: never decoded, so binary output (a tar,
// gzip, an image) arrives as it left, and a newline only where the container wrote one.
import { once } from 'node:events';
import type { LogRecord } from '../engine/log/index.js';

const NL = Buffer.from('\n');

export async function writeRecords(records: AsyncIterable<LogRecord>, opts: { timestamps?: boolean } = {}): Promise<void> {
  for await (const r of records) {
    const out = r.stream === 'stderr' ? process.stderr : process.stdout;
    const parts = opts.timestamps ? [Buffer.from(r.time + ' '), r.data] : [r.data];
    if (!r.partial) parts.push(NL);
    // one write a record: a reader of our stdout never sees a line torn between writes
    if (!out.write(parts.length === 1 ? parts[0] : Buffer.concat(parts))) await once(out, 'drain');
  }
}
