// run/create's device, ulimit, shm, sysctl and group flags: --device,
// --device-cgroup-rule, --ulimit, --shm-size, --sysctl, --group-add. Their
// syntaxes are the engine's (docker's, with docker's messages); this file only
// declares the options and hands the values over.
import type { Argv } from 'yargs';
import type { CreateOptions } from '../engine/container/index.js';
import { parseDeviceFlag, parseSysctl, parseUlimit } from '../engine/runtime/index.js';
import { parseDeviceRule } from '../engine/cgroup/index.js';
import { parseBytes } from './units.js';

export interface ProcessArgs {
  device?: string[];
  'device-cgroup-rule'?: string[];
  ulimit?: string[];
  'shm-size'?: string;
  sysctl?: string[];
  'group-add'?: string[];
}

/** Flags that take a value, for splitting off the container's command. */
export const processValueFlags = ['device', 'device-cgroup-rule', 'ulimit', 'shm-size', 'sysctl', 'group-add'];

export function processOptions<T>(y: Argv<T>): Argv<T & ProcessArgs> {
  const list = { type: 'string', array: true, nargs: 1, requiresArg: true } as const;
  return y
    .option('device', { ...list, describe: 'add a host device to the container (HOST[:CONTAINER[:rwm]])' })
    .option('device-cgroup-rule', { ...list, describe: "add a rule to the cgroup allowed devices list ('c 1:3 rwm')" })
    .option('ulimit', { ...list, describe: 'ulimit options (NAME=SOFT[:HARD], e.g. nofile=1024:2048)' })
    .option('shm-size', { type: 'string', requiresArg: true, describe: 'size of /dev/shm (e.g. 128m; default 64m)' })
    .option('sysctl', { ...list, describe: 'namespaced kernel parameters (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)' })
    .option('group-add', { ...list, describe: 'additional groups to join (names in the image, or numbers)' }) as unknown as Argv<T & ProcessArgs>;
}

export function toProcessOptions(a: ProcessArgs): Partial<CreateOptions> {
  const sysctls: Record<string, string> = {};
  for (const s of a.sysctl ?? []) {
    const [k, v] = parseSysctl(s);
    sysctls[k] = v;
  }
  for (const r of a['device-cgroup-rule'] ?? []) parseDeviceRule(r);
  return {
    devices: (a.device ?? []).map(parseDeviceFlag),
    deviceCgroupRules: a['device-cgroup-rule'] ?? [],
    ulimits: (a.ulimit ?? []).map(parseUlimit),
    ...(a['shm-size'] !== undefined ? { shmSize: parseBytes(a['shm-size'], '--shm-size') } : {}),
    sysctls,
    groupAdd: a['group-add'] ?? [],
  };
}
