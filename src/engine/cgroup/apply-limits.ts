// Resource limits → cgroup files. `resolveLimits` decides, once at create (and
// update) time, what the host can enforce: a limit whose controller is missing is
// refused (memory, cpu, cpuset, pids: silently running a fork bomb without its
// pids limit is worse than not running it), while swap and blkio weight are
// dropped with docker's warnings, as docker does. `applyLimits` writes the files
// of one container — after its cgroups are made and before its init joins them,
// and again for `berth update` on a running container.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupRead, cgroupWrite } from '../../native/index.js';
import { BerthError } from '../errors.js';
import { enableV2Controllers, V2_CONTROLLERS } from './v2-controllers.js';
import { CFS_PERIOD_US, sharesToWeight, type ResourceLimits } from './limits.js';
import type { CgroupSupport } from './support.js';
import type { ContainerCgroups } from './container-cgroups.js';

const codeOf = (e: unknown): string | undefined => (e as { code?: string }).code;

export interface ResolvedLimits { limits: ResourceLimits; warnings: string[] }

/** docker's warnings (daemon_unix.go) for limits it drops rather than refuses. */
export const WARN_SWAP = 'Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.';
export const WARN_BLKIO = 'Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded.';

export function resolveLimits(r: ResourceLimits, s: CgroupSupport): ResolvedLimits {
  const out: ResourceLimits = { ...r };
  const warnings: string[] = [];
  const refuse = (flag: string, ctrl: string): never => {
    throw new BerthError('UNSUPPORTED', `cannot apply ${flag}: the host has no usable ${ctrl} cgroup controller for berth's containers (see \`berth info\`)`);
  };
  if (r.memory && !s.memory) refuse('--memory', 'memory');
  if (r.memoryReservation && !s.memory) refuse('--memory-reservation', 'memory');
  if ((r.nanoCpus || r.cpuShares) && !s.cpu) refuse(r.nanoCpus ? '--cpus' : '--cpu-shares', 'cpu');
  if (r.cpusetCpus && !s.cpuset) refuse('--cpuset-cpus', 'cpuset');
  if (r.pidsLimit !== undefined && r.pidsLimit !== 0 && !s.pids) refuse('--pids-limit', 'pids');
  if (out.memorySwap !== undefined && out.memorySwap !== 0 && !s.swap) {
    warnings.push(WARN_SWAP);
    delete out.memorySwap;
  } else if (out.memory && !out.memorySwap && s.swap) {
    out.memorySwap = out.memory * 2; // docker's default: as much swap as memory
  }
  if (out.blkioWeight && !s.blkioWeight) {
    warnings.push(WARN_BLKIO);
    delete out.blkioWeight;
  }
  return { limits: out, warnings };
}

/** One file write; `ctrl` names the cgroup2 controller it needs (for subtree_control). */
interface Write { dir: string; file: string; value: string; ctrl?: string }

const need = (dir: string | undefined, what: string): string => {
  if (!dir) throw new BerthError('UNSUPPORTED', `cannot apply ${what}: the container has no cgroup for it`);
  return dir;
};

function v1Writes(r: ResourceLimits, cg: ContainerCgroups): Write[] {
  const w: Write[] = [];
  const mem = (): string => need(cg.dirFor('memory'), 'a memory limit');
  if (r.memoryReservation !== undefined) w.push({ dir: mem(), file: 'memory.soft_limit_in_bytes', value: r.memoryReservation ? String(r.memoryReservation) : '-1' });
  if (r.memory !== undefined) {
    const dir = mem();
    const mw: Write = { dir, file: 'memory.limit_in_bytes', value: r.memory ? String(r.memory) : '-1' };
    if (r.memorySwap !== undefined && r.memorySwap !== 0) {
      const sw: Write = { dir, file: 'memory.memsw.limit_in_bytes', value: String(r.memorySwap) };
      // the kernel keeps memsw ≥ memory at every step (runc's order): raise memsw first when the
      // new memory limit is above the current memsw limit, else lower memory first
      const cur = Number(cgroupRead(join(dir, 'memory.memsw.limit_in_bytes')).trim());
      w.push(...(r.memorySwap === -1 || r.memory > cur ? [sw, mw] : [mw, sw]));
    } else {
      w.push(mw);
    }
  }
  if (r.nanoCpus !== undefined) {
    const dir = need(cg.dirFor('cpu'), '--cpus');
    w.push({ dir, file: 'cpu.cfs_period_us', value: String(CFS_PERIOD_US) });
    w.push({ dir, file: 'cpu.cfs_quota_us', value: r.nanoCpus ? String(Math.round((r.nanoCpus * CFS_PERIOD_US) / 1e9)) : '-1' });
  }
  if (r.cpuShares) w.push({ dir: need(cg.dirFor('cpu'), '--cpu-shares'), file: 'cpu.shares', value: String(r.cpuShares) });
  if (r.cpusetCpus) w.push({ dir: need(cg.dirFor('cpuset'), '--cpuset-cpus'), file: 'cpuset.cpus', value: r.cpusetCpus });
  if (r.pidsLimit !== undefined) w.push({ dir: need(cg.dirFor('pids'), '--pids-limit'), file: 'pids.max', value: r.pidsLimit > 0 ? String(r.pidsLimit) : 'max' });
  if (r.blkioWeight) {
    const dir = need(cg.dirFor('blkio'), '--blkio-weight');
    // CFQ's blkio.weight is gone since Linux 5.0; BFQ has its own file
    const file = existsSync(join(dir, 'blkio.weight')) ? 'blkio.weight' : 'blkio.bfq.weight';
    w.push({ dir, file, value: String(r.blkioWeight) });
  }
  return w;
}

function v2Writes(r: ResourceLimits, dir: string): Write[] {
  const w: Write[] = [];
  if (r.memoryReservation !== undefined) w.push({ dir, ctrl: 'memory', file: 'memory.low', value: r.memoryReservation ? String(r.memoryReservation) : '0' });
  if (r.memory !== undefined) w.push({ dir, ctrl: 'memory', file: 'memory.max', value: r.memory ? String(r.memory) : 'max' });
  // cgroup2 limits swap alone; docker's --memory-swap is memory + swap (runc converts the same way)
  if (r.memorySwap !== undefined && r.memorySwap !== 0 && r.memory) {
    w.push({ dir, ctrl: 'memory', file: 'memory.swap.max', value: r.memorySwap === -1 ? 'max' : String(r.memorySwap - r.memory) });
  }
  if (r.nanoCpus !== undefined) {
    const quota = r.nanoCpus ? String(Math.round((r.nanoCpus * CFS_PERIOD_US) / 1e9)) : 'max';
    w.push({ dir, ctrl: 'cpu', file: 'cpu.max', value: `${quota} ${CFS_PERIOD_US}` });
  }
  if (r.cpuShares) w.push({ dir, ctrl: 'cpu', file: 'cpu.weight', value: String(sharesToWeight(r.cpuShares)) });
  if (r.cpusetCpus) w.push({ dir, ctrl: 'cpuset', file: 'cpuset.cpus', value: r.cpusetCpus });
  if (r.pidsLimit !== undefined) w.push({ dir, ctrl: 'pids', file: 'pids.max', value: r.pidsLimit > 0 ? String(r.pidsLimit) : 'max' });
  if (r.blkioWeight) w.push({ dir, ctrl: 'io', file: 'io.weight', value: `default ${r.blkioWeight}` });
  return w;
}

/** Writes the limits of one container (already resolved against the host). */
export function applyLimits(cg: ContainerCgroups, r: ResourceLimits, s: CgroupSupport): void {
  const unified = cg.unifiedDir();
  // only what the caller's cgroup can hand down: never switch on a controller above it
  const usable = unified ? enableV2Controllers(unified, V2_CONTROLLERS.filter((c) => s.v2Controllers.includes(c))) : [];
  const byVersion = (k: keyof CgroupSupport): boolean => s[k] === 'v2';
  const v2: ResourceLimits = {}, v1: ResourceLimits = {};
  const route = (ver: boolean, keys: (keyof ResourceLimits)[]): void => {
    const target = (ver ? v2 : v1) as Record<string, unknown>;
    for (const k of keys) if (r[k] !== undefined) target[k] = r[k];
  };
  route(byVersion('memory'), ['memory', 'memoryReservation', 'memorySwap']);
  route(byVersion('cpu'), ['nanoCpus', 'cpuShares']);
  route(byVersion('cpuset'), ['cpusetCpus']);
  route(byVersion('pids'), ['pidsLimit']);
  route(byVersion('blkioWeight'), ['blkioWeight']);
  const writes = [...v1Writes(v1, cg), ...(Object.keys(v2).length ? v2Writes(v2, need(unified, 'cgroup2 limits')) : [])];
  for (const w of writes) {
    if (w.ctrl && !usable.includes(w.ctrl)) {
      throw new BerthError('UNSUPPORTED', `cannot apply the ${w.ctrl} limit: the ${w.ctrl} controller cannot be enabled for ${w.dir} (an ancestor cgroup holds processes or lacks it)`);
    }
    try {
      cgroupWrite(join(w.dir, w.file), w.value);
    } catch (e) {
      const code = codeOf(e);
      if (code === 'ENOENT') throw new BerthError('UNSUPPORTED', `cannot apply the limit: the host has no ${w.file}`);
      if (code === 'EBUSY' && w.file.startsWith('memory.')) {
        throw new BerthError('CONFLICT', `cannot set ${w.file} to ${w.value}: the container uses more memory than that and the kernel could not reclaim it`);
      }
      throw new BerthError('INVALID_ARGUMENT', `cannot set ${w.file} to ${w.value}: ${code ?? (e as Error).message}`);
    }
  }
}
