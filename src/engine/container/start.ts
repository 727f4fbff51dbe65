// `start`: cgroups, the spawn spec, and the native spawn under a detached
// monitor. The monitor's cleanup command (cleanup-main.ts) finalizes the run
// when the container exits, with or without a berth process around.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { BerthError } from '../errors.js';
import { isNativeError, spawnContainer } from '../../native/index.js';
import { buildSpawnSpec } from '../runtime/index.js';
import { ContainerCgroups } from '../cgroup/index.js';
import { emitEvent } from '../events/index.js';
import { loadRecord, saveRecord } from './records.js';
import { prepareMounts } from './mounts.js';
import { bootId, deriveState, procStartTime } from './state.js';
import type { ContainerRecord } from './types.js';
import { applyRecordLimits } from './resources.js';
import { allocateNetworks, networkSpec, ownHostsLines, plugAndRelease, releaseNetworks } from './network.js';
import { writeEtcFiles } from '../runtime/index.js';

const cleanupMain = fileURLToPath(new URL('./cleanup-main.js', import.meta.url));

export interface StartOptions {
  /** The attaching client's terminal size (a container with a tty starts with it). */
  ttySize?: { rows: number; cols: number };
}

export async function startContainer(layout: Layout, id: string, opts: StartOptions = {}): Promise<ContainerRecord> {
  const paths = layout.container(id);
  return withLock(paths.lock, async () => {
    const rec = loadRecord(layout, id);
    if (!rec) throw new BerthError('NOT_FOUND', `no such container: ${id}`);
    const st = deriveState(rec, paths);
    if (st.running) return rec; // docker: starting a running container is a no-op
    if (st.status === 'exited' && rec.exit === undefined) {
      // an exit the monitor recorded but nobody collected yet
      rec.exit = st.exit;
    }
    rmSync(paths.exitFile, { force: true });

    const cgroups = ContainerCgroups.create(id);
    try {
      applyRecordLimits(cgroups, rec); // before the init joins: it never runs unlimited
      cgroups.restrictDevices();
    } catch (e) {
      cgroups.remove();
      throw recordStartFailure(layout, rec, e);
    }
    const monitorArgs = [
      '--log', paths.log,
      '--exit-file', paths.exitFile,
      '--attach-socket', paths.attachSocket,
      ...cgroups.oomFiles().flatMap((f) => ['--cgroup-oom', f]),
      // a foreground client collects the exit itself under this lock: no cleanup process then
      '--collect-lock', paths.attachLock,
      '--', process.execPath, cleanupMain, layout.root, id,
    ];
    let spawned;
    try {
      // copy-up into new volumes needs the root mounted on the host: before the container's own mount
      await prepareMounts(layout, rec, new Date().toISOString());
      const attachments = await allocateNetworks(layout, rec);
      if (attachments.length) writeEtcFiles(paths, rec, ownHostsLines(rec, attachments));
      const spec = buildSpawnSpec({ record: rec, paths, cgroupProcs: cgroups.procsFiles(), monitorArgs, ttySize: opts.ttySize });
      spawned = plugAndRelease(layout, spawnContainer(networkSpec(spec, rec, attachments)), attachments);
    } catch (e) {
      cgroups.remove();
      await releaseNetworks(layout, id);
      throw recordStartFailure(layout, rec, e);
    }
    const startTime = procStartTime(spawned.monitorPid);
    rec.run = {
      pid: spawned.initPid,
      monitorPid: spawned.monitorPid,
      // the monitor may already have exited (a container that ends at once): 0 never matches
      monitorStartTime: startTime ?? 0,
      bootId: bootId(),
      startedAt: new Date().toISOString(),
      cgroupPaths: cgroups.dirs,
    };
    rec.exit = undefined;
    rec.paused = false;
    saveRecord(layout, rec);
    emitEvent(layout, { type: 'container', action: 'start', id, name: rec.name });
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
  rec.exit = { exitCode, signal: null, finishedAt: new Date().toISOString(), oomKilled: false, error: err.message };
  saveRecord(layout, rec);
  return err;
}
