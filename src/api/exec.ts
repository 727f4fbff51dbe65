// /exec: docker creates an exec, then starts it (hijacked: stdin in, output out, or
// detached), resizes its terminal and inspects it for the exit code. The options wait in
// ApiState until the start; the engine's exec runs under its own monitor as the CLI's.
import type { AttachConnection } from '../engine/container/index.js';
import { BerthError } from '../engine/index.js';
import { randomBytes } from 'node:crypto';
import { ApiError, badRequest } from './errors.js';
import { qint, readJson, sendEmpty, sendJson, type Ctx } from './http.js';
import type { Router } from './router.js';
import type { ExecEntry } from './state.js';
import { OutputSink, openStream, readClient, writeLogRecords } from './stream.js';

interface ExecBody {
  AttachStdin?: boolean; AttachStdout?: boolean; AttachStderr?: boolean; Tty?: boolean; Cmd?: string[];
  Env?: string[]; User?: string; WorkingDir?: string; Privileged?: boolean; DetachKeys?: string; ConsoleSize?: [number, number] | null;
}

const findExec = (c: Ctx): ExecEntry => {
  const e = c.state.execs.get(c.params[0]);
  if (!e) throw new ApiError(404, `No such exec instance: ${c.params[0]}`);
  return e;
};

async function create(c: Ctx): Promise<void> {
  const cs = c.engine.containers;
  const rec = cs.find(c.params[0]);
  const b = await readJson<ExecBody>(c);
  if (!b.Cmd?.length) throw badRequest('No exec command specified');
  if (!cs.state(rec).running) throw new BerthError('CONFLICT', `Container ${rec.id} is not running`);
  c.state.forgetOldExecs();
  const id = randomBytes(32).toString('hex');
  const size = b.ConsoleSize?.[0] && b.ConsoleSize[1] ? { rows: b.ConsoleSize[0], cols: b.ConsoleSize[1] } : undefined;
  c.state.execs.set(id, {
    id, containerId: rec.id, running: false, detachKeys: b.DetachKeys,
    opts: { cmd: b.Cmd, tty: !!b.Tty, interactive: !!b.AttachStdin, env: b.Env ?? undefined, user: b.User || undefined, workingDir: b.WorkingDir || undefined, privileged: !!b.Privileged, ttySize: size },
  });
  sendJson(c, 201, { Id: id });
}

async function start(c: Ctx): Promise<void> {
  const e = findExec(c);
  const b = await readJson<{ Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] | null }>(c);
  if (e.record) throw new BerthError('CONFLICT', `exec ${e.id} has already been started`);
  const cs = c.engine.containers;
  if (b.ConsoleSize?.[0] && b.ConsoleSize[1]) e.opts.ttySize = { rows: b.ConsoleSize[0], cols: b.ConsoleSize[1] };
  const tty = !!e.opts.tty;
  e.running = true;
  const er = (e.record = cs.exec(e.containerId, { ...e.opts, foreground: b.Detach ? undefined : { stdin: !!e.opts.interactive } }));
  const finish = async () => {
    try { e.exitCode = await cs.execWait(er, { forget: true }); } finally { e.running = false; e.endedAt = Date.now(); }
  };
  if (b.Detach) {
    void finish().catch(() => {});
    return c.socket ? void c.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n') : sendEmpty(c, 200);
  }
  const out = openStream(c, tty);
  const sink = new OutputSink(out, tty);
  const ac = new AbortController();
  let conn: AttachConnection | undefined;
  try {
    conn = await cs.execAttach(er);
  } catch {
    // ended before we could connect: the output is in its log
  }
  out.once('close', () => { ac.abort(); conn?.close(); });
  e.resize = (rows, cols) => conn?.resize(rows, cols);
  if (conn && tty) {
    conn.onOutput((stream, data) => { if (!sink.write(stream, data)) { conn!.pause(); void sink.drained().then(() => conn!.resume()); } });
  }
  const stopReading = e.opts.interactive && conn
    ? readClient(c, (d) => { if (!conn!.write(d)) { void conn!.drained().then(() => c.socket?.resume()); return false; } }, () => { if (!tty) conn!.closeStdin(); })
    : () => {};
  try {
    // without a tty the output comes from the exec's log: complete, stdout and stderr apart
    if (!tty) await writeLogRecords(sink, cs.execOutput(er, ac.signal));
    else if (conn) await conn.closed;
    await finish();
  } finally {
    stopReading();
    conn?.close();
    e.resize = undefined;
    if (!out.destroyed) out.end();
  }
}

function resize(c: Ctx): void {
  const e = findExec(c);
  const h = qint(c.query, 'h'), w = qint(c.query, 'w');
  if (!h || !w) throw badRequest('bad parameter: h and w must be positive numbers');
  if (!e.running) throw new BerthError('CONFLICT', `exec ${e.id} is not running`);
  e.resize?.(h, w);
  sendEmpty(c, 200);
}

function inspect(c: Ctx): void {
  const e = findExec(c);
  sendJson(c, 200, {
    ID: e.id, Running: e.running, ExitCode: e.exitCode ?? null, ContainerID: e.containerId, Pid: e.record?.pid ?? 0,
    OpenStdin: !!e.opts.interactive, OpenStdout: true, OpenStderr: true, CanRemove: false, DetachKeys: e.detachKeys ?? '',
    ProcessConfig: { tty: !!e.opts.tty, entrypoint: e.opts.cmd[0], arguments: e.opts.cmd.slice(1), privileged: !!e.opts.privileged, user: e.opts.user ?? '' },
  });
}

export function execRoutes(r: Router): void {
  r.add('POST', '/containers/{id}/exec', create);
  r.add('POST', '/exec/{id}/start', start);
  r.add('POST', '/exec/{id}/resize', resize);
  r.add('GET', '/exec/{id}/json', inspect);
}
