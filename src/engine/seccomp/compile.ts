// Profile + capabilities + kernel -> a classic BPF program for seccomp(SECCOMP_SET_MODE_FILTER),
// the policy half of what libseccomp does for runc. The native side only loads the bytes.
//
// Layout: check seccomp_data.arch (x86_64 or i386; anything else is killed), and on x86_64
// the x32 bit of the number; then, per ABI, one `jeq nr; ret ACTION` pair per syscall the
// profile names (a syscall with argument rules jumps into a block that tests them), and the
// default action last. Linear like libseccomp's default output; the kernel caches the
// syscalls whose answer does not depend on arguments, so those never run the program.
// Rules resolve as moby's profile code does (includes/excludes by caps, arch "amd64",
// minKernel), and per syscall the first rule whose arguments match wins.
import { BerthError } from '../errors.js';
import { ACTIONS, FILTER_FLAGS, type SeccompArg, type SeccompProfile, type SeccompRule } from './profile.js';
import { I386, X32, X86_64 } from './syscalls-x86.js';

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const X32_SYSCALL_BIT = 0x40000000;
const RET_KILL_PROCESS = 0x80000000;
const BPF_MAXINSNS = 4096;

// classic BPF opcodes (linux/bpf_common.h)
const LD_W_ABS = 0x20, ALU_AND_K = 0x54, RET_K = 0x06;
const JA = 0x05, JEQ = 0x15, JGT = 0x25, JGE = 0x35;

/** One sock_filter; jt/jf/k may name a label, resolved by assemble(). */
interface Insn { code: number; jt: number | string; jf: number | string; k: number | string }
type Item = Insn | { label: string };

export interface CompileOptions {
  /** The container's capability (bounding) set, "CAP_CHOWN" or "CHOWN". */
  caps: readonly string[];
  /** The host kernel's release ("6.1.0-13-amd64"), for includes/excludes.minKernel. */
  kernel: string;
}

export interface CompiledFilter {
  /** struct sock_filter[], 8 bytes each, little-endian. */
  program: Buffer;
  /** SECCOMP_FILTER_FLAG_* from the profile's flags. */
  flags: number;
}

interface Abi { name: 'x86_64' | 'i386' | 'x32'; table: () => ReadonlyMap<string, number>; base: number; args64: boolean }
const ABIS: Record<string, Abi> = {
  SCMP_ARCH_X86_64: { name: 'x86_64', table: X86_64, base: 0, args64: true },
  SCMP_ARCH_X86: { name: 'i386', table: I386, base: 0, args64: false },
  SCMP_ARCH_X32: { name: 'x32', table: X32, base: X32_SYSCALL_BIT, args64: true },
};

/** A rule reduced to its action and conditions: OR of AND-groups (an empty group always matches). */
interface Resolved { action: number; groups: SeccompArg[][] }

function actionValue(action: string, errnoRet: number | undefined): number {
  const base = ACTIONS[action];
  // as runc: ERRNO and TRACE carry errnoRet, EPERM when the profile gives none
  return action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE' ? (base | ((errnoRet ?? 1) & 0xffff)) >>> 0 : base;
}

/** Whether kernel release `kernel` ("6.1.0-13-amd64") is `min` ("4.8") or later. */
export const kernelAtLeast = (kernel: string, min: string): boolean => {
  const [a, b] = kernel.split(/[.-]/).map(Number), [c, d] = min.split('.').map(Number);
  return a > c || (a === c && (b ?? 0) >= (d ?? 0));
};

/** moby's rule selection (profiles/seccomp/seccomp_linux.go) for the amd64 runtime. */
function applies(r: SeccompRule, caps: ReadonlySet<string>, kernel: string): boolean {
  const ex = r.excludes ?? {}, inc = r.includes ?? {};
  if (ex.arches?.includes('amd64')) return false;
  if (ex.caps?.some((c) => caps.has(c))) return false;
  if (ex.minKernel && kernelAtLeast(kernel, ex.minKernel)) return false;
  if (inc.arches?.length && !inc.arches.includes('amd64')) return false;
  if (inc.caps?.length && !inc.caps.every((c) => caps.has(c))) return false;
  if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return false;
  return true;
}

/** As runc: conditions on distinct arguments must all hold; several on one argument are alternatives. */
function groupsOf(args: SeccompArg[]): SeccompArg[][] {
  if (!args.length) return [[]];
  const indexes = args.map((a) => a.index);
  return new Set(indexes).size === indexes.length ? [args] : args.map((a) => [a]);
}

/** The ABIs the filter answers for: x86_64 always, i386 and x32 when the profile lists them. */
function abisOf(p: SeccompProfile): Abi[] {
  const native = p.archMap?.find((m) => m.architecture === 'SCMP_ARCH_X86_64');
  const listed = native ? [native.architecture, ...(native.subArchitectures ?? [])] : p.architectures ?? [];
  return [ABIS.SCMP_ARCH_X86_64, ...['SCMP_ARCH_X86', 'SCMP_ARCH_X32'].filter((a) => listed.includes(a)).map((a) => ABIS[a])];
}

const insn = (code: number, k: number | string, jt: number | string = 0, jf: number | string = 0): Insn => ({ code, jt, jf, k });
const ret = (k: number): Insn => insn(RET_K, k);
const load = (off: number): Insn => insn(LD_W_ABS, off);

/** Tests one condition on an argument; falls through when it holds, jumps to `fail` when not. */
function condition(a: SeccompArg, args64: boolean, fail: string, ok: string): Item[] {
  const lo = 16 + 8 * a.index, hi = lo + 4;
  const split = (v: number): [number, number] => [Math.floor(v / 2 ** 32) >>> 0, v >>> 0];
  const [vhi, vlo] = split(a.value);
  if (a.op === 'SCMP_CMP_MASKED_EQ') {
    const [mhi, mlo] = [vhi, vlo];
    const [whi, wlo] = split(a.valueTwo ?? 0);
    return [
      ...(args64 ? [load(hi), insn(ALU_AND_K, mhi), insn(JEQ, whi, 0, fail)] : []),
      load(lo), insn(ALU_AND_K, mlo), insn(JEQ, wlo, 0, fail),
    ];
  }
  // Each op as (high word decides unless equal, then the low word); on 32-bit ABIs only the low word.
  const lowTest: Record<string, Insn> = {
    SCMP_CMP_EQ: insn(JEQ, vlo, 0, fail), SCMP_CMP_NE: insn(JEQ, vlo, fail, 0),
    SCMP_CMP_GT: insn(JGT, vlo, 0, fail), SCMP_CMP_GE: insn(JGE, vlo, 0, fail),
    SCMP_CMP_LT: insn(JGE, vlo, fail, 0), SCMP_CMP_LE: insn(JGT, vlo, fail, 0),
  };
  const highTest: Record<string, Insn[]> = {
    SCMP_CMP_EQ: [insn(JEQ, vhi, 0, fail)],
    SCMP_CMP_NE: [insn(JEQ, vhi, 0, ok)],
    SCMP_CMP_GT: [insn(JGT, vhi, ok, 0), insn(JEQ, vhi, 0, fail)],
    SCMP_CMP_GE: [insn(JGT, vhi, ok, 0), insn(JEQ, vhi, 0, fail)],
    SCMP_CMP_LT: [insn(JGT, vhi, fail, 0), insn(JEQ, vhi, 0, ok)],
    SCMP_CMP_LE: [insn(JGT, vhi, fail, 0), insn(JEQ, vhi, 0, ok)],
  };
  return [...(args64 ? [load(hi), ...highTest[a.op]] : []), load(lo), lowTest[a.op], { label: ok }];
}

let labelSeq = 0;
const newLabel = (what: string): string => `${what}#${++labelSeq}`;

/** One ABI's part: A holds the syscall number on entry; every path ends in a return. */
function section(abi: Abi, rules: Map<number, Resolved[]>, defaultAction: number): Item[] {
  const out: Item[] = [];
  for (const nr of [...rules.keys()].sort((x, y) => x - y)) {
    const rs = rules.get(nr)!;
    if (rs.every((r) => r.action === defaultAction)) continue;
    const first = rs[0];
    if (first.groups.some((g) => !g.length)) {
      out.push(insn(JEQ, nr, 0, 1), ret(first.action));
      continue;
    }
    const next = newLabel('next');
    out.push(insn(JEQ, nr, 1, 0), insn(JA, next));
    block: for (const r of rs) {
      for (const g of r.groups) {
        if (!g.length) {
          out.push(ret(r.action));
          break block;
        }
        const fail = newLabel('fail');
        for (const a of g) out.push(...condition(a, abi.args64, fail, newLabel('ok')));
        out.push(ret(r.action), { label: fail });
      }
    }
    out.push(ret(defaultAction), { label: next });
  }
  out.push(ret(defaultAction));
  return out;
}

/** Labels -> offsets; conditional jumps must stay within 255 instructions (blocks are small). */
function assemble(items: Item[]): Buffer {
  const at = new Map<string, number>();
  const insns: Insn[] = [];
  for (const it of items) {
    if ('label' in it) at.set(it.label, insns.length);
    else insns.push(it);
  }
  if (insns.length > BPF_MAXINSNS) {
    throw new BerthError('INVALID_ARGUMENT', `the seccomp profile compiles to ${insns.length} BPF instructions, more than the kernel's ${BPF_MAXINSNS}`);
  }
  // typed-array stores, not Buffer's checked writers: this runs once per start, cold
  const buf = Buffer.alloc(insns.length * 8);
  const u8 = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const u16 = new Uint16Array(buf.buffer, buf.byteOffset, insns.length * 4);
  const u32 = new Uint32Array(buf.buffer, buf.byteOffset, insns.length * 2);
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i];
    const rel = (t: number | string): number => (typeof t === 'number' ? t : at.get(t)! - (i + 1));
    const isJa = ins.code === JA;
    const k = isJa ? rel(ins.k) : (ins.k as number);
    const jt = isJa ? 0 : rel(ins.jt), jf = isJa ? 0 : rel(ins.jf);
    if (jt < 0 || jt > 255 || jf < 0 || jf > 255 || k < 0) throw new Error(`seccomp: jump out of range at ${i}`);
    u16[i * 4] = ins.code; // little-endian host (x86): the layout of struct sock_filter
    u8[i * 8 + 2] = jt;
    u8[i * 8 + 3] = jf;
    u32[i * 2 + 1] = k >>> 0;
  }
  return buf;
}

export function compileProfile(profile: SeccompProfile, opts: CompileOptions): CompiledFilter {
  const caps = new Set(opts.caps.map((c) => (c.startsWith('CAP_') ? c : `CAP_${c}`)));
  const defaultAction = actionValue(profile.defaultAction, profile.defaultErrnoRet);
  const abis = abisOf(profile);
  const perAbi = new Map(abis.map((a) => [a.name, new Map<number, Resolved[]>()]));
  for (const rule of profile.syscalls) {
    if (!applies(rule, caps, opts.kernel)) continue;
    const resolved: Resolved = { action: actionValue(rule.action, rule.errnoRet), groups: groupsOf(rule.args ?? []) };
    for (const abi of abis) {
      const m = perAbi.get(abi.name)!;
      for (const name of rule.names) {
        const nr = abi.table().get(name);
        if (nr === undefined) continue; // a syscall this ABI does not have (libseccomp skips it too)
        m.set(nr + abi.base, [...(m.get(nr + abi.base) ?? []), resolved]);
      }
    }
  }
  const has = (n: Abi['name']): boolean => perAbi.has(n);
  const items: Item[] = [
    load(4),
    insn(JEQ, AUDIT_ARCH_X86_64, 0, 1), insn(JA, 'x86_64'),
    ...(has('i386') ? [insn(JEQ, AUDIT_ARCH_I386, 0, 1), insn(JA, 'i386')] : []),
    ret(RET_KILL_PROCESS),
    { label: 'x86_64' }, load(0),
    // x32 arrives as AUDIT_ARCH_X86_64 with the bit set in the number
    ...(has('x32') ? [insn(JGE, X32_SYSCALL_BIT, 0, 1), insn(JA, 'x32')] : [insn(JGE, X32_SYSCALL_BIT, 0, 1), ret(RET_KILL_PROCESS)]),
    ...section(ABIS.SCMP_ARCH_X86_64, perAbi.get('x86_64')!, defaultAction),
    ...(has('x32') ? [{ label: 'x32' }, ...section(ABIS.SCMP_ARCH_X32, perAbi.get('x32')!, defaultAction)] : []),
    ...(has('i386') ? [{ label: 'i386' }, load(0), ...section(ABIS.SCMP_ARCH_X86, perAbi.get('i386')!, defaultAction)] : []),
  ];
  const flags = (profile.flags ?? []).reduce((f, name) => f | FILTER_FLAGS[name], 0);
  return { program: assemble(items), flags };
}
