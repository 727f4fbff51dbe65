// The seccomp compiler on data: docker's default profile compiled for the default
// capabilities (and with more), then run through a BPF interpreter on known syscall
// numbers of each x86 ABI; argument comparisons checked against plain 64-bit arithmetic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_PROFILE, compileProfile, parseProfile, type SeccompProfile } from '../../src/engine/seccomp/index.js';
import { DOCKER_DEFAULT_CAPS } from '../../src/engine/runtime/index.js';
import { AUDIT_ARCH, X32_BIT, decodeRet, runFilter } from '../helpers/bpf.js';
import { X86_64 } from '../../src/engine/seccomp/syscalls-x86.js';

const KERNEL = '6.1.0-13-amd64';
const compile = (caps: readonly string[] = DOCKER_DEFAULT_CAPS, p: SeccompProfile = DEFAULT_PROFILE) =>
  compileProfile(p, { caps, kernel: KERNEL }).program;
const dflt = compile();
const call = (prog: Buffer, nr: number, args: (number | bigint)[] = [], arch: number = AUDIT_ARCH.X86_64): string => {
  const { action, data } = decodeRet(runFilter(prog, { nr, arch, args: args.map(BigInt) }));
  return action === 'ERRNO' ? `ERRNO ${data}` : action;
};

// x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl)
const NR = { read: 0, write: 1, socket: 41, clone: 56, personality: 135, mount: 165, add_key: 248, keyctl: 250,
  unshare: 272, perf_event_open: 298, io_uring_setup: 425, io_uring_enter: 426, clone3: 435, ptrace: 101, bpf: 321,
  chroot: 161, reboot: 169, arch_prctl: 158, modify_ldt: 154, setns: 308, kexec_load: 246, open_by_handle_at: 304 };
const CLONE_NEWUSER = 0x10000000, CLONE_NEWNS = 0x00020000, THREAD_FLAGS = 0x003d0f00, SIGCHLD = 17;

test('default profile: ordinary syscalls are allowed, the rest is EPERM', () => {
  for (const n of ['read', 'write', 'ptrace', 'chroot', 'arch_prctl', 'modify_ldt'] as const) assert.is(call(dflt, NR[n]), 'ALLOW', n);
  for (const n of ['keyctl', 'add_key', 'unshare', 'mount', 'setns', 'perf_event_open', 'bpf', 'reboot', 'kexec_load', 'open_by_handle_at'] as const) {
    assert.is(call(dflt, NR[n]), 'ERRNO 1', n);
  }
  assert.is(call(dflt, 5000), 'ERRNO 1', 'a number no syscall has');
});

test('docker 25+: io_uring is denied', () => {
  assert.is(call(dflt, NR.io_uring_setup), 'ERRNO 1');
  assert.is(call(dflt, NR.io_uring_enter), 'ERRNO 1');
});

test('clone: no namespace flags without CAP_SYS_ADMIN; clone3 answers ENOSYS so glibc falls back', () => {
  assert.is(call(dflt, NR.clone, [SIGCHLD]), 'ALLOW');
  assert.is(call(dflt, NR.clone, [THREAD_FLAGS]), 'ALLOW');
  assert.is(call(dflt, NR.clone, [CLONE_NEWUSER | SIGCHLD]), 'ERRNO 1');
  assert.is(call(dflt, NR.clone, [CLONE_NEWNS]), 'ERRNO 1');
  assert.is(call(dflt, NR.clone, [BigInt(SIGCHLD) | (1n << 40n)]), 'ALLOW', 'high bits are no namespace flags');
  assert.is(call(dflt, NR.clone3), 'ERRNO 38');
});

test('capability-dependent groups: CAP_SYS_ADMIN opens mount, unshare, any clone, clone3; CAP_PERFMON perf_event_open', () => {
  const admin = compile([...DOCKER_DEFAULT_CAPS, 'SYS_ADMIN']);
  for (const n of ['mount', 'unshare', 'setns', 'bpf', 'perf_event_open', 'clone3'] as const) assert.is(call(admin, NR[n]), 'ALLOW', n);
  assert.is(call(admin, NR.clone, [CLONE_NEWUSER]), 'ALLOW');
  assert.is(call(admin, NR.keyctl), 'ERRNO 1', 'keyctl stays denied');
  assert.is(call(compile([...DOCKER_DEFAULT_CAPS, 'CAP_PERFMON']), NR.perf_event_open), 'ALLOW');
  // dropping a default cap withdraws its group
  assert.is(call(compile(DOCKER_DEFAULT_CAPS.filter((c) => c !== 'SYS_CHROOT')), NR.chroot), 'ERRNO 1');
});

test('socket: every family but AF_VSOCK; personality: only the listed values', () => {
  assert.is(call(dflt, NR.socket, [2]), 'ALLOW');
  assert.is(call(dflt, NR.socket, [1]), 'ALLOW');
  assert.is(call(dflt, NR.socket, [40]), 'ERRNO 1');
  assert.is(call(dflt, NR.socket, [40n + (1n << 32n)]), 'ALLOW', 'compared as 64 bits, as libseccomp does');
  for (const v of [0, 8, 0x20000, 0x20008, 0xffffffff]) assert.is(call(dflt, NR.personality, [v]), 'ALLOW', String(v));
  for (const v of [1, 0x0040000 /* ADDR_NO_RANDOMIZE */, 0x1ffffffff]) assert.is(call(dflt, NR.personality, [v]), 'ERRNO 1', String(v));
});

test('i386 and x32 are filtered with their own numbers; another arch is killed', () => {
  const i386 = (nr: number, args: number[] = []) => call(dflt, nr, args, AUDIT_ARCH.I386);
  assert.is(i386(3), 'ALLOW', 'i386 read');
  assert.is(i386(288), 'ERRNO 1', 'i386 keyctl');
  assert.is(i386(310), 'ERRNO 1', 'i386 unshare');
  assert.is(i386(359, [2]), 'ALLOW', 'i386 socket(AF_INET)');
  assert.is(i386(359, [40]), 'ERRNO 1', 'i386 socket(AF_VSOCK)');
  assert.is(i386(120, [CLONE_NEWUSER]), 'ERRNO 1', 'i386 clone with a namespace');
  assert.is(i386(435), 'ERRNO 38', 'i386 clone3');
  assert.is(call(dflt, X32_BIT + 0), 'ALLOW', 'x32 read');
  assert.is(call(dflt, X32_BIT + 512), 'ALLOW', 'x32 rt_sigaction');
  assert.is(call(dflt, X32_BIT + 250), 'ERRNO 1', 'x32 keyctl');
  assert.is(call(dflt, X32_BIT + 13), 'ERRNO 1', 'the x86_64-only rt_sigaction number is no x32 syscall');
  assert.is(call(dflt, 63, [], AUDIT_ARCH.AARCH64), 'KILL_PROCESS');
  // a profile without i386/x32 kills them instead
  const only64 = compile(DOCKER_DEFAULT_CAPS, { ...DEFAULT_PROFILE, archMap: undefined });
  assert.is(call(only64, 3, [], AUDIT_ARCH.I386), 'KILL_PROCESS');
  assert.is(call(only64, X32_BIT), 'KILL_PROCESS');
  assert.is(call(only64, NR.read), 'ALLOW');
});

test('argument-free allows never read the arguments: the kernel can cache them and skip the program', () => {
  for (const [name, nr] of X86_64()) {
    const loaded = new Set<number>();
    if (decodeRet(runFilter(dflt, { nr, arch: AUDIT_ARCH.X86_64 }, loaded)).action !== 'ALLOW') continue;
    if (['socket', 'clone', 'personality'].includes(name)) continue; // the argument rules
    assert.equal([...loaded].sort(), [0, 4], name);
  }
});

test('the program fits the kernel limit and is the same for the same input', () => {
  assert.ok(dflt.length / 8 < 4096, `${dflt.length / 8} instructions`);
  assert.equal(compile(), dflt);
});

test('argument operators compare all 64 bits; several conditions on one argument are alternatives', () => {
  const edges = [0n, 1n, 5n, 0xffffffffn, 0x100000000n, 0x100000005n, 0x1ffffffffn, (1n << 53n) - 1n];
  const ops: Record<string, (x: bigint, v: bigint) => boolean> = {
    SCMP_CMP_EQ: (x, v) => x === v, SCMP_CMP_NE: (x, v) => x !== v, SCMP_CMP_LT: (x, v) => x < v,
    SCMP_CMP_LE: (x, v) => x <= v, SCMP_CMP_GT: (x, v) => x > v, SCMP_CMP_GE: (x, v) => x >= v,
  };
  for (const [op, f] of Object.entries(ops)) {
    for (const v of edges) {
      const p = parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: Number(v), op }] }] });
      const prog = compile([], p);
      for (const x of edges) assert.is(call(prog, NR.read, [0, 0, x]), f(x, v) ? 'ALLOW' : 'ERRNO 1', `${x} ${op} ${v}`);
    }
  }
  const masked = compile([], parseProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [
    { names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 1, value: 0xf00000000, valueTwo: 0x300000000, op: 'SCMP_CMP_MASKED_EQ' }] },
    // two conditions on argument 0: either one (runc's rule)
    { names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 5, args: [{ index: 0, value: 7, op: 'SCMP_CMP_EQ' }, { index: 0, value: 9, op: 'SCMP_CMP_EQ' }] },
    // conditions on two arguments: both
    { names: ['close'], action: 'SCMP_ACT_KILL_PROCESS', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 1, value: 2, op: 'SCMP_CMP_EQ' }] },
  ] }));
  assert.is(call(masked, NR.write, [0, 0x3ffffffffn]), 'ERRNO 13');
  assert.is(call(masked, NR.write, [0, 0x1ffffffffn]), 'ALLOW');
  assert.is(call(masked, NR.read, [7]), 'ERRNO 5');
  assert.is(call(masked, NR.read, [9]), 'ERRNO 5');
  assert.is(call(masked, NR.read, [8]), 'ALLOW');
  assert.is(call(masked, 3, [1, 2]), 'KILL_PROCESS');
  assert.is(call(masked, 3, [1, 3]), 'ALLOW');
});

test('profiles are validated: one line naming what is wrong', () => {
  const err = (p: unknown): string => { try { parseProfile(p); return 'accepted'; } catch (e) { return (e as Error).message; } };
  assert.match(err('{"defaultAction": '), /^Decoding seccomp profile failed: /);
  assert.is(err({ defaultAction: 'SCMP_ACT_NOPE', syscalls: [] }), 'Decoding seccomp profile failed: defaultAction: unknown action "SCMP_ACT_NOPE"');
  assert.is(err({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'ALLOW' }] }), 'Decoding seccomp profile failed: syscalls[0]: unknown action "ALLOW"');
  assert.match(err({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }), /args\[0\]\.index/);
  assert.match(err({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'EQ' }] }] }), /unknown operator "EQ"/);
  assert.match(err({ defaultAction: 'SCMP_ACT_NOTIFY', syscalls: [] }), /not supported/);
  assert.match(err({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ action: 'SCMP_ACT_ALLOW' }] }), /syscalls\[0\]: expected names/);
  assert.match(err({ defaultAction: 'SCMP_ACT_ERRNO', flags: ['SECCOMP_FILTER_FLAG_BOGUS'] }), /unknown flag/);
  // docker's older single "name" is accepted; unknown syscall names are skipped as libseccomp does
  assert.is(err({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ name: 'read', action: 'SCMP_ACT_ALLOW' }] }), 'accepted');
  const p = parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [{ names: ['read', 'no_such_call'], action: 'SCMP_ACT_ALLOW' }] });
  assert.is(call(compile([], p), NR.read), 'ALLOW');
  assert.is(call(compile([], p), NR.write), 'ERRNO 38');
});

test('a profile longer than the kernel takes (4096 instructions) is refused with a message', () => {
  const names = [...X86_64().keys()];
  const p = parseProfile({ defaultAction: 'SCMP_ACT_ERRNO', archMap: DEFAULT_PROFILE.archMap, syscalls: names.map((n) => ({ names: [n], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] })) });
  assert.throws(() => compile([], p), (e: Error) => /compiles to \d+ BPF instructions, more than the kernel's 4096/.test(e.message));
});

test.run();
