// Docker's device policy: deny every device, then allow the few a container
// needs. Without it a container's root, which has CAP_MKNOD, could mknod a host
// disk (b 8:0) and read or write it. v1 has a `devices` controller for this;
// cgroup2 needs a BPF_CGROUP_DEVICE program, which berth does not load yet
// (`info` says so on such hosts), so there the mknod'ed nodes are the only guard.
import { join } from 'node:path';
import { cgroupWrite } from '../../native/index.js';

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

/** Applies the deny-all + allow-list to a v1 devices cgroup directory. */
export function restrictDevicesV1(dir: string): void {
  cgroupWrite(join(dir, 'devices.deny'), 'a');
  for (const rule of DEFAULT_DEVICE_RULES) cgroupWrite(join(dir, 'devices.allow'), rule);
}
