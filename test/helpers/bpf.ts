// A classic-BPF interpreter for seccomp programs, enough for what engine/seccomp emits
// and for any program the kernel's seccomp checker accepts (loads of seccomp_data, ALU
// with K, jumps with K, RET K): tests run a compiled filter on made-up syscalls here.

export interface SeccompData {
  nr: number;
  arch: number;
  /** up to six 64-bit arguments */
  args?: bigint[];
}

export const AUDIT_ARCH = { X86_64: 0xc000003e, I386: 0x40000003, AARCH64: 0xc00000b7 } as const;
export const X32_BIT = 0x40000000;

/** SECCOMP_RET_* decoded: the action's name and its 16-bit data (errno, trace message). */
export function decodeRet(r: number): { action: string; data: number } {
  const action = ({ 0x80000000: 'KILL_PROCESS', 0x00000000: 'KILL_THREAD', 0x00030000: 'TRAP', 0x00050000: 'ERRNO',
    0x7fc00000: 'USER_NOTIF', 0x7ff00000: 'TRACE', 0x7ffc0000: 'LOG', 0x7fff0000: 'ALLOW' } as Record<number, string>)[(r & 0xffff0000) >>> 0];
  return { action: action ?? `0x${r.toString(16)}`, data: r & 0xffff };
}

function word(d: SeccompData, off: number): number {
  if (off === 0) return d.nr >>> 0;
  if (off === 4) return d.arch >>> 0;
  if (off >= 16 && off < 64 && off % 4 === 0) {
    const a = d.args?.[(off - 16) >> 3] ?? 0n;
    return Number((off % 8 === 0 ? a : a >> 32n) & 0xffffffffn);
  }
  throw new Error(`bpf: load at offset ${off}`);
}

/** Runs the program (sock_filter[] as bytes) on one syscall; returns the SECCOMP_RET_* value.
 * `loaded` collects the seccomp_data offsets the run read. */
export function runFilter(program: Buffer, d: SeccompData, loaded?: Set<number>): number {
  let a = 0;
  for (let pc = 0, steps = 0; steps < 100_000; steps++) {
    if (pc * 8 >= program.length) throw new Error('bpf: ran off the end');
    const code = program.readUInt16LE(pc * 8), jt = program[pc * 8 + 2], jf = program[pc * 8 + 3];
    const k = program.readUInt32LE(pc * 8 + 4);
    pc++;
    switch (code) {
      case 0x20: a = word(d, k); loaded?.add(k); break; // ld [k]
      case 0x54: a = (a & k) >>> 0; break; // and #k
      case 0x06: return k; // ret #k
      case 0x05: pc += k; break; // ja
      case 0x15: pc += a === k ? jt : jf; break; // jeq
      case 0x25: pc += a > k ? jt : jf; break; // jgt
      case 0x35: pc += a >= k ? jt : jf; break; // jge
      case 0x45: pc += (a & k) !== 0 ? jt : jf; break; // jset
      default: throw new Error(`bpf: opcode 0x${code.toString(16)} at ${pc - 1}`);
    }
  }
  throw new Error('bpf: no return');
}
