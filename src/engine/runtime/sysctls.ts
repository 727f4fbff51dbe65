// --sysctl KEY=VALUE: only the kernel parameters that belong to the container's
// own namespaces (its network and IPC namespaces), as docker's CLI allows them
// (opts.ValidateSysctl): net.*, the IPC ones (kernel.msg*, kernel.sem,
// kernel.shm*) and fs.mqueue.*. Any other key is host-wide and refused with
// docker's message. They are written by the init through the container's own
// /proc, after its namespaces exist and before /proc/sys is made read-only.
import type { RootfsOp } from '../../native/index.js';
import { invalid } from '../errors.js';

const IPC_KEYS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem',
  'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
]);
const PREFIXES = ['net.', 'fs.mqueue.'];
// dotted names only: the key becomes a path under /proc/sys ("." -> "/"), so no "/" or empty part
const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

/** `--sysctl KEY=VALUE` → [key, value]. */
export function parseSysctl(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  const key = eq < 0 ? '' : spec.slice(0, eq);
  const allowed = IPC_KEYS.has(key) || PREFIXES.some((p) => key.startsWith(p));
  if (!allowed || !KEY.test(key)) throw invalid(`invalid argument "${spec}" for "--sysctl" flag: sysctl '${spec}' is not allowed`);
  return [key, spec.slice(eq + 1)];
}

/** The writes, in key order; placed before the read-only /proc/sys (protectionOps). */
export function sysctlOps(sysctls: Readonly<Record<string, string>>): RootfsOp[] {
  return Object.keys(sysctls).sort().map((key): RootfsOp => {
    parseSysctl(`${key}=${sysctls[key]}`); // a record is data from disk: checked again before it reaches the kernel
    return { op: 'sysctl', target: `/proc/sys/${key.replace(/\./g, '/')}`, value: sysctls[key] };
  });
}
