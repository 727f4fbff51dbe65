// Completes or undoes what a killed command or a killed monitor left on one
// container, from what is on disk and in the kernel. Every step that makes
// something writes its intent first and commits after (docs/design.md, "Crash
// safety"), so the next command that looks at the container can finish the job:
// - a start cut short (`starting` recorded, the container's lock free): its
//   monitor found running (by the exit file it was given) → the run is recorded
//   as start would have; its exit already written → recorded, for finalize to
//   collect; neither → nothing of it runs, and the cgroups it made go.
// - a run whose monitor died and whose processes are all gone: the exit is
//   collected as lost (255, with the reason), and its cgroups go.
// A start holds the container's lock until its monitor and init have both
// exec'd (the forked processes inherit the lock's open file until exec), so a
// free lock means the spawn has settled one way or the other.
import { readdirSync, readFileSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { ContainerCgroups, livePids } from '../cgroup/index.js';
import { dieAttributes, emitContainerEvent } from './events.js';
import { loadRecord, saveRecord, tryContainerLock } from './records.js';
import { exitLost, lostExit, parentOf, procStartTime, readExitFile, type ContainerState } from './state.js';
import type { ContainerRecord } from './types.js';
import { stopHealthChecker } from './health.js';
import { restartDecision } from './restart-policy.js';
import { spawnCleanup } from './cleanup-spawn.js';

/** Cheap, lock-free: does this record show a command or a monitor cut short? `st`: its state,
 * when the caller derived it already (`ps`: each exit file and /proc entry read once). */
export function needsSettling(layout: Layout, rec: ContainerRecord, st?: ContainerState): boolean {
  return !!rec.starting || (st ? st.lost === true : exitLost(rec, layout.container(rec.id)));
}

/** Settles the record; the caller holds the container's lock. Returns it, saved if changed. */
export function settleLocked(layout: Layout, rec: ContainerRecord): ContainerRecord {
  if (rec.starting) settleStart(layout, rec);
  if (exitLost(rec, layout.container(rec.id))) collectLostExit(layout, rec);
  return rec;
}

/** For readers (`ps`, lookups): settles if the lock is free now, else leaves it to its holder.
 * A settle that cannot write (a full disk) leaves the record as it was: the state shown is
 * derived from the same facts either way. */
export function settle(layout: Layout, rec: ContainerRecord, st?: ContainerState): ContainerRecord {
  if (!needsSettling(layout, rec, st)) return rec;
  try {
    return tryContainerLock(layout, rec.id, () => {
      const now = loadRecord(layout, rec.id);
      return now ? settleLocked(layout, now) : rec;
    }) ?? rec;
  } catch {
    return loadRecord(layout, rec.id) ?? rec;
  }
}

function settleStart(layout: Layout, rec: ContainerRecord): void {
  const s = rec.starting!;
  const paths = layout.container(rec.id);
  const monitorPid = findMonitor(paths.exitFile);
  const exit = readExitFile(paths);
  if (monitorPid !== undefined || (exit && exit.finishedAt >= s.startedAt)) {
    const init = monitorPid === undefined ? undefined : livePids(s.cgroupPaths).find((p) => parentOf(p) === monitorPid);
    rec.run = {
      pid: init ?? 0,
      monitorPid: monitorPid ?? 0,
      monitorStartTime: monitorPid === undefined ? 0 : procStartTime(monitorPid) ?? 0,
      bootId: s.bootId,
      startedAt: s.startedAt,
      cgroupPaths: s.cgroupPaths,
    };
    rec.exit = undefined;
    rec.paused = false;
    delete rec.starting;
    saveRecord(layout, rec);
    emitContainerEvent(layout, rec, 'start');
    return;
  }
  ContainerCgroups.fromDirs(s.cgroupPaths).remove(); // kills anything inside first
  delete rec.starting;
  saveRecord(layout, rec);
}

function collectLostExit(layout: Layout, rec: ContainerRecord): void {
  const run = rec.run!;
  stopHealthChecker(layout, rec);
  ContainerCgroups.fromDirs(run.cgroupPaths).remove();
  rec.exit = lostExit(run.startedAt, new Date().toISOString());
  rec.paused = false;
  const next = restartDecision(rec, rec.exit); // as finalizeExit decides for an exit the monitor recorded
  if (next.restart) {
    rec.restarting = { delayMs: next.delayMs, since: new Date().toISOString() };
    rec.restartDelayMs = next.delayMs;
  }
  saveRecord(layout, rec);
  emitContainerEvent(layout, rec, 'die', dieAttributes(rec, rec.exit));
  // the dead monitor never ran the exit hook: --rm and the restart policy are due all the same
  if (rec.config.autoRemove || rec.restarting) spawnCleanup(layout, rec.id);
}

/** The pid of the berth-monitor given this exit file, if one runs: a start cut short never
 * recorded its pid, but the monitor's arguments name the container's exit file. */
export function findMonitor(exitFile: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    if (!argv[0]?.endsWith('berth-monitor')) continue;
    const at = argv.indexOf('--exit-file');
    if (at > 0 && argv[at + 1] === exitFile && procStartTime(Number(name)) !== undefined) return Number(name);
  }
  return undefined;
}
