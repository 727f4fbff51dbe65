// One container's cgroups: a directory in every hierarchy the caller is in,
// nested under the caller's own cgroup as <caller>/berth/<id> (or under
// --cgroup-parent). On hybrid hosts that is every v1 controller plus
// name=systemd plus cgroup2 `unified`; the init joins all of them (joinFiles).
//
// Resource limits live in limits.ts / support.ts / apply-limits.ts and write
// through dirFor(controller) / unifiedDir() — v1 files on hybrid hosts such as
// this one, where cgroup2 has no controllers; accounting is src/engine/stats.
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative } from 'node:path';
import { cgroupCreate, cgroupDeviceFilter, cgroupRead, cgroupRemove, cgroupWrite } from '../../native/index.js';
import { restrictDevicesV1, type DeviceRule } from './devices.js';
import { deviceFilterProgram } from './device-filter.js';
import { BerthError, invalid } from '../errors.js';
import { readCallerHierarchies, type CallerHierarchy } from './hierarchies.js';
import { isWithin, mountOfDir, readCgroupMounts, type CgroupMount } from './mounts.js';
import { isFrozenBy, pickFreezer, setFrozen } from './freezer.js';
import { cgroupMode } from './mode.js';
import { availableControllers, enableV2Controllers, V2_CONTROLLERS } from './v2-controllers.js';

/** The directory under the caller's cgroup that holds all of berth's containers. */
export const BERTH_PARENT = 'berth';

/** One directory; `mount` says which hierarchy it is in (absent: not on a cgroup mount any more). */
interface Placed { dir: string; mount?: CgroupMount }

const codeOf = (e: unknown): string | undefined => (e as { code?: string }).code;

export class ContainerCgroups {
  /** Absolute directories, one per hierarchy (stored in the container record). */
  readonly dirs: string[];
  private readonly placed: Placed[];

  private constructor(placed: Placed[]) {
    this.placed = placed;
    this.dirs = placed.map((p) => p.dir);
  }

  /** The directories create() would make, one per hierarchy: a start records them as its
   * intent before making any, so whoever finds a start cut short knows where to look. */
  static plan(id: string, opts: { parent?: string } = {}): string[] {
    return planned(id, opts).map((p) => p.dir);
  }

  /** Makes the container's directory in every hierarchy. On failure, removes what it made. */
  static create(id: string, opts: { parent?: string } = {}): ContainerCgroups {
    const made: Placed[] = [];
    try {
      for (const { dir, h } of planned(id, opts)) {
        makeCgroup(h.mount, dir);
        made.push({ dir, mount: h.mount });
        // cgroup2: the controllers the caller has, switched on down to here (memory.events for
        // the OOM watch, accounting files, limits); none on hybrid hosts' controller-less unified
        if (h.mount.version === 2) {
          const available = availableControllers(h.callerDir); // one read, not one per controller
          enableV2Controllers(dir, V2_CONTROLLERS.filter((c) => available.includes(c)));
        }
      }
    } catch (e) {
      try { new ContainerCgroups(made).remove(); } catch { /* report the first failure, not the cleanup's */ }
      throw e;
    }
    return new ContainerCgroups(made);
  }

  /** Restores from the recorded directories (container.json's run.cgroupPaths). */
  static fromDirs(dirs: string[]): ContainerCgroups {
    const mounts = readCgroupMounts();
    return new ContainerCgroups(dirs.map((dir) => ({ dir, mount: mountOfDir(dir, mounts) })));
  }

  /** Deny-all plus the allow `rules` (containerDeviceRules): through the v1 devices controller
   * where there is one (hybrid hosts such as this one), else as a BPF device program on the
   * cgroup2 directory. False when the container has neither. */
  restrictDevices(rules: readonly DeviceRule[]): boolean {
    const v1 = this.dirFor('devices');
    if (v1) {
      restrictDevicesV1(v1, rules);
      return true;
    }
    const unified = this.unifiedDir();
    if (!unified) return false;
    cgroupDeviceFilter(unified, deviceFilterProgram(rules));
    return true;
  }

  /** The file of every directory that a new process (the init, an exec) joins it through by
   * writing "0", before anything else. v1: `tasks`, which moves the one thread that process
   * has (the same as moving it whole: it has no other); the kernel lets a thread that moves
   * itself skip cgroup_threadgroup_rwsem, whose first writer after a quiet spell waits an RCU
   * grace period (this 6.18 VM, 6 quiet moves into 3 hierarchies each: cgroup.procs 7.3 ms
   * median, tasks 0.13 ms). cgroup2: cgroup.procs (no such exception there), which native
   * spawn avoids by cloning the process into that directory instead (spawn.c clone_init). */
  joinFiles(): string[] {
    return this.placed.map((p) => join(p.dir, p.mount?.version === 1 ? 'tasks' : 'cgroup.procs'));
  }

  /** The cgroup2 directory, if the container has one. */
  unifiedDir(): string | undefined {
    return this.placed.find((p) => p.mount?.version === 2)?.dir;
  }

  /** The v1 directory of the hierarchy holding `controller` ("memory", "name=systemd", ...). */
  dirFor(controller: string): string | undefined {
    return this.placed.find((p) => p.mount?.version === 1 && p.mount.controllers.includes(controller))?.dir;
  }

  /** Every process in the container (union over the cgroup2 and the v1 pids hierarchies). */
  pids(): number[] {
    const sources = [this.unifiedDir(), this.dirFor('pids')].filter((d): d is string => !!d);
    const pids = new Set<number>();
    for (const dir of sources.length ? sources : this.dirs) {
      let text: string;
      try {
        text = cgroupRead(join(dir, 'cgroup.procs'));
      } catch (e) {
        if (codeOf(e) === 'ENOENT') continue; // removed already: nothing runs there
        throw e;
      }
      for (const line of text.split('\n')) if (line.trim()) pids.add(Number(line));
    }
    return [...pids].sort((a, b) => a - b);
  }

  freeze(): void {
    setFrozen(this.freezer(), true);
  }

  thaw(): void {
    setFrozen(this.freezer(), false);
  }

  isFrozen(): boolean {
    const f = pickFreezer(this.unifiedDir(), this.dirFor('freezer'));
    if (!f) return false;
    try {
      return isFrozenBy(f);
    } catch (e) {
      if (codeOf(e) === 'ENOENT') return false;
      throw e;
    }
  }

  /** Files the monitor watches to tell an OOM kill: cgroup2 memory.events when the memory
   * controller is on the container's cgroup2 directory, else the v1 memory.oom_control. */
  oomFiles(): string[] {
    const unified = this.unifiedDir();
    if (unified) {
      let controllers = '';
      try { controllers = cgroupRead(join(unified, 'cgroup.controllers')); } catch { /* no file: no controllers */ }
      if (controllers.split(/\s+/).includes('memory')) return [join(unified, 'memory.events')];
    }
    const memory = this.dirFor('memory');
    return memory ? [join(memory, 'memory.oom_control')] : [];
  }

  /** Sends `signal` to every process: SIGKILL through cgroup.kill where the kernel has it
   * (one atomic write, races no fork), else to each pid listed in the cgroup. */
  kill(signal: number): void {
    const unified = this.unifiedDir();
    if (signal === 9 && unified) {
      try {
        cgroupWrite(join(unified, 'cgroup.kill'), '1');
        return;
      } catch (e) {
        if (codeOf(e) !== 'ENOENT') throw e; // before Linux 5.14: fall back to the pid list
      }
    }
    for (const pid of this.pids()) {
      try {
        process.kill(pid, signal);
      } catch (e) {
        if (codeOf(e) !== 'ESRCH') throw e;
      }
    }
  }

  /** Kills what is left and removes every directory (the native side retries EBUSY), then the
   * `berth` parents once empty, so nothing of berth stays behind after its last container. */
  remove(): void {
    // cgroup2 first: cgroup.kill reaches every process, even frozen ones; then the v1 freezer,
    // which the native side thaws so that the SIGKILLs of the other hierarchies can land
    const rank = (p: Placed): number => (p.mount?.version === 2 ? 0 : p.mount?.controllers.includes('freezer') ? 1 : 2);
    const ordered = [...this.placed].sort((a, b) => rank(a) - rank(b));
    let firstError: unknown;
    const removed: Placed[] = [];
    for (const p of ordered) {
      // gone already (a second removal: rm after the exit was collected): nothing, parents included
      if (!existsSync(p.dir)) continue;
      try {
        cgroupRemove(p.dir);
        removed.push(p);
      } catch (e) {
        firstError ??= e; // go on: the other hierarchies must not leak because of one
      }
    }
    for (const p of removed) {
      const parent = dirname(p.dir);
      if (basename(parent) !== BERTH_PARENT) continue;
      // a plain rmdir, never cgroupRemove: that would kill the other containers inside
      try {
        rmdirSync(parent);
      } catch (e) {
        if (!['ENOENT', 'ENOTEMPTY', 'EBUSY'].includes(codeOf(e) ?? '')) firstError ??= e;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  private freezer() {
    const f = pickFreezer(this.unifiedDir(), this.dirFor('freezer'));
    if (!f) throw new BerthError('UNSUPPORTED', 'cannot pause: the host has neither cgroup2 cgroup.freeze nor the v1 freezer controller');
    return f;
  }
}

function planned(id: string, opts: { parent?: string }): { dir: string; h: CallerHierarchy }[] {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id)) throw invalid(`invalid cgroup name: ${JSON.stringify(id)}`);
  const hierarchies = readCallerHierarchies();
  if (!hierarchies.length) throw new BerthError('UNSUPPORTED', 'no cgroup hierarchy is mounted under /sys/fs/cgroup');
  return hierarchies.map((h) => ({ dir: join(parentDir(h, opts.parent), id), h }));
}

/** Every process in any of these cgroup directories (a missing directory holds none). Plain file
 * reads and no mount table: cheap enough for `ps` to ask about a container whose monitor died. */
export function livePids(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const dir of dirs) {
    let text: string;
    try {
      text = readFileSync(join(dir, 'cgroup.procs'), 'utf8');
    } catch {
      continue; // removed (or a host reboot took it): nothing runs there
    }
    for (const line of text.split('\n')) if (line.trim()) pids.add(Number(line));
  }
  return [...pids].sort((a, b) => a - b);
}

/** Where the container's directory goes in one hierarchy: <caller>/berth by default; a
 * --cgroup-parent replaces that: absolute = from the hierarchy's root, relative = under the caller. */
function parentDir(h: CallerHierarchy, parent: string | undefined): string {
  if (parent === undefined || parent === '') return join(defaultBase(h), BERTH_PARENT);
  const norm = posix.normalize(parent);
  if (norm.split('/').includes('..')) throw invalid(`invalid --cgroup-parent ${JSON.stringify(parent)}: ".." is not allowed`);
  if (!isAbsolute(norm)) return join(h.callerDir, norm);
  if (!isWithin(norm, h.mount.root)) {
    throw invalid(`--cgroup-parent ${parent} is outside the cgroup tree visible at ${h.mount.mountPoint}`);
  }
  return join(h.mount.mountPoint, relative(h.mount.root, norm));
}

/** On a pure cgroup2 host, controllers reach a child only through the parent's
 * cgroup.subtree_control, which a cgroup holding processes cannot set (the "no internal
 * processes" rule) — and the caller's own cgroup holds at least the caller. So there, as
 * crun/runc/podman avoid process-holding parents, `berth` goes next to the caller (in its
 * parent, which under that rule holds no processes) unless the caller is at the root, which
 * the rule exempts. Hybrid and v1 hierarchies have no such rule: nested under the caller. */
function defaultBase(h: CallerHierarchy): string {
  if (h.mount.version !== 2 || cgroupMode() !== 'unified' || h.callerDir === h.mount.mountPoint) return h.callerDir;
  return dirname(h.callerDir);
}

/** mkdir -p of a cgroup directory below its mount point. A concurrent remove() may rmdir an
 * empty `berth` parent between two levels (ENOENT): start over a few times. */
function makeCgroup(mount: CgroupMount, dir: string): void {
  const levels: string[] = [];
  for (let d = dir; d !== mount.mountPoint && isWithin(d, mount.mountPoint); d = dirname(d)) levels.unshift(d);
  const cpuset = mount.version === 1 && mount.controllers.includes('cpuset');
  for (let attempt = 1; ; attempt++) {
    try {
      for (const level of levels) {
        cgroupCreate(level);
        if (cpuset) inheritCpuset(level);
      }
      return;
    } catch (e) {
      if (codeOf(e) !== 'ENOENT' || attempt >= 5) throw e;
    }
  }
}

/** A new v1 cpuset cgroup starts with empty cpus and mems, and no task can join it until
 * they are set: copy them from the parent (which this walk has filled already). */
function inheritCpuset(dir: string): void {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    if (cgroupRead(join(dir, file)).trim() !== '') continue;
    cgroupWrite(join(dir, file), cgroupRead(join(dirname(dir), file)).trim());
  }
}
