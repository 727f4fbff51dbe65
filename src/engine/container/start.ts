// `start`: cgroups, the spawn spec, and the native spawn under a detached
// monitor. The monitor's cleanup command (cleanup-main.ts) finalizes the run
// when the container exits, with or without a berth process around.
// Intent → act → commit: the record names the cgroups (`starting`) before they
// exist, and the run (monitor, init) once they do; settle.ts completes or
// undoes a start that was killed in between.
import { rmSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { crashPoint } from '../crash-point.js';
import { BerthError, notFound } from '../errors.js';
import { isNativeError, spawnContainer } from '../../native/index.js';
import { buildSpawnSpec, deviceRule, hostDevices } from '../runtime/index.js';
import { ContainerCgroups, containerDeviceRules, parseDeviceRule } from '../cgroup/index.js';
import { emitContainerEvent } from './events.js';
import { loadRecord, saveRecord, withContainerLock } from './records.js';
import { settleLocked } from './settle.js';
import { prepareMounts } from './mounts.js';
import { bootId, deriveState, procStartTime } from './state.js';
import type { ContainerRecord } from './types.js';
import { cleanupArgv } from './cleanup-spawn.js';
import { startsAtBoot } from './restart-policy.js';
import { applyRecordLimits } from './resources.js';
import { allocateNetworks, containerNameservers, networkSpec, ownHostsLines, plugAndRelease, releaseNetworks } from './network.js';
import { writeEtcFiles } from '../runtime/index.js';
import { startHealthChecker } from './health.js';

export interface StartOptions {
  /** The attaching client's terminal size (a container with a tty starts with it). */
  ttySize?: { rows: number; cols: number };
  /** A restart the policy marked (restart-policy.ts): only if still marked; counted. */
  byPolicy?: boolean;
  /** A client attaches right after (run, start -a): see `foregroundArgs`. */
  foreground?: Foreground;
}


/** The client that starts a container or exec and attaches to it at once (docker attaches
 * before it starts): a terminal's output waits for it, so a command that ends before the
 * attach still shows everything; with `stdin` it owns the container's stdin, closed when it
 * leaves (docker's StdinOnce, set for `run -i` and `start -ai`, not for a later attach). */
export interface Foreground { stdin: boolean }

export const foregroundArgs = (f: Foreground | undefined): string[] =>
  !f ? [] : f.stdin ? ['--foreground', '--stdin-once'] : ['--foreground'];

export async function startContainer(layout: Layout, id: string, opts: StartOptions = {}): Promise<ContainerRecord> {
  const paths = layout.container(id);
  return withContainerLock(layout, id, async () => {
    const loaded = loadRecord(layout, id);
    if (!loaded) throw notFound('container', id);
    const rec = settleLocked(layout, loaded); // a start cut short: finished or undone first
    const st = deriveState(rec, paths);
    if (opts.byPolicy) {
      // stopped, killed, started or removed by the user meanwhile: the policy's turn is over
      if (!rec.restarting || rec.manualStop || st.running) return rec;
      rec.restartCount += 1;
    } else {
      // docker: a start by the user hands the container back to its policy, counting from 0
      rec.manualStop = false;
      rec.restartCount = 0;
    }
    rec.restarting = undefined;
    if (st.running) return rec; // docker: starting a running container is a no-op (also while any process of it lives)
    if (st.status === 'exited' && rec.exit === undefined) {
      // an exit the monitor recorded but nobody collected yet
      rec.exit = st.exit;
    }

    // intent first: where this start's cgroups go, before any exists (settle.ts undoes or completes it)
    const startedAt = new Date().toISOString();
    rec.starting = { cgroupPaths: ContainerCgroups.plan(id), startedAt, bootId: bootId() };
    saveRecord(layout, rec, { durable: false });
    rmSync(paths.exitFile, { force: true });
    crashPoint('start:intent');

    const cgroups = ContainerCgroups.create(id);
    let devices;
    try {
      applyRecordLimits(cgroups, rec); // before the init joins: it never runs unlimited
      devices = hostDevices(rec.config.devices ?? []); // the host's nodes as they are now
      // --privileged: every device, as docker
      if (!rec.config.privileged) {
        cgroups.restrictDevices(containerDeviceRules([
          ...devices.map(deviceRule), ...(rec.config.deviceCgroupRules ?? []).map(parseDeviceRule),
        ]));
      }
    } catch (e) {
      cgroups.remove();
      throw recordStartFailure(layout, rec, e);
    }
    crashPoint('start:cgroups');
    const monitorArgs = [
      '--log', paths.log,
      '--exit-file', paths.exitFile,
      '--attach-socket', paths.attachSocket,
      ...foregroundArgs(opts.foreground),
      ...cgroups.oomFiles().flatMap((f) => ['--cgroup-oom', f]),
      // a foreground client collects the exit itself under this lock: no cleanup process then
      '--collect-lock', paths.attachLock,
      '--', ...cleanupArgv(layout, id),
    ];
    let spawned;
    try {
      // copy-up into new volumes needs the root mounted on the host: before the container's own mount
      await prepareMounts(layout, rec, startedAt);
      const attachments = await allocateNetworks(layout, rec);
      crashPoint('start:networks');
      if (attachments.length) writeEtcFiles(paths, rec, ownHostsLines(rec, attachments), containerNameservers(attachments));
      const spec = buildSpawnSpec({ record: rec, paths, cgroupJoinFiles: cgroups.joinFiles(), monitorArgs, ttySize: opts.ttySize, devices });
      spawned = await plugAndRelease(layout, spawnContainer(networkSpec(layout, spec, rec, attachments)), attachments);
    } catch (e) {
      cgroups.remove();
      await releaseNetworks(layout, id);
      throw recordStartFailure(layout, rec, e);
    }
    crashPoint('start:spawned');
    const startTime = procStartTime(spawned.monitorPid);
    // commit: the run replaces the intent
    rec.run = {
      pid: spawned.initPid,
      monitorPid: spawned.monitorPid,
      // the monitor may already have exited (a container that ends at once): 0 never matches
      monitorStartTime: startTime ?? 0,
      bootId: bootId(),
      startedAt,
      cgroupPaths: cgroups.dirs,
    };
    startHealthChecker(layout, rec, startedAt); // it reads the run under this lock: saved below first
    delete rec.starting;
    rec.exit = undefined;
    rec.paused = false;
    // atomic always; durable (two fsyncs, the start's largest cost on a busy disk) only where a
    // reboot reads it: bootRestart starts what has a run and a policy for it. Otherwise a host
    // crash ends the run this describes, and the record as it was before (or the run, lost) is
    // as true after the reboot.
    saveRecord(layout, rec, { durable: startsAtBoot(rec) });
    emitContainerEvent(layout, rec, 'start');
    return rec;
  });
}

/** Records a failed start the way docker does (state "created", exit code, error) and returns the error to throw. */
function recordStartFailure(layout: Layout, rec: ContainerRecord, e: unknown): BerthError {
  let err: BerthError;
  if (isNativeError(e) && e.step.startsWith('exec')) {
    const notFound = e.code === 'ENOENT';
    const what = e.step.replace(/^exec\s*/, '') || rec.config.entrypoint.concat(rec.config.cmd)[0];
    err = new BerthError(notFound ? 'CMD_NOT_FOUND' : 'CMD_CANNOT_EXEC',
      notFound
        ? `cannot start container ${rec.name}: exec "${what}": executable file not found in $PATH or the container`
        : `cannot start container ${rec.name}: exec "${what}": ${e.code === 'EACCES' ? 'permission denied' : e.message}`,
      { step: e.step, errno: e.code });
  } else if (isNativeError(e)) {
    err = new BerthError('NATIVE', `cannot start container ${rec.name}: ${e.message}`, { step: e.step, errno: e.code });
  } else if (e instanceof BerthError) {
    err = e;
  } else {
    err = new BerthError('INTERNAL', `cannot start container ${rec.name}: ${(e as Error).message}`, { cause: e });
  }
  const exitCode = err.code === 'CMD_NOT_FOUND' ? 127 : err.code === 'CMD_CANNOT_EXEC' ? 126 : 125;
  rec.run = undefined;
  delete rec.starting;
  rec.exit = { exitCode, signal: null, finishedAt: new Date().toISOString(), oomKilled: false, error: err.message };
  saveRecord(layout, rec);
  return err;
}
