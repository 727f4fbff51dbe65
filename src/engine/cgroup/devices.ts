// Docker's device policy: deny every device, then allow the few a container
// needs, plus the container's own --device nodes and --device-cgroup-rule lines.
// Without it a container's root, which has CAP_MKNOD, could mknod a host disk
// (b 8:0) and read or write it. A v1 `devices` controller takes the rules as
// devices.allow lines; cgroup2 has no such controller, so there the same rules
// become a BPF_PROG_TYPE_CGROUP_DEVICE program (device-filter.ts) attached to
// the container's cgroup.
import { join } from 'node:path';
import { cgroupWrite } from '../../native/index.js';
import { invalid } from '../errors.js';

/** One allow rule, as in devices.allow: type a (all) | b | c, numbers or "*" (any), access of r/w/m. */
export interface DeviceRule {
  type: 'a' | 'b' | 'c';
  major: number | '*';
  minor: number | '*';
  access: string;
}

/** moby's DefaultLinuxSpec device rules (oci/defaults.go), in devices.allow syntax. */
export const DEFAULT_DEVICE_RULES = [
  'c *:* m', // mknod of any char device may succeed; using it may not
  'b *:* m',
  'c 1:3 rwm', // null
  'c 1:5 rwm', // zero
  'c 1:7 rwm', // full
  'c 1:8 rwm', // random
  'c 1:9 rwm', // urandom
  'c 5:0 rwm', // tty
  'c 5:1 rwm', // console
  'c 5:2 rwm', // ptmx
  'c 136:* rwm', // pts
  'c 10:200 rwm', // tun
];

// docker's opts.ValidateDeviceCgroupRule; numbers beyond 32 bits could never match a device
const RULE = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/;
const MAX_NUMBER = 0xffffffff;

/** `--device-cgroup-rule 'c 1:3 rwm'` (docker's syntax and message). */
export function parseDeviceRule(text: string): DeviceRule {
  const m = RULE.exec(text);
  const num = (s: string): number | '*' => (s === '*' ? '*' : Number(s));
  const rule = m && { type: m[1] as DeviceRule['type'], major: num(m[2]), minor: num(m[3]), access: m[4] };
  if (!rule || [rule.major, rule.minor].some((n) => n !== '*' && n > MAX_NUMBER)) {
    throw invalid(`invalid argument "${text}" for "--device-cgroup-rule" flag: invalid device cgroup format '${text}'`);
  }
  return rule;
}

export const ruleText = (r: DeviceRule): string => `${r.type} ${r.major}:${r.minor} ${r.access}`;

/** The default allow-list followed by the container's own rules. */
export const containerDeviceRules = (extra: readonly DeviceRule[] = []): DeviceRule[] =>
  [...DEFAULT_DEVICE_RULES.map(parseDeviceRule), ...extra];

/** Applies deny-all + the allow rules to a v1 devices cgroup directory. */
export function restrictDevicesV1(dir: string, rules: readonly DeviceRule[]): void {
  cgroupWrite(join(dir, 'devices.deny'), 'a');
  for (const rule of rules) cgroupWrite(join(dir, 'devices.allow'), ruleText(rule));
}
