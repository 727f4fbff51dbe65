// A seccomp profile in docker's JSON format (moby profiles/seccomp: the default profile and
// every `--security-opt seccomp=FILE`), and its validation: a profile is user input, so
// every field is checked here, once, and a bad one is named in one line before anything runs.
import { invalid, type BerthError } from '../errors.js';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface SeccompFilterSet {
  arches?: string[];
  caps?: string[];
  minKernel?: string;
}

export interface SeccompRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilterSet;
  excludes?: SeccompFilterSet;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  /** The older form: the architectures (SCMP_ARCH_*) the filter answers for. */
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures: string[] | null }[];
  flags?: string[];
  syscalls: SeccompRule[];
}

/** SECCOMP_RET_* of each action docker's format names (ERRNO and TRACE take errnoRet, EPERM by default). */
export const ACTIONS: Readonly<Record<string, number>> = {
  SCMP_ACT_KILL: 0x00000000, SCMP_ACT_KILL_THREAD: 0x00000000, SCMP_ACT_KILL_PROCESS: 0x80000000,
  SCMP_ACT_TRAP: 0x00030000, SCMP_ACT_ERRNO: 0x00050000, SCMP_ACT_TRACE: 0x7ff00000,
  SCMP_ACT_LOG: 0x7ffc0000, SCMP_ACT_ALLOW: 0x7fff0000,
};

export const OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;

/** seccomp(2) SECCOMP_FILTER_FLAG_* by name. */
export const FILTER_FLAGS: Readonly<Record<string, number>> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1, SECCOMP_FILTER_FLAG_LOG: 2, SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
};

const bad = (why: string): BerthError => invalid(`Decoding seccomp profile failed: ${why}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function checkErrno(v: unknown, where: string): void {
  if (v !== undefined && (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 0xffff)) throw bad(`${where}: errnoRet must be an integer 0-65535`);
}

function checkAction(action: unknown, where: string): void {
  if (action === 'SCMP_ACT_NOTIFY') throw bad(`${where}: SCMP_ACT_NOTIFY is not supported (berth has no seccomp agent)`);
  if (typeof action !== 'string' || !(action in ACTIONS)) throw bad(`${where}: unknown action ${JSON.stringify(action)}`);
}

function checkFilterSet(v: unknown, where: string): void {
  if (v === undefined || v === null) return;
  if (!isObject(v)) throw bad(`${where}: expected an object`);
  for (const k of ['arches', 'caps'] as const) if (v[k] != null && !isStrings(v[k])) throw bad(`${where}.${k}: expected a list of strings`);
  if (v.minKernel != null && (typeof v.minKernel !== 'string' || !/^\d+\.\d+/.test(v.minKernel))) throw bad(`${where}.minKernel: expected a kernel version like "4.8"`);
}

function checkArg(a: unknown, where: string): void {
  if (!isObject(a)) throw bad(`${where}: expected an object`);
  if (!Number.isInteger(a.index) || (a.index as number) < 0 || (a.index as number) > 5) throw bad(`${where}.index: expected 0-5`);
  for (const k of ['value', 'valueTwo'] as const) {
    const v = a[k];
    if (v === undefined && k === 'valueTwo') continue;
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw bad(`${where}.${k}: expected an unsigned integer below 2^53`);
  }
  if (!(OPS as readonly unknown[]).includes(a.op)) throw bad(`${where}: unknown operator ${JSON.stringify(a.op)}`);
}

/** A profile from docker's JSON (text or parsed); throws INVALID_ARGUMENT naming what is wrong. */
export function parseProfile(input: string | unknown): SeccompProfile {
  let p: unknown = input;
  if (typeof input === 'string') {
    try {
      p = JSON.parse(input);
    } catch (e) {
      throw bad((e as Error).message);
    }
  }
  if (!isObject(p)) throw bad('expected a JSON object');
  checkAction(p.defaultAction, 'defaultAction');
  checkErrno(p.defaultErrnoRet, 'defaultErrnoRet');
  if (p.architectures != null && !isStrings(p.architectures)) throw bad('architectures: expected a list of strings');
  if (p.archMap != null) {
    if (!Array.isArray(p.archMap) || !p.archMap.every((m) => isObject(m) && typeof m.architecture === 'string' && (m.subArchitectures == null || isStrings(m.subArchitectures)))) {
      throw bad('archMap: expected a list of {architecture, subArchitectures}');
    }
    if ((p.architectures as string[] | undefined)?.length && p.archMap.length) {
      throw bad("both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
    }
  }
  if (p.flags != null) {
    if (!isStrings(p.flags)) throw bad('flags: expected a list of strings');
    for (const f of p.flags) if (!(f in FILTER_FLAGS)) throw bad(`flags: unknown flag ${JSON.stringify(f)}`);
  }
  if (typeof p.listenerPath === 'string' && p.listenerPath) throw bad('listenerPath is not supported (berth has no seccomp agent)');
  if (p.syscalls != null && !Array.isArray(p.syscalls)) throw bad('syscalls: expected a list');
  const syscalls: SeccompRule[] = ((p.syscalls ?? []) as unknown[]).map((r, i) => {
    const where = `syscalls[${i}]`;
    if (!isObject(r)) throw bad(`${where}: expected an object`);
    // docker's older form: one "name" (never together with "names")
    if (r.name != null && r.names != null && (r.names as unknown[]).length) throw bad(`${where}: use either 'name' or 'names'`);
    const names = r.name != null ? [r.name] : r.names;
    if (!isStrings(names) || !names.length) throw bad(`${where}: expected names (a list of syscall names)`);
    checkAction(r.action, where);
    checkErrno(r.errnoRet, where);
    if (r.args != null && !Array.isArray(r.args)) throw bad(`${where}.args: expected a list`);
    ((r.args ?? []) as unknown[]).forEach((a, j) => checkArg(a, `${where}.args[${j}]`));
    checkFilterSet(r.includes, `${where}.includes`);
    checkFilterSet(r.excludes, `${where}.excludes`);
    return { ...(r as unknown as SeccompRule), names };
  });
  return { ...(p as unknown as SeccompProfile), syscalls };
}
