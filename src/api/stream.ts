// docker's stream framing and its hijacked connections. Without a tty, output is
// multiplexed: each chunk behind an 8-byte header [stream u8][0 0 0][length u32 BE]
// (stream 1 stdout, 2 stderr); with a tty the bytes go raw. A hijacked request
// (`Upgrade: tcp`: attach and exec start) gets "101 UPGRADED" and the connection is
// then the process's: stdin from the client, output to it; the client's half-close
// is stdin's end.
import type { ServerResponse } from 'node:http';
import type { Duplex, Writable } from 'node:stream';
import type { LogRecord, LogStream } from '../engine/log/index.js';
import type { Ctx } from './http.js';

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW = 'application/vnd.docker.raw-stream';

export function frame(stream: LogStream | 'stdin', data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream === 'stdin' ? 0 : stream === 'stdout' ? 1 : 2;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

/** Where a stream's output goes: framed or raw, to a hijacked socket or a response. */
export class OutputSink {
  constructor(private readonly out: Writable, private readonly tty: boolean) {}

  /** false: the client is slower than the process (wait for `drained`). */
  write(stream: LogStream, data: Buffer): boolean {
    if (!data.length || this.out.destroyed || this.out.writableEnded) return true;
    return this.out.write(this.tty ? data : frame(stream, data));
  }

  drained(): Promise<void> {
    if (!this.out.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { this.out.off('drain', done); this.out.off('close', done); resolve(); };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  get closed(): boolean { return this.out.destroyed || this.out.writableEnded; }
}

const NL = Buffer.from('\n');

/** Log records to a sink, a newline where the process wrote one. */
export async function writeLogRecords(sink: OutputSink, records: AsyncIterable<LogRecord>, opts: { timestamps?: boolean; stdout?: boolean; stderr?: boolean } = {}): Promise<void> {
  for await (const r of records) {
    if (sink.closed) return;
    if (r.stream === 'stdout' ? opts.stdout === false : opts.stderr === false) continue;
    const parts = [opts.timestamps ? Buffer.from(r.time + ' ') : undefined, r.data, r.partial ? undefined : NL].filter((b): b is Buffer => !!b);
    if (!sink.write(r.stream, Buffer.concat(parts))) await sink.drained();
  }
}

/** Answers a hijacked request ("101 UPGRADED"), or starts a plain streaming response
 * when the client did not ask to hijack (dockerode's attach without `hijack`). */
export function openStream(c: Ctx, tty: boolean): Writable {
  const type = tty ? RAW : MULTIPLEXED;
  if (c.socket) {
    c.upgraded = true;
    c.socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${type}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    return c.socket;
  }
  const res = c.res as ServerResponse;
  res.writeHead(200, { 'Content-Type': type });
  res.flushHeaders();
  return res;
}

/** The client's bytes after the headers (stdin), `head` first; `onEnd` at its half-close. */
export function readClient(c: Ctx, onData: (b: Buffer) => boolean | void, onEnd: () => void): () => void {
  const s = c.socket;
  if (!s) return () => {};
  if (c.head?.length) onData(c.head);
  c.head = undefined;
  const data = (b: Buffer) => { if (onData(b) === false) s.pause(); };
  s.on('data', data);
  s.once('end', onEnd);
  s.resume();
  return () => { s.off('data', data); s.off('end', onEnd); };
}
