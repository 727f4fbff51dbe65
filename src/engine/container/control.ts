// Signals and waiting: stop (signal, grace period, SIGKILL), kill, wait,
// pause/unpause through the freezer.
import { existsSync, watch } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { BerthError, notFound } from '../errors.js';
import { signalNumber } from '../runtime/index.js';
import { ContainerCgroups, livePids } from '../cgroup/index.js';
import { emitContainerEvent } from './events.js';
import { markHealthStopped } from './health.js';
import { loadRecord, saveRecord, withContainerLock } from './records.js';
import { deriveState, parentOf } from './state.js';
import type { ContainerRecord } from './types.js';

/** Sends `signal` to the container's init, after checking that the pid is still our init: the
 * monitor's child, or — when the monitor died — a process in the container's cgroups. */
export function signalInit(layout: Layout, rec: ContainerRecord, signal: number): void {
  const st = deriveState(rec, layout.container(rec.id));
  if (!st.running || !rec.run) throw new BerthError('NOT_RUNNING', `Container ${rec.id} is not running`);
  const ours = parentOf(st.pid) === rec.run.monitorPid || livePids(rec.run.cgroupPaths).includes(st.pid);
  if (!ours) return; // exited a moment ago
  try {
    process.kill(st.pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** Resolves when the monitor has written the exit file (or the monitor is gone), or after timeoutMs. */
export async function waitExit(layout: Layout, id: string, timeoutMs = Infinity): Promise<boolean> {
  const paths = layout.container(id);
  const deadline = Date.now() + timeoutMs;
  const ac = new AbortController();
  let wake: () => void = () => {};
  try {
    // the exit file appears by rename into the container dir: watch the dir, poll as a fallback
    watch(paths.dir, { signal: ac.signal }, () => wake()).on('error', () => {});
  } catch { /* dir gone: the checks below decide */ }
  try {
    for (;;) {
      if (existsSync(paths.exitFile)) return true;
      const rec = loadRecord(layout, id);
      if (!rec || !deriveState(rec, paths).running) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // the fallback timer is cleared on a wake: left running, it kept a CLI process alive after its work
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => { wake = r; timer = setTimeout(r, Math.min(left, 200)); });
      clearTimeout(timer);
    }
  } finally {
    ac.abort();
  }
}

/** The user stopped or killed it: its restart policy does not bring it back (a pending restart is cancelled).
 *  The mark must be on disk before the signal for the process that collects the exit (a rename
 *  does that); it needs fsyncs only when a policy acts on it after a host crash — with no policy
 *  (the default) the collector's durable write of the exit carries it, and stop and rm -f of such
 *  a container spare two fsyncs. */
export async function markManualStop(layout: Layout, id: string): Promise<void> {
  await withContainerLock(layout, id, () => {
    const rec = loadRecord(layout, id);
    if (!rec || (rec.manualStop && !rec.restarting)) return;
    const policy = rec.config.restartPolicy?.Name ?? 'no';
    saveRecord(layout, { ...rec, manualStop: true, restarting: undefined }, { durable: policy !== 'no' || rec.restarting !== undefined });
  }).catch((e) => {
    if (!(e instanceof BerthError && e.code === 'NOT_FOUND')) throw e; // removed meanwhile: nothing to stop
  });
}

/** Stops the container; returns its record when it was running (the caller collects the exit, then
 *  logs docker's `stop` event: docker's order is kill, die, stop). */
export async function stopContainer(layout: Layout, found: ContainerRecord, timeoutSec?: number, signalName?: string): Promise<ContainerRecord | undefined> {
  const paths = layout.container(found.id);
  await markManualStop(layout, found.id);
  // read again after the mark: a restart by its policy may have begun a new run since `found` was read
  const rec = loadRecord(layout, found.id);
  if (!rec || !deriveState(rec, paths).running) return undefined; // docker: stopping a stopped (or removed) container succeeds
  const sig = signalNumber(signalName || rec.config.stopSignal);
  const grace = timeoutSec ?? rec.config.stopTimeout;
  const cg = ContainerCgroups.fromDirs(rec.run!.cgroupPaths);
  try {
    signalInit(layout, rec, sig);
    emitContainerEvent(layout, rec, 'kill', { signal: sig }); // docker's stop logs its signal as a kill
  } catch (e) {
    // it exited between the check above and the signal: stopped, as asked
    if (!(e instanceof BerthError && e.code === 'NOT_RUNNING')) throw e;
    return undefined;
  }
  if (rec.paused) cg.thaw(); // a frozen process cannot act on the signal
  if (grace < 0 ? await waitExit(layout, rec.id) : await waitExit(layout, rec.id, grace * 1000)) return rec;
  // grace period over: kill everything in the container (killing the pid-namespace init kills all)
  try {
    signalInit(layout, rec, 9);
    emitContainerEvent(layout, rec, 'kill', { signal: 9 });
  } catch { /* exited meanwhile */ }
  cg.kill(9);
  if (!(await waitExit(layout, rec.id, 10_000))) {
    throw new BerthError('INTERNAL', `container ${rec.name} did not exit 10s after SIGKILL`);
  }
  return rec;
}

export function killContainer(layout: Layout, rec: ContainerRecord, signalName = 'SIGKILL'): void {
  const sig = signalNumber(signalName);
  signalInit(layout, rec, sig);
  if (rec.paused && sig === 9) ContainerCgroups.fromDirs(rec.run!.cgroupPaths).thaw();
  emitContainerEvent(layout, rec, 'kill', { signal: sig });
}

export async function setPaused(layout: Layout, id: string, paused: boolean): Promise<void> {
  const paths = layout.container(id);
  await withContainerLock(layout, id, () => {
    const rec = loadRecord(layout, id);
    if (!rec) throw notFound('container', id);
    const st = deriveState(rec, paths);
    if (!st.running) throw new BerthError('NOT_RUNNING', `Container ${rec.id} is not running`);
    if (paused && st.paused) throw new BerthError('CONFLICT', `Container ${rec.id} is already paused`);
    if (!paused && !st.paused) throw new BerthError('CONFLICT', `Container ${rec.id} is not paused`);
    const cg = ContainerCgroups.fromDirs(rec.run!.cgroupPaths);
    if (paused) cg.freeze();
    else cg.thaw();
    rec.paused = paused;
    saveRecord(layout, rec);
    if (paused) markHealthStopped(paths); // docker stops probing a paused container, and says unhealthy
    emitContainerEvent(layout, rec, paused ? 'pause' : 'unpause');
  });
}
