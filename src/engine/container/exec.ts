// `exec`: a process started inside a running container (every namespace and the cgroups of
// its init, the container's capability set) under a monitor of its own, as podman's conmon
// does for exec: so `exec -d` needs no berth process, and the exit code is always recorded.
// containers/<id>/exec/<execid>/{exec.json, exec.log, exit.json, attach.sock}.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { readJson, writeJson } from '../store/atomic.js';
import { BerthError, conflict, invalid } from '../errors.js';
import { execInContainer, isNativeError, monitorPath, type ExecSpec } from '../../native/index.js';
import { checkUlimits, processSpec, replaceOrAppendEnv, resolveUser } from '../runtime/index.js';
import { ContainerCgroups } from '../cgroup/index.js';
import { deriveState, parentOf, procStartTime } from './state.js';
import type { ContainerExit, ContainerRecord } from './types.js';
import { foregroundArgs, type Foreground } from './start.js';
import { emitContainerEvent } from './events.js';

export interface ExecOptions {
  cmd: string[];
  tty?: boolean;
  interactive?: boolean;
  env?: string[];
  user?: string;
  workingDir?: string;
  privileged?: boolean;
  ttySize?: { rows: number; cols: number };
  /** The caller attaches at once (not `exec -d`): see start.ts `Foreground`. */
  foreground?: Foreground;
}

export interface ExecRecord {
  id: string;
  containerId: string;
  cmd: string[];
  tty: boolean;
  openStdin: boolean;
  user: string;
  workingDir: string;
  pid: number;
  monitorPid: number;
  startedAt: string;
}

export class ExecPaths {
  readonly dir: string;
  constructor(containerDir: string, id: string) { this.dir = join(containerDir, 'exec', id); }
  get record(): string { return join(this.dir, 'exec.json'); }
  get log(): string { return join(this.dir, 'exec.log'); }
  get exitFile(): string { return join(this.dir, 'exit.json'); }
  get attachSocket(): string { return join(this.dir, 'attach.sock'); }
}

export const execPaths = (layout: Layout, containerId: string, execId: string): ExecPaths =>
  new ExecPaths(layout.container(containerId).dir, execId);

export function startExec(layout: Layout, rec: ContainerRecord, o: ExecOptions): ExecRecord {
  if (!o.cmd.length) throw invalid('no command given to exec');
  const paths = layout.container(rec.id);
  const st = deriveState(rec, paths);
  if (!st.running || !rec.run) throw new BerthError('NOT_RUNNING', `Container ${rec.id} is not running`);
  if (st.paused) throw conflict(`Container ${rec.name} is paused, unpause the container before exec`);
  // the recorded pid must still be our init (its monitor's child), not a reused pid
  if (parentOf(rec.run.pid) !== rec.run.monitorPid) throw new BerthError('NOT_RUNNING', `Container ${rec.id} is not running`);

  const cfg = rec.config;
  const user = resolveUser([paths.upper, ...rec.lowerDirs], o.user ?? cfg.user, cfg.groupAdd);
  checkUlimits(cfg.ulimits ?? []);
  const tty = !!o.tty, stdin = !!o.interactive;
  const id = randomBytes(32).toString('hex');
  const ep = new ExecPaths(paths.dir, id);
  mkdirSync(ep.dir, { recursive: true, mode: 0o700 });
  const workingDir = o.workingDir || cfg.workingDir || '/';
  if (!workingDir.startsWith('/')) throw invalid(`the working directory "${workingDir}" is invalid: it needs to be an absolute path`);
  const spec: ExecSpec = {
    initPid: rec.run.pid,
    process: processSpec(cfg, {
      args: o.cmd, env: replaceOrAppendEnv(cfg.env, o.env ?? []), cwd: workingDir, user, tty, openStdin: stdin, ttySize: o.ttySize,
      privileged: o.privileged,
    }),
    cgroupJoinFiles: ContainerCgroups.fromDirs(rec.run.cgroupPaths).joinFiles(),
    monitor: { path: monitorPath, args: ['--log', ep.log, '--exit-file', ep.exitFile, '--attach-socket', ep.attachSocket, ...foregroundArgs(o.foreground)] },
  };
  let spawned;
  try {
    spawned = execInContainer(spec);
  } catch (e) {
    // the exec's monitor (when it started) is still recording the failed command's exit
    // in the directory: removed once it is gone, or it writes into a half-removed one
    const monitorPid = (e as { monitorPid?: number }).monitorPid;
    for (let i = 0; monitorPid && i < 400 && procStartTime(monitorPid) !== undefined; i++) sleepMs(5);
    rmSync(ep.dir, { recursive: true, force: true });
    throw execError(e, o.cmd[0]);
  }
  const er: ExecRecord = {
    id, containerId: rec.id, cmd: o.cmd, tty, openStdin: stdin, user: o.user ?? cfg.user, workingDir,
    pid: spawned.initPid, monitorPid: spawned.monitorPid, startedAt: new Date().toISOString(),
  };
  writeJson(ep.record, er);
  // docker's action names carry the command ("exec_create: sh -c x"): created and started at once here
  for (const what of ['exec_create', 'exec_start']) emitContainerEvent(layout, rec, `${what}: ${o.cmd.join(' ')}`, { execID: id });
  return er;
}

function execError(e: unknown, cmd: string): BerthError {
  if (isNativeError(e) && e.step.startsWith('exec')) {
    return e.code === 'ENOENT'
      ? new BerthError('CMD_NOT_FOUND', `exec failed: "${cmd}": executable file not found in $PATH`, { step: e.step })
      : new BerthError('CMD_CANNOT_EXEC', `exec failed: "${cmd}": ${e.code === 'EACCES' ? 'permission denied' : e.message}`, { step: e.step });
  }
  if (isNativeError(e)) {
    if (e.step.startsWith('chdir')) return new BerthError('INVALID_ARGUMENT', `exec failed: ${e.message}`, { step: e.step });
    return new BerthError('NATIVE', `exec failed: ${e.message}`, { step: e.step, errno: e.code });
  }
  return e instanceof BerthError ? e : new BerthError('INTERNAL', `exec failed: ${(e as Error).message}`, { cause: e });
}

/** The exec's exit once its monitor recorded it; undefined while it runs. */
export function execExit(ep: ExecPaths): ContainerExit | undefined {
  return readJson<ContainerExit>(ep.exitFile);
}

/** Waits for the exec's exit code (255 if its monitor vanished without recording one). */
export async function waitExec(ep: ExecPaths, monitorPid: number): Promise<number> {
  for (;;) {
    const exit = execExit(ep);
    if (exit) return exit.exitCode;
    if (!monitorAlive(monitorPid)) return execExit(ep)?.exitCode ?? 255;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const monitorAlive = (pid: number): boolean => procStartTime(pid) !== undefined;

/** A blocking pause (startExec is synchronous); the monitor ends within milliseconds. */
const sleepMs = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** IDs of the container's exec sessions that are still running (inspect's ExecIDs). */
export function runningExecIds(layout: Layout, containerId: string): string[] {
  const dir = join(layout.container(containerId).dir, 'exec');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((id) => {
    const ep = new ExecPaths(layout.container(containerId).dir, id);
    if (existsSync(ep.exitFile)) return false;
    try {
      const r = readJson<ExecRecord>(ep.record);
      return !!r && monitorAlive(r.monitorPid);
    } catch {
      return false;
    }
  });
}
