// Resource limits as data (docker's HostConfig fields), and their validation
// with docker's rules and messages. Which of them the host can enforce is
// decided by support.ts; writing them to cgroup files is apply-limits.ts.
import { invalid } from '../errors.js';

/** docker's limit fields. Absent = not limited. Stored in ContainerConfig.resources. */
export interface ResourceLimits {
  /** --memory, bytes. */
  memory?: number;
  /** --memory-reservation (soft limit), bytes. */
  memoryReservation?: number;
  /** --memory-swap: memory + swap in bytes; -1 = unlimited swap. */
  memorySwap?: number;
  /** --cpus × 1e9 (docker's NanoCpus); becomes a CFS quota over a 100 ms period. */
  nanoCpus?: number;
  /** --cpu-shares (relative weight, default 1024). */
  cpuShares?: number;
  /** --cpuset-cpus, Linux list format ("0-2,4"). */
  cpusetCpus?: string;
  /** --pids-limit; ≤ 0 = unlimited. */
  pidsLimit?: number;
  /** --blkio-weight, 10..1000. */
  blkioWeight?: number;
}

export const LIMIT_KEYS = [
  'memory', 'memoryReservation', 'memorySwap', 'nanoCpus', 'cpuShares', 'cpusetCpus', 'pidsLimit', 'blkioWeight',
] as const satisfies readonly (keyof ResourceLimits)[];

/** docker's minimum for --memory and --memory-reservation (daemon: linuxMinMemory). */
export const MIN_MEMORY = 6 * 1024 * 1024;
/** The CFS period berth uses for --cpus (docker's default, 100 ms). */
export const CFS_PERIOD_US = 100_000;

/** Parses a cpuset list ("0-2,4") into CPU numbers; throws on malformed input. */
export function parseCpuList(list: string): number[] {
  const out = new Set<number>();
  for (const part of list.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw invalid(`invalid value "${list}" for cpuset cpus: expected a list such as 0-2,4`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 65536) throw invalid(`invalid value "${list}" for cpuset cpus: bad range ${part}`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

export interface HostCpus {
  /** Number of online CPUs (docker's NCPU). */
  count: number;
  /** The online CPUs as a list ("0-1") and as numbers. */
  list: string;
  ids: number[];
}

/** Merges an update into the current limits (docker update: given fields replace, others stay). */
export function mergeLimits(current: ResourceLimits | undefined, update: ResourceLimits): ResourceLimits {
  const out: ResourceLimits = { ...(current ?? {}) };
  for (const k of LIMIT_KEYS) if (update[k] !== undefined) (out as Record<string, unknown>)[k] = update[k];
  return out;
}

/** docker's checks (daemon/daemon_unix.go verifyPlatformContainerResources) with its messages. */
export function validateLimits(r: ResourceLimits, cpus: HostCpus): void {
  const int = (v: number | undefined, what: string): void => {
    if (v !== undefined && !Number.isSafeInteger(v)) throw invalid(`invalid ${what}: ${v} is not a whole number`);
  };
  int(r.memory, '--memory'); int(r.memoryReservation, '--memory-reservation'); int(r.memorySwap, '--memory-swap');
  int(r.nanoCpus, '--cpus'); int(r.cpuShares, '--cpu-shares'); int(r.pidsLimit, '--pids-limit'); int(r.blkioWeight, '--blkio-weight');
  if (r.memory !== undefined && r.memory !== 0 && r.memory < MIN_MEMORY) throw invalid('Minimum memory limit allowed is 6MB');
  if (r.memory !== undefined && r.memory < 0) throw invalid('invalid --memory: it must be a positive size');
  if (r.memoryReservation !== undefined && r.memoryReservation !== 0 && r.memoryReservation < MIN_MEMORY) {
    throw invalid('Minimum memory reservation allowed is 6MB');
  }
  if (r.memorySwap !== undefined && r.memorySwap !== 0 && r.memorySwap !== -1) {
    if (!r.memory) throw invalid('You should always set the Memory limit when using Memoryswap limit, see usage');
    if (r.memorySwap < r.memory) throw invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (r.memory && r.memoryReservation && r.memory < r.memoryReservation) {
    throw invalid('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (r.nanoCpus !== undefined && r.nanoCpus !== 0 && (r.nanoCpus < 0.01e9 || r.nanoCpus > cpus.count * 1e9)) {
    throw invalid(`Range of CPUs is from 0.01 to ${cpus.count.toFixed(2)}, as there are only ${cpus.count} CPUs available`);
  }
  if (r.cpuShares !== undefined && r.cpuShares !== 0 && (r.cpuShares < 2 || r.cpuShares > 262144)) {
    throw invalid(`invalid --cpu-shares ${r.cpuShares}: the range is 2 to 262144`);
  }
  if (r.cpusetCpus !== undefined && r.cpusetCpus !== '') {
    const missing = parseCpuList(r.cpusetCpus).filter((c) => !cpus.ids.includes(c));
    if (missing.length) throw invalid(`Requested CPUs are not available - requested ${r.cpusetCpus}, available: ${cpus.list}`);
  }
  if (r.blkioWeight !== undefined && r.blkioWeight !== 0 && (r.blkioWeight < 10 || r.blkioWeight > 1000)) {
    throw invalid('Range of blkio weight is from 10 to 1000');
  }
}

/** runc's cpu.shares → cgroup2 cpu.weight conversion ([2, 262144] → [1, 10000]). */
export const sharesToWeight = (shares: number): number => 1 + Math.floor(((shares - 2) * 9999) / 262142);

/** True when some limit is set (0 / "" / absent mean "not limited"). */
export function hasLimits(r: ResourceLimits | undefined): boolean {
  return !!r && LIMIT_KEYS.some((k) => r[k] !== undefined && r[k] !== 0 && r[k] !== '');
}
