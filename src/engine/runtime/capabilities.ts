// Linux capabilities: numbers (linux/capability.h), Docker's default set, and docker's
// --cap-add / --cap-drop / --privileged arithmetic (moby daemon/pkg/oci/caps).
// Masks are BigInt: bits above 31 (CAP_MAC_ADMIN and later) do not survive JS
// numbers' bitwise operators, and the native side takes decimal strings.
import { readFileSync } from 'node:fs';
import { invalid } from '../errors.js';

export const CAP_NUMBERS: Readonly<Record<string, number>> = {
  CHOWN: 0, DAC_OVERRIDE: 1, DAC_READ_SEARCH: 2, FOWNER: 3, FSETID: 4, KILL: 5, SETGID: 6, SETUID: 7,
  SETPCAP: 8, LINUX_IMMUTABLE: 9, NET_BIND_SERVICE: 10, NET_BROADCAST: 11, NET_ADMIN: 12, NET_RAW: 13,
  IPC_LOCK: 14, IPC_OWNER: 15, SYS_MODULE: 16, SYS_RAWIO: 17, SYS_CHROOT: 18, SYS_PTRACE: 19,
  SYS_PACCT: 20, SYS_ADMIN: 21, SYS_BOOT: 22, SYS_NICE: 23, SYS_RESOURCE: 24, SYS_TIME: 25,
  SYS_TTY_CONFIG: 26, MKNOD: 27, LEASE: 28, AUDIT_WRITE: 29, AUDIT_CONTROL: 30, SETFCAP: 31,
  MAC_OVERRIDE: 32, MAC_ADMIN: 33, SYSLOG: 34, WAKE_ALARM: 35, BLOCK_SUSPEND: 36, AUDIT_READ: 37,
  PERFMON: 38, BPF: 39, CHECKPOINT_RESTORE: 40,
};

/** Docker's 14 (moby daemon/pkg/oci/caps/defaults.go), in moby's order. */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID',
  'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE',
];

export function capMask(names: readonly string[]): bigint {
  let mask = 0n;
  for (const n of names) {
    const bit = CAP_NUMBERS[n.replace(/^CAP_/, '')];
    if (bit === undefined) throw new Error(`unknown capability ${n}`);
    mask |= 1n << BigInt(bit);
  }
  return mask;
}

/** The five capability sets of a container process, as decimal strings of 64-bit masks.
 * bounding = the container's set. uid 0 gets it as effective and permitted. Inheritable is
 * empty for everyone (Docker >= 20.10.14, CVE-2022-24769: a non-empty inheritable set lets
 * programs with inheritable file capabilities gain them). A non-root user gets nothing
 * effective, permitted or ambient (Docker 20.10+): execve would drop them anyway. */
export function capabilitySets(names: readonly string[], uid: number) {
  const mask = capMask(names).toString();
  const root = uid === 0;
  return {
    bounding: mask,
    effective: root ? mask : '0',
    permitted: root ? mask : '0',
    inheritable: '0',
    ambient: '0',
  };
}

/** The capabilities berth itself holds (its permitted set), read once: nothing beyond them can
 * be given (capset refuses), and a host may withhold some from root (CAP_SYS_RESOURCE here). */
let held: bigint | undefined;
export function callerCapabilities(): bigint {
  if (held === undefined) {
    try {
      held = BigInt('0x' + (/^CapPrm:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'));
    } catch {
      held = 0n;
    }
  }
  return held;
}

/** What ALL and --privileged mean: every capability berth knows that the caller holds
 * (docker: every one the kernel has; the difference shows only where root lacks some). */
export const allCapabilities = (holds = callerCapabilities()): string[] =>
  Object.entries(CAP_NUMBERS).filter(([, n]) => (holds >> BigInt(n)) & 1n).map(([name]) => name);

/** docker's spelling of --cap-add/--cap-drop values: upper case, "CAP_" prefixed, or "ALL";
 * an unknown name is docker's error ("invalid CapAdd: unknown capability: "CAP_FOO""). */
export function normalizeCapabilities(names: readonly string[], field: 'CapAdd' | 'CapDrop'): string[] {
  const out: string[] = [];
  for (const raw of names) {
    let c = raw.trim().toUpperCase();
    if (c !== 'ALL' && !c.startsWith('CAP_')) c = `CAP_${c}`;
    if (c !== 'ALL' && CAP_NUMBERS[c.slice(4)] === undefined) throw invalid(`invalid ${field}: unknown capability: ${JSON.stringify(c)}`);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** The container's capability set (names without "CAP_"), as moby's TweakCapabilities:
 * --privileged = all; ALL in cap-add = all but the dropped; ALL in cap-drop = only the added;
 * else the defaults minus the dropped plus the added. */
export function containerCapabilities(o: { capAdd?: readonly string[]; capDrop?: readonly string[]; privileged?: boolean }): string[] {
  const bare = (c: string): string => c.replace(/^CAP_/, '');
  const add = (o.capAdd ?? []).map(bare), drop = (o.capDrop ?? []).map(bare);
  if (o.privileged) return allCapabilities();
  if (add.includes('ALL')) return allCapabilities().filter((c) => !drop.includes(c));
  if (drop.includes('ALL')) return add;
  return [...new Set([...DOCKER_DEFAULT_CAPS.filter((c) => !drop.includes(c)), ...add])];
}
