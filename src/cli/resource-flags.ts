// docker's resource flags, shared by run, create and update: their yargs
// options, their names (for splitting off the container command), and their
// conversion to the engine's ResourceLimits.
import type { Argv } from 'yargs';
import type { ResourceLimits } from '../engine/cgroup/index.js';
import { parseBytes, parseCpus, parseIntFlag } from './units.js';

export interface ResourceArgs {
  memory?: string;
  'memory-reservation'?: string;
  'memory-swap'?: string;
  cpus?: string;
  'cpu-shares'?: string;
  'cpuset-cpus'?: string;
  'pids-limit'?: string;
  'blkio-weight'?: string;
}

/** Flags that take a value (run/create split the container command after the image). */
export const resourceValueFlags = ['memory', 'm', 'memory-reservation', 'memory-swap', 'cpus', 'cpu-shares', 'c',
  'cpuset-cpus', 'pids-limit', 'blkio-weight'];

export function resourceOptions<T>(y: Argv<T>): Argv<T & ResourceArgs> {
  // strings, not numbers: yargs would turn "32m" into NaN and "-1" into a flag
  return y
    .option('memory', { alias: 'm', type: 'string', requiresArg: true, describe: 'memory limit (e.g. 32m, 1g)' })
    .option('memory-reservation', { type: 'string', requiresArg: true, describe: 'memory soft limit' })
    .option('memory-swap', { type: 'string', requiresArg: true, describe: 'memory plus swap limit; -1 = unlimited swap' })
    .option('cpus', { type: 'string', requiresArg: true, describe: 'number of CPUs (e.g. 0.5)' })
    .option('cpu-shares', { alias: 'c', type: 'string', requiresArg: true, describe: 'CPU shares (relative weight)' })
    .option('cpuset-cpus', { type: 'string', requiresArg: true, describe: 'CPUs in which to allow execution (0-3, 0,1)' })
    .option('pids-limit', { type: 'string', requiresArg: true, describe: 'tune container pids limit (-1 for unlimited)' })
    .option('blkio-weight', { type: 'string', requiresArg: true, describe: 'block IO weight (10 to 1000)' }) as Argv<T & ResourceArgs>;
}

/** The given flags as limits (absent flags stay absent: `update` changes only those). */
export function toResourceLimits(a: ResourceArgs): ResourceLimits {
  const r: ResourceLimits = {};
  if (a.memory !== undefined) r.memory = parseBytes(a.memory, '--memory');
  if (a['memory-reservation'] !== undefined) r.memoryReservation = parseBytes(a['memory-reservation'], '--memory-reservation');
  if (a['memory-swap'] !== undefined) r.memorySwap = parseBytes(a['memory-swap'], '--memory-swap', true);
  if (a.cpus !== undefined) r.nanoCpus = parseCpus(a.cpus);
  if (a['cpu-shares'] !== undefined) r.cpuShares = parseIntFlag(a['cpu-shares'], '--cpu-shares');
  if (a['cpuset-cpus'] !== undefined) r.cpusetCpus = a['cpuset-cpus'];
  if (a['pids-limit'] !== undefined) r.pidsLimit = parseIntFlag(a['pids-limit'], '--pids-limit');
  if (a['blkio-weight'] !== undefined) r.blkioWeight = parseIntFlag(a['blkio-weight'], '--blkio-weight');
  return r;
}

/** docker prints dropped-limit warnings on stderr, prefixed "WARNING:". */
export const printWarning = (message: string): void => void process.stderr.write(`WARNING: ${message}\n`);
