// A container's log records to our stdout and stderr (`run`, `start -a`, `exec` without a
// tty, `logs`), as the bytes the container wrote: never decoded, so binary output (a tar,
// gzip, an image) arrives as it left, and a newline only where the container wrote one.
// Records are small (a line each: ~200 000 for 50 MiB of random bytes), so they are
// gathered and written 64 KiB at a time, and whenever the reader waits for more (the
// next turn of the event loop): a write per record cost more than everything else.
import { once } from 'node:events';
import type { LogRecord, LogStream } from '../engine/log/index.js';

const NL = Buffer.from('\n');
const BATCH = 64 * 1024;

export async function writeRecords(records: AsyncIterable<LogRecord>, opts: { timestamps?: boolean } = {}): Promise<void> {
  const out = new Batches();
  for await (const r of records) {
    if (opts.timestamps) out.add(r.stream, Buffer.from(r.time + ' '));
    out.add(r.stream, r.data);
    if (!r.partial) out.add(r.stream, NL);
    if (out.size >= BATCH) await out.flush();
    else out.flushSoon();
  }
  await out.flush();
}

/** Pending bytes for one stream at a time: a switch to the other stream writes what the
 *  first has, so stdout and stderr keep their order when both go to one file. */
class Batches {
  private parts: Buffer[] = [];
  private stream: LogStream = 'stdout';
  private soon?: NodeJS.Immediate;
  size = 0;

  add(stream: LogStream, b: Buffer): void {
    if (stream !== this.stream && this.size) this.write();
    this.stream = stream;
    this.parts.push(b);
    this.size += b.length;
  }

  flushSoon(): void {
    this.soon ??= setImmediate(() => { this.soon = undefined; this.write(); });
  }

  /** Writes what is pending; waits while the destination is full. */
  async flush(): Promise<void> {
    const out = this.write();
    if (out?.writableNeedDrain) await once(out, 'drain');
  }

  private write(): NodeJS.WriteStream | undefined {
    if (this.soon) clearImmediate(this.soon);
    this.soon = undefined;
    if (!this.size) return undefined;
    const out = this.stream === 'stderr' ? process.stderr : process.stdout;
    out.write(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size));
    this.parts = [];
    this.size = 0;
    return out;
  }
}
