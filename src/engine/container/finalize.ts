// Collecting an exit: merge the monitor's exit file into the record, remove the
// run's cgroups, mark a restart the policy asks for, and honour --rm. Idempotent and locked, because the monitor's
// cleanup command, `stop`, `rm -f` and a foreground `run` may all try at once.
// Removal is one rename (containers/<id> → containers/.rm-<id>): the container
// is there or gone, never half there, whoever looks and whenever rm is killed.
import { renameSync, rmSync, statSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { fsyncDir } from '../store/atomic.js';
import { umount, MNT_DETACH } from '../../native/index.js';
import { ContainerCgroups } from '../cgroup/index.js';
import { dieAttributes, emitContainerEvent } from './events.js';
import { crashPoint } from '../crash-point.js';
import { BerthError } from '../errors.js';
import { loadRecord, saveRecord, withContainerLock } from './records.js';
import { dropName } from './names.js';
import { deriveState, exitLost, readExitFile } from './state.js';
import { settleLocked } from './settle.js';
import { emitUnmounts, removeAnonymousVolumes } from './mounts.js';
import { restartDecision } from './restart-policy.js';
import { releaseNetworks } from './network.js';
import { stopHealthChecker } from './health.js';

/** Collects the exit of the current run: the monitor's record, or — when the monitor died and
 * nothing of the container runs any more — a lost one (settle.ts). Returns true if a --rm
 * removal is due. A container removed meanwhile has nothing left to collect.
 * `removing`: the caller removes the container next (rm -f), whose rename is the durable step:
 * the record written here only has to be seen by other processes until then, so no fsyncs.
 * The same holds for a --rm container: the collectors (ContainerService.collect, the monitor's
 * cleanup) remove it when this returns true, and `restart` commits the next run durably. */
export async function finalizeExit(layout: Layout, id: string, opts: { removing?: boolean } = {}): Promise<boolean> {
  const paths = layout.container(id);
  try {
    return await withContainerLock(layout, id, async () => {
      const loaded = loadRecord(layout, id);
      if (!loaded) return false;
      const exit = readExitFile(paths);
      if (!exit) {
        if (exitLost(loaded, paths)) {
          settleLocked(layout, loaded);
          await releaseNetworks(layout, id);
        }
        // collected already (by a reader's settle, or another collector): --rm is still due once it stopped
        return loaded.config.autoRemove && loaded.run !== undefined && !deriveState(loaded, paths).running;
      }
      const rec = loaded;
      if (rec.run) {
        rec.exit = exit;
        stopHealthChecker(layout, rec);
        ContainerCgroups.fromDirs(rec.run.cgroupPaths).remove();
        await releaseNetworks(layout, id); // docker too frees the address when the run ends
        rec.paused = false;
        const next = restartDecision(rec, exit); // with the exit, in one step: exactly one collector marks it
        if (next.restart) {
          rec.restarting = { delayMs: next.delayMs, since: new Date().toISOString() };
          rec.restartDelayMs = next.delayMs;
        }
        saveRecord(layout, rec, { durable: !opts.removing && !rec.config.autoRemove });
        emitContainerEvent(layout, rec, 'die', dieAttributes(rec, exit));
        emitUnmounts(layout, rec);
      }
      rmSync(paths.exitFile, { force: true });
      return rec.config.autoRemove;
    });
  } catch (e) {
    if (e instanceof BerthError && e.code === 'NOT_FOUND') return false;
    throw e;
  }
}

/** Deletes a container that is not running: its cgroups, any leftover mount, its directory;
 * with `volumes` (rm -v, --rm) also its anonymous volumes that no other container uses. */
export async function removeStopped(layout: Layout, id: string, opts: { volumes?: boolean } = {}): Promise<void> {
  const paths = layout.container(id);
  await withLock(layout.containersLock, async () => {
    const rec = await withContainerLock(layout, id, async () => {
      const r = loadRecord(layout, id);
      if (!r) return undefined;
      settleLocked(layout, r); // a start cut short is undone (or found running, and killed below)
      if (r.run) {
        stopHealthChecker(layout, r);
        ContainerCgroups.fromDirs(r.run.cgroupPaths).remove();
      }
      await releaseNetworks(layout, id); // also what a start killed mid-setup left
      // a `cp` into a stopped container mounts the overlay on the host for a moment;
      // if that process crashed, the mount is still there (an overlay: a device of its own,
      // told by two stats rather than by reading the whole mount table)
      const merged = statSync(paths.merged, { throwIfNoEntry: false });
      if (merged && merged.dev !== statSync(paths.dir).dev) umount(paths.merged, MNT_DETACH);
      crashPoint('rm:before-rename');
      renameSync(paths.dir, layout.containerTrash(id)); // the commit: gone for every reader at once
      fsyncDir(layout.containersDir);
      return r;
    }).catch((e: unknown) => {
      if (e instanceof BerthError && e.code === 'NOT_FOUND') return undefined; // removed by a racing rm
      throw e;
    });
    if (!rec) return;
    emitContainerEvent(layout, rec, 'destroy');
    crashPoint('rm:renamed');
    dropName(layout, rec.name, id);
    removeTrash(layout, id);
    if (opts.volumes) await removeAnonymousVolumes(layout, rec);
  });
}

/** Deletes a removed container's directory (also one a killed rm left: see sweepContainers). */
export function removeTrash(layout: Layout, id: string): void {
  // retried: a process that resolved the old path just before the rename may still open a file there
  rmSync(layout.containerTrash(id), { recursive: true, force: true, maxRetries: 5 });
}
