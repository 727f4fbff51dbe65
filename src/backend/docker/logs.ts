// A container's log through the API (`timestamps=1`), as the engine's LogRecords:
// docker-modem separates stdout from stderr (a container without a tty); each
// stream is cut into lines here, each line's stamp read back as nanoseconds.
import { Readable, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { LogOptions } from '../../engine/container/index.js';
import type { LogRecord, LogStream } from '../../engine/log/index.js';
import { Channel } from './channel.js';
import { stampNs } from './map.js';

export async function* apiLogs(docker: Dockerode, id: string, opts: LogOptions): AsyncGenerator<LogRecord> {
  const c = docker.getContainer(id);
  const info = await c.inspect();
  const query = {
    follow: opts.follow === true, stdout: true, stderr: true, timestamps: true,
    tail: opts.tail ?? 'all',
    ...(opts.since ? { since: (opts.since.getTime() / 1000).toFixed(3) } : {}),
    ...(opts.until ? { until: (opts.until.getTime() / 1000).toFixed(3) } : {}),
  };
  // dockerode answers a finished log as one Buffer and a followed one as a stream
  const got = (await c.logs(query as never)) as unknown as NodeJS.ReadableStream | Buffer;
  const stream = Buffer.isBuffer(got) ? Readable.from([got]) : got;
  const ch = new Channel<LogRecord>();
  const max = opts.maxLineBytes ?? Infinity;
  const sink = (name: LogStream): Writable => {
    let rest = Buffer.alloc(0);
    return new Writable({
      write(chunk: Buffer, _enc, done) {
        let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
        for (let nl = buf.indexOf(10); nl >= 0; nl = buf.indexOf(10)) {
          const rec = toRecord(name, buf.subarray(0, nl), max);
          if (rec) ch.push(rec);
          buf = buf.subarray(nl + 1);
        }
        rest = Buffer.from(buf);
        done();
      },
    });
  };
  const out = sink('stdout'), err = sink('stderr');
  if (info.Config.Tty) stream.pipe(out); else docker.modem.demuxStream(stream, out, err);
  stream.on('end', () => ch.end());
  stream.on('close', () => ch.end());
  stream.on('error', (e: Error) => ch.fail(e));
  const stop = (): void => { (stream as unknown as Readable).destroy?.(); ch.end(); };
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    yield* ch;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    (stream as unknown as Readable).destroy?.();
  }
}

function toRecord(stream: LogStream, line: Buffer, max: number): LogRecord | undefined {
  const sp = line.indexOf(32);
  if (sp <= 0) return undefined;
  const time = line.toString('latin1', 0, sp);
  let data = line.subarray(sp + 1);
  if (data.length && data[data.length - 1] === 13) data = data.subarray(0, -1); // a tty's CR LF
  const cut = data.length > max;
  return { time, timeNs: stampNs(time), stream, data: cut ? data.subarray(data.length - max) : data, partial: false, ...(cut ? { cut } : {}) };
}
