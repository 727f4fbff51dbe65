// Linux capabilities: numbers (linux/capability.h) and Docker's default set.
// Masks are BigInt: bits above 31 (CAP_MAC_ADMIN and later) do not survive JS
// numbers' bitwise operators, and the native side takes decimal strings.

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
