// Collecting an exit: merge the monitor's exit file into the record, remove the
// run's cgroups, and honour --rm. Idempotent and locked, because the monitor's
// cleanup command, `stop`, `rm -f` and a foreground `run` may all try at once.
import { rmSync, readFileSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { umount, MNT_DETACH } from '../../native/index.js';
import { ContainerCgroups } from '../cgroup/index.js';
import { emitEvent } from '../events/index.js';
import { loadRecord, saveRecord } from './records.js';
import { readExitFile } from './state.js';
import { removeAnonymousVolumes } from './mounts.js';
import { releaseNetworks } from './network.js';

/** Collects the exit of the current run if the monitor wrote one. Returns true if a --rm removal is due. */
export async function finalizeExit(layout: Layout, id: string): Promise<boolean> {
  const paths = layout.container(id);
  return withLock(paths.lock, async () => {
    const rec = loadRecord(layout, id);
    if (!rec) return false;
    const exit = readExitFile(paths);
    if (!exit) return false;
    if (rec.run) {
      rec.exit = exit;
      ContainerCgroups.fromDirs(rec.run.cgroupPaths).remove();
      await releaseNetworks(layout, id); // docker too frees the address when the run ends
      rec.paused = false;
      saveRecord(layout, rec);
      emitEvent(layout, { type: 'container', action: 'die', id, name: rec.name, attributes: { exitCode: exit.exitCode } });
    }
    rmSync(paths.exitFile, { force: true });
    return rec.config.autoRemove;
  });
}

/** Deletes a container that is not running: its cgroups, any leftover mount, its directory;
 * with `volumes` (rm -v, --rm) also its anonymous volumes that no other container uses. */
export async function removeStopped(layout: Layout, id: string, opts: { volumes?: boolean } = {}): Promise<void> {
  const paths = layout.container(id);
  await withLock(layout.containersLock, () =>
    withLock(paths.lock, async () => {
      const rec = loadRecord(layout, id);
      if (!rec) return;
      if (rec.run) ContainerCgroups.fromDirs(rec.run.cgroupPaths).remove();
      await releaseNetworks(layout, id); // also what a start killed mid-setup left
      // a `cp` into a stopped container mounts the overlay on the host for a moment;
      // if that process crashed, the mount is still there
      if (readFileSync('/proc/self/mountinfo', 'utf8').includes(` ${paths.merged} `)) umount(paths.merged, MNT_DETACH);
      rmSync(paths.record, { force: true }); // first: a dir without a record is no container
      // retried: the monitor's cleanup may open the lock file in the directory while it goes
      rmSync(paths.dir, { recursive: true, force: true, maxRetries: 5 });
      emitEvent(layout, { type: 'container', action: 'destroy', id, name: rec.name });
      if (opts.volumes) await removeAnonymousVolumes(layout, rec);
    }),
  );
}
