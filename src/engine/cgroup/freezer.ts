// Freezing a container (pause/unpause). cgroup2's cgroup.freeze is preferred
// wherever the container has a cgroup2 directory — on hybrid hosts too, where
// it works in `unified`: a v2-frozen task still dies on SIGKILL, a v1-frozen one
// only after a thaw. The v1 freezer hierarchy is the fallback (legacy hosts).
import { cgroupRead, cgroupWrite } from '../../native/index.js';
import { BerthError } from '../errors.js';

export type Freezer = { kind: 'v2'; dir: string } | { kind: 'v1'; dir: string };

const TIMEOUT_MS = 5000;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous sleep: freeze/thaw are called from synchronous engine code under a lock. */
const sleep = (ms: number): void => void Atomics.wait(sleepCell, 0, 0, ms);

const isMissing = (e: unknown): boolean => (e as { code?: string }).code === 'ENOENT';

/** Picks the freezer for a container from its cgroup2 dir and its v1 freezer dir (either may be absent). */
export function pickFreezer(unifiedDir: string | undefined, v1FreezerDir: string | undefined): Freezer | undefined {
  if (unifiedDir) {
    try {
      cgroupRead(`${unifiedDir}/cgroup.freeze`); // absent before Linux 5.2
      return { kind: 'v2', dir: unifiedDir };
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }
  return v1FreezerDir ? { kind: 'v1', dir: v1FreezerDir } : undefined;
}

/** cgroup.events holds "populated N\nfrozen N". */
const v2Frozen = (dir: string): boolean => /^frozen 1$/m.test(cgroupRead(`${dir}/cgroup.events`));
const v1State = (dir: string): string => cgroupRead(`${dir}/freezer.state`).trim();

/** Requests frozen (true) or thawed (false) and waits until the kernel reports it. */
export function setFrozen(f: Freezer, frozen: boolean): void {
  const write = (on: boolean): void => {
    if (f.kind === 'v2') cgroupWrite(`${f.dir}/cgroup.freeze`, on ? '1' : '0');
    else cgroupWrite(`${f.dir}/freezer.state`, on ? 'FROZEN' : 'THAWED');
  };
  const reached = (): boolean => (f.kind === 'v2' ? v2Frozen(f.dir) === frozen : v1State(f.dir) === (frozen ? 'FROZEN' : 'THAWED'));
  write(frozen);
  const deadline = Date.now() + TIMEOUT_MS;
  for (let delay = 1; !reached(); delay = Math.min(delay * 2, 50)) {
    if (Date.now() > deadline) {
      // a task stuck in an uninterruptible sleep can hold a freeze off: do not leave it half-frozen
      if (frozen) write(false);
      throw new BerthError('INTERNAL', `cgroup ${f.dir} did not become ${frozen ? 'frozen' : 'thawed'} within ${TIMEOUT_MS / 1000}s`);
    }
    sleep(delay);
  }
}

/** Whether a freeze was requested and is in force (v2: cgroup.freeze = 1; v1: freezer.state = FROZEN). */
export function isFrozenBy(f: Freezer): boolean {
  if (f.kind === 'v2') return cgroupRead(`${f.dir}/cgroup.freeze`).trim() === '1';
  return v1State(f.dir) === 'FROZEN';
}
