// Terminal sessions through the API: an exec (create, then a hijacked start) or a
// container's main process (a hijacked attach). docker-modem's `hijack` gives the
// raw stream both ways: with a tty the terminal's bytes, without one docker's
// multiplexed frames (frames.ts), which become stdout and stderr again. Resized
// through /exec/{id}/resize or /containers/{id}/resize; an exec's exit code from
// /exec/{id}/json.
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { OutputStream } from '../../engine/container/index.js';
import type { ExecHandle, SessionConnection } from '../types.js';
import { demuxFrames } from './frames.js';

export class ApiShell implements SessionConnection {
  readonly closed: Promise<void>;
  constructor(private readonly stream: Duplex, private readonly resizer: (rows: number, cols: number) => Promise<unknown>, private readonly tty: boolean) {
    this.closed = new Promise((resolve) => {
      stream.on('close', () => resolve());
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
    });
  }
  onOutput(fn: (stream: OutputStream, data: Buffer) => void): void {
    this.stream.on('data', this.tty ? (d: Buffer) => fn('stdout', d) : demuxFrames(fn));
  }
  write(data: Buffer | string): boolean { return this.stream.destroyed ? true : this.stream.write(data); }
  resize(rows: number, cols: number): void { this.resizer(rows, cols).catch(() => { /* ended meanwhile */ }); }
  pause(): void { this.stream.pause(); }
  resume(): void { this.stream.resume(); }
  async drained(): Promise<void> { if (this.stream.writableNeedDrain) await once(this.stream, 'drain'); }
  /** A half-close, as docker's CLI does at stdin's end: the output keeps coming. */
  closeStdin(): void { if (!this.stream.destroyed) this.stream.end(); }
  close(): void { this.stream.end(); this.stream.destroy(); }
}

export interface ApiExecOptions {
  cmd: string[];
  env?: string[];
  tty?: boolean;
  interactive?: boolean;
  user?: string;
  workingDir?: string;
  privileged?: boolean;
  ttySize?: { rows: number; cols: number };
}

export async function createExec(docker: Dockerode, containerId: string, o: ApiExecOptions): Promise<ExecHandle> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: o.cmd, Env: o.env, Tty: o.tty ?? false, AttachStdin: !!o.interactive, AttachStdout: true, AttachStderr: true,
    ...(o.user ? { User: o.user } : {}), ...(o.workingDir ? { WorkingDir: o.workingDir } : {}), ...(o.privileged ? { Privileged: true } : {}),
    ...(o.ttySize ? { ConsoleSize: [o.ttySize.rows, o.ttySize.cols] } : {}),
  } as Dockerode.ExecCreateOptions);
  return { id: exec.id, containerId, tty: o.tty ?? false };
}

export async function attachExec(docker: Dockerode, er: ExecHandle): Promise<ApiShell> {
  const exec = docker.getExec(er.id);
  const tty = er.tty ?? true;
  const stream = (await exec.start({ hijack: true, stdin: true, Detach: false, Tty: tty })) as Duplex;
  return new ApiShell(stream, (h, w) => exec.resize({ h, w }), tty);
}

/** The container's main process: its streams (stdin when asked and it was created with -i). */
export async function attachContainer(docker: Dockerode, id: string, o: { tty: boolean; stdin: boolean }): Promise<ApiShell> {
  const c = docker.getContainer(id);
  // as docker's CLI: the options in the query and an empty body. dockerode's attach also sends
  // them as a JSON body, which podman passes on to the container's stdin; an empty `file` is
  // docker-modem's way to a Content-Length of 0 with the headers sent at once
  const query = { stream: true, stdin: o.stdin, stdout: true, stderr: true };
  const stream = await new Promise<Duplex>((resolve, reject) => docker.modem.dial({
    path: `/containers/${id}/attach?`, method: 'POST', isStream: true, hijack: true, openStdin: o.stdin, file: Buffer.alloc(0),
    headers: { 'Content-Type': 'text/plain' }, options: query, statusCodes: { 101: true, 200: true, 404: 'no such container', 409: 'conflict', 500: 'server error' },
  } as never, (err: unknown, s: unknown) => (err ? reject(err) : resolve(s as Duplex))));
  return new ApiShell(stream, (h, w) => c.resize({ h, w }), o.tty);
}

export async function waitExec(docker: Dockerode, er: ExecHandle): Promise<number> {
  const exec = docker.getExec(er.id);
  // the stream's end and the daemon's record of the exit are not one event: ask a few times
  for (let i = 0; i < 20; i++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? -1;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`exec ${er.id.slice(0, 12)} is still running`);
}
