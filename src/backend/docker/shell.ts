// A shell in a container through the API: exec create with a tty, then a
// hijacked exec start (docker-modem's `hijack`: the raw tty stream both ways),
// resized through /exec/{id}/resize, its exit code from /exec/{id}/json.
import type { Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { OutputStream } from '../../engine/container/index.js';
import type { ExecHandle, ShellConnection } from '../types.js';

export class ApiShell implements ShellConnection {
  readonly closed: Promise<void>;
  constructor(private readonly exec: Dockerode.Exec, private readonly stream: Duplex) {
    this.closed = new Promise((resolve) => {
      stream.on('close', () => resolve());
      stream.on('end', () => resolve());
      stream.on('error', () => resolve());
    });
  }
  onOutput(fn: (stream: OutputStream, data: Buffer) => void): void { this.stream.on('data', (d: Buffer) => fn('stdout', d)); }
  write(data: Buffer | string): boolean { return this.stream.destroyed ? true : this.stream.write(data); }
  resize(rows: number, cols: number): void { this.exec.resize({ h: rows, w: cols }).catch(() => { /* ended meanwhile */ }); }
  close(): void { this.stream.end(); this.stream.destroy(); }
}

export async function createExec(docker: Dockerode, containerId: string, o: { cmd: string[]; env?: string[]; tty?: boolean; ttySize?: { rows: number; cols: number } }): Promise<ExecHandle> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: o.cmd, Env: o.env, Tty: o.tty ?? false, AttachStdin: true, AttachStdout: true, AttachStderr: true,
    ...(o.ttySize ? { ConsoleSize: [o.ttySize.rows, o.ttySize.cols] } : {}),
  } as Dockerode.ExecCreateOptions);
  return { id: exec.id, containerId };
}

export async function attachExec(docker: Dockerode, er: ExecHandle): Promise<ApiShell> {
  const exec = docker.getExec(er.id);
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  return new ApiShell(exec, stream);
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
