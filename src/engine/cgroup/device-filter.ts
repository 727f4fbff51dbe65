// The device allow-list as a cgroup2 BPF program (BPF_PROG_TYPE_CGROUP_DEVICE),
// compiled here as data; the native side only loads and attaches it. The kernel
// runs it on every open and mknod of a device node by a process in the cgroup:
// it returns 1 (allow) when a rule matches, else 0 (EPERM). The rules are allow
// rules over a deny-all default, as the v1 controller takes them, with v1's
// meaning: an "a" rule allows every device (runc's devicefilter does the same,
// through its v1 emulator). The code follows runc's libcontainer devicefilter.
import type { DeviceRule } from './devices.js';

// struct bpf_cgroup_dev_ctx { u32 access_type (access << 16 | type); u32 major; u32 minor; }
const DEV_TYPE: Record<'b' | 'c', number> = { b: 1, c: 2 }; // BPF_DEVCG_DEV_BLOCK, _CHAR
const ACCESS: Record<string, number> = { m: 1, r: 2, w: 4 }; // BPF_DEVCG_ACC_MKNOD, _READ, _WRITE

// opcodes (linux/bpf_common.h, linux/bpf.h)
const LDXW = 0x61;      // BPF_LDX | BPF_MEM | BPF_W
const AND32_K = 0x54;   // BPF_ALU | BPF_AND | BPF_K
const RSH32_K = 0x74;   // BPF_ALU | BPF_RSH | BPF_K
const MOV32_K = 0xb4;   // BPF_ALU | BPF_MOV | BPF_K
const MOV32_X = 0xbc;   // BPF_ALU | BPF_MOV | BPF_X
const JNE_K = 0x55;     // BPF_JMP | BPF_JNE | BPF_K
const JNE_X = 0x5d;     // BPF_JMP | BPF_JNE | BPF_X
const EXIT = 0x95;      // BPF_JMP | BPF_EXIT

interface Insn { code: number; dst: number; src: number; off: number; imm: number }
const insn = (code: number, dst: number, src: number, off: number, imm: number): Insn => ({ code, dst, src, off, imm });

const accessBits = (access: string): number => [...access].reduce((bits, c) => bits | ACCESS[c], 0);

/** The program's instructions for `rules` (allow rules; everything else is denied). */
export function deviceFilterInsns(rules: readonly DeviceRule[]): Insn[] {
  if (rules.some((r) => r.type === 'a')) return [insn(MOV32_K, 0, 0, 0, 1), insn(EXIT, 0, 0, 0, 0)];
  const out: Insn[] = [
    insn(LDXW, 2, 1, 0, 0), insn(AND32_K, 2, 0, 0, 0xffff), // r2 = type
    insn(LDXW, 3, 1, 0, 0), insn(RSH32_K, 3, 0, 0, 16),     // r3 = access asked for
    insn(LDXW, 4, 1, 4, 0),                                  // r4 = major
    insn(LDXW, 5, 1, 8, 0),                                  // r5 = minor
  ];
  for (const r of rules) {
    const bits = accessBits(r.access);
    // each test jumps past the rest of this rule's block when it does not match
    const tests: ((skip: number) => Insn[])[] = [(skip) => [insn(JNE_K, 2, 0, skip, DEV_TYPE[r.type as 'b' | 'c'])]];
    if (bits !== 7) {
      // every access asked for must be in the rule: (r3 & bits) == r3
      tests.push((skip) => [insn(MOV32_X, 1, 3, 0, 0), insn(AND32_K, 1, 0, 0, bits), insn(JNE_X, 1, 3, skip, 0)]);
    }
    if (r.major !== '*') tests.push((skip) => [insn(JNE_K, 4, 0, skip, r.major as number)]);
    if (r.minor !== '*') tests.push((skip) => [insn(JNE_K, 5, 0, skip, r.minor as number)]);
    const size = (t: (skip: number) => Insn[]): number => t(0).length;
    let remaining = tests.reduce((n, t) => n + size(t), 0) + 2; // + the "allow" pair
    for (const t of tests) {
      remaining -= size(t);
      out.push(...t(remaining));
    }
    out.push(insn(MOV32_K, 0, 0, 0, 1), insn(EXIT, 0, 0, 0, 0));
  }
  out.push(insn(MOV32_K, 0, 0, 0, 0), insn(EXIT, 0, 0, 0, 0));
  return out;
}

/** struct bpf_insn[] as the kernel reads it (x86-64 and arm64: little endian). */
export function encodeInsns(insns: readonly Insn[]): Buffer {
  const buf = Buffer.alloc(insns.length * 8);
  insns.forEach((i, n) => {
    buf.writeUInt8(i.code, n * 8);
    buf.writeUInt8((i.src << 4) | i.dst, n * 8 + 1);
    buf.writeInt16LE(i.off, n * 8 + 2);
    buf.writeInt32LE(i.imm | 0, n * 8 + 4);
  });
  return buf;
}

/** The program for `rules`, ready for the native loader. */
export const deviceFilterProgram = (rules: readonly DeviceRule[]): Buffer => encodeInsns(deviceFilterInsns(rules));
