// The client side of the monitor's attach socket (native/monitor-attach.h):
// frames of [type u8][length u16 BE][data]. Used by the CLI (`run -it`,
// `attach`, `start -ai`, `run -i`) and the TUI's shell panes.
import { closeSync, openSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import { BerthError } from '../errors.js';

const STDIN = 1, STDOUT = 2, STDERR = 3, RESIZE = 4, STDIN_EOF = 5;
const FRAME_MAX = 4096;

export type OutputStream = 'stdout' | 'stderr';

/** One connection to a running container's monitor. */
export class AttachConnection {
  private pending = Buffer.alloc(0);
  private outputFn: (stream: OutputStream, data: Buffer) => void = () => {};
  /** Resolves when the connection ends: the container exited (or close() was called). */
  readonly closed: Promise<void>;

  constructor(private readonly sock: Socket) {
    this.closed = new Promise((resolve) => {
      sock.on('close', () => resolve());
      sock.on('error', () => { /* 'close' follows */ });
    });
    sock.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Output from attach time on (with a tty: the last few KiB first). */
  onOutput(fn: (stream: OutputStream, data: Buffer) => void): void {
    this.outputFn = fn;
  }

  /** Stdin to the container, framed, in one socket write. false: the monitor has not taken it
   * all yet (the container reads slower than we write) — wait for `drained()` before writing more. */
  write(data: Buffer | string): boolean {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    if (!buf.length || this.sock.destroyed) return true;
    const out = Buffer.allocUnsafe(buf.length + 3 * Math.ceil(buf.length / FRAME_MAX));
    let o = 0;
    for (let off = 0; off < buf.length; off += FRAME_MAX) {
      const part = buf.subarray(off, off + FRAME_MAX);
      out[o] = STDIN;
      out.writeUInt16BE(part.length, o + 1);
      part.copy(out, o + 3);
      o += 3 + part.length;
    }
    return this.sock.write(out);
  }

  /** Resolves when what was written has gone to the monitor (or the connection ended). */
  drained(): Promise<void> {
    if (!this.sock.writableNeedDrain || !this.sock.writable) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { this.sock.off('drain', done); this.sock.off('close', done); resolve(); };
      this.sock.on('drain', done);
      this.sock.on('close', done);
    });
  }

  /** Stops taking output until resume(): the monitor then stops reading the container's
   * output, which waits (our stdout is slower than the container). */
  pause(): void { this.sock.pause(); }
  resume(): void { this.sock.resume(); }

  /** The container's terminal size (a tty only; the kernel signals SIGWINCH). */
  resize(rows: number, cols: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(Math.max(1, Math.min(rows, 65535)), 0);
    b.writeUInt16BE(Math.max(1, Math.min(cols, 65535)), 2);
    this.send(RESIZE, b);
  }

  /** Closes the container's stdin (without a tty): a `cat` sees EOF. */
  closeStdin(): void {
    this.send(STDIN_EOF, Buffer.alloc(0));
  }

  /** Leaves the container running (detach). */
  close(): void {
    this.sock.end();
    this.sock.destroy();
  }

  private send(type: number, data: Buffer): boolean {
    if (this.sock.destroyed || !this.sock.writable) return true; // ended: nothing to wait for
    const head = Buffer.from([type, data.length >> 8, data.length & 0xff]);
    return this.sock.write(Buffer.concat([head, data]));
  }

  private receive(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 3) {
      const len = buf.readUInt16BE(1);
      if (buf.length < 3 + len) break;
      const type = buf[0];
      const data = buf.subarray(3, 3 + len);
      if (type === STDOUT || type === STDERR) this.outputFn(type === STDOUT ? 'stdout' : 'stderr', data);
      buf = buf.subarray(3 + len);
    }
    this.pending = Buffer.from(buf);
  }
}

/** Connects to the monitor's socket at `path`. The container directory's path may be longer
 * than a socket address allows (108 bytes): the connect goes through /proc/self/fd/<dir fd>. */
export async function connectAttach(path: string, name: string): Promise<AttachConnection> {
  let dirFd: number;
  try {
    dirFd = openSync(dirname(path), 'r');
  } catch {
    throw new BerthError('NOT_RUNNING', `container ${name} is not running`);
  }
  try {
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ path: `/proc/self/fd/${dirFd}/${basename(path)}` });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    return new AttachConnection(sock);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') {
      throw new BerthError('NOT_RUNNING', `cannot attach to container ${name}: it is not running (or was started before attaching existed)`);
    }
    throw e;
  } finally {
    closeSync(dirFd);
  }
}
