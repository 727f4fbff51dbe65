// Container checks: records a killed command or monitor left unfinished,
// directories that are no container, cgroups and processes no record accounts
// for. Processes are judged by what names this root (a monitor's exit file):
// other roots share the `berth` cgroup parent, and are not ours to touch.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { ContainerCgroups, livePids } from '../cgroup/index.js';
import {
  checkersOfRoot, deriveState, findMonitor, listRecords, loadRecord, needsSettling, parentOf, settleLocked, strayContainerDirs,
  tryContainerLock, withContainerLock, type ContainerRecord,
} from '../container/index.js';
import type { Finding } from './types.js';

const ID_RE = /^[0-9a-f]{64}$/;
const label = (r: ContainerRecord) => `container ${r.name} (${r.id.slice(0, 12)})`;

export function checkContainers(layout: Layout): Finding[] {
  const records = listRecords(layout);
  const byId = new Map(records.map((r) => [r.id, r]));
  return [
    ...records.flatMap((r) => unsettled(layout, r)),
    ...strayDirs(layout),
    ...cgroupsWithoutOwner(layout, byId),
    ...monitorsWithoutRecord(layout, byId),
    ...checkersWithoutRun(layout, byId),
  ];
}

function unsettled(layout: Layout, rec: ContainerRecord): Finding[] {
  if (!needsSettling(layout, rec)) return [];
  // a start in progress holds the lock: only a free lock means it was cut short
  if (rec.starting && tryContainerLock(layout, rec.id, () => true) !== true) return [];
  return [{
    what: label(rec),
    problem: rec.starting ? 'a start was cut short (its record names cgroups it may not have)' : 'its monitor died and nothing of it runs, but its exit was never collected',
    repair: {
      says: rec.starting ? 'completed or undid the start' : 'collected the exit (255, status lost) and removed its cgroups',
      run: () => withContainerLock(layout, rec.id, () => {
        const now = loadRecord(layout, rec.id);
        if (!now || !needsSettling(layout, now)) return false;
        settleLocked(layout, now);
        return true;
      }),
    },
  }];
}

/** Staging and trash directories of killed creates and removals, and directories without a record. */
function strayDirs(layout: Layout): Finding[] {
  let names: string[];
  try {
    names = readdirSync(layout.containersDir);
  } catch {
    return [];
  }
  const stray = new Set(strayContainerDirs(layout));
  for (const n of names) if (ID_RE.test(n) && !existsSync(layout.container(n).record)) stray.add(n);
  return [...stray].map((n) => {
    const dir = join(layout.containersDir, n);
    return {
      what: dir,
      problem: ID_RE.test(n) ? 'a container directory without a record (no container)' : 'left by a create or rm that was killed',
      repair: {
        says: 'removed',
        // create and rm work under containers/lock: holding it, nothing is half-way here
        run: () => withLock(layout.containersLock, () => {
          if (!existsSync(dir) || (ID_RE.test(n) && existsSync(layout.container(n).record))) return false;
          rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
          return true;
        }),
      },
    };
  });
}

/** The `berth` parent directories this process would put containers' cgroups in. */
function berthParents(): string[] {
  try {
    return ContainerCgroups.plan('check').map((d) => dirname(d));
  } catch {
    return []; // no cgroups here: nothing to check
  }
}

/** Cgroup directories of containers of this root whose record does not account for them. */
function cgroupsWithoutOwner(layout: Layout, byId: Map<string, ContainerRecord>): Finding[] {
  const dirsById = new Map<string, string[]>();
  for (const parent of berthParents()) {
    let names: string[] = [];
    try { names = readdirSync(parent); } catch { /* none yet */ }
    for (const n of names.filter((x) => ID_RE.test(x))) dirsById.set(n, [...(dirsById.get(n) ?? []), join(parent, n)]);
  }
  const out: Finding[] = [];
  for (const [id, dirs] of dirsById) {
    const rec = byId.get(id);
    if (rec) {
      // a record to settle is reported (and its cgroups removed) as such
      if (needsSettling(layout, rec) || !cgroupsUnaccounted(layout, rec)) continue;
    } else if (!livePids(dirs).some((p) => namesRoot(layout, parentOf(p)))) {
      continue; // empty, or another root's: not ours to judge
    }
    out.push({
      what: `cgroup ${id.slice(0, 12)} (${dirs.length} directories, ${livePids(dirs).length} processes)`,
      problem: rec ? `${label(rec)} is not running, but its cgroups remain` : 'processes and cgroups of no container of this root',
      repair: {
        says: 'killed what ran there and removed the directories',
        run: () => {
          const now = loadRecord(layout, id);
          if (!dirs.some((d) => existsSync(d)) || (now && !cgroupsUnaccounted(layout, now))) return false;
          const apply = () => { ContainerCgroups.fromDirs(dirs).remove(); return true; };
          return now ? withContainerLock(layout, id, apply) : apply();
        },
      },
    });
  }
  return out;
}

/** A record whose cgroups should be gone: never started, or its exit collected. */
function cgroupsUnaccounted(layout: Layout, rec: ContainerRecord): boolean {
  if (rec.starting) return false;
  const paths = layout.container(rec.id);
  if (existsSync(paths.exitFile)) return false; // the monitor's cleanup is collecting it
  return !deriveState(rec, paths).running;
}

/** Monitors whose exit file is in this root but whose container has no record (or another run). */
function monitorsWithoutRecord(layout: Layout, byId: Map<string, ContainerRecord>): Finding[] {
  const out: Finding[] = [];
  for (const [pid, id] of monitorsOfRoot(layout)) {
    const rec = byId.get(id);
    if (rec && (rec.starting || rec.run?.monitorPid === pid)) continue;
    if (rec && findMonitor(layout.container(id).exitFile) !== pid) continue; // an exec's monitor
    out.push({
      what: `berth-monitor ${pid} (container ${id.slice(0, 12)})`,
      problem: rec ? `not the monitor ${label(rec)} records: a second copy runs` : 'runs for a container that has no record',
      repair: {
        says: 'killed it and its container process',
        run: () => {
          const children = childrenOf(pid);
          for (const p of [...children, pid]) try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
          return true;
        },
      },
    });
  }
  return out;
}

/** Health checkers (container/health.ts) that check no running run of a record: the collector
 * of a run's exit kills the container's checkers, so one left over escaped it (stopped, say). */
function checkersWithoutRun(layout: Layout, byId: Map<string, ContainerRecord>): Finding[] {
  const out: Finding[] = [];
  for (const c of checkersOfRoot(layout)) {
    const rec = byId.get(c.id);
    if (rec?.starting) continue; // a start in progress records its checker when it commits
    if (rec?.run?.startedAt === c.startedAt) {
      const paths = layout.container(rec.id);
      // running, or just ended with the monitor's cleanup about to collect it (and stop the checker)
      if (existsSync(paths.exitFile) || deriveState(rec, paths).running) continue;
    }
    out.push({
      what: `health checker ${c.pid} (container ${c.id.slice(0, 12)})`,
      problem: rec ? `checks a run of ${label(rec)} that is over` : 'runs for a container that has no record',
      repair: {
        says: 'killed it',
        run: async () => {
          const alive = () => checkersOfRoot(layout).some((n) => n.pid === c.pid);
          if (!alive()) return false;
          try { process.kill(c.pid, 'SIGKILL'); } catch { return false; }
          // a SIGKILL is not an exit: a node process takes a few ms to tear down (more on a busy
          // machine), and the check after the repair must not find it still there (a zombie's
          // cmdline is empty, so it is gone from the list)
          for (let waited = 0; alive() && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
          return true;
        },
      },
    });
  }
  return out;
}

/** [pid, container id] of every berth-monitor whose arguments name this root's containers. */
function monitorsOfRoot(layout: Layout): [number, string][] {
  const prefix = layout.containersDir + '/';
  const out: [number, string][] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let argv: string[];
    try { argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!argv[0]?.endsWith('berth-monitor')) continue;
    const exit = argv[argv.indexOf('--exit-file') + 1] ?? '';
    if (!exit.startsWith(prefix)) continue;
    const id = exit.slice(prefix.length).split('/')[0];
    if (ID_RE.test(id)) out.push([Number(name), id]);
  }
  return out;
}

function namesRoot(layout: Layout, pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.startsWith(layout.containersDir + '/'));
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

