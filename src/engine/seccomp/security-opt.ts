// docker's `--security-opt`: the CLI side (a profile file is read and inlined as compact
// JSON, so the record holds the profile itself, as docker's HostConfig.SecurityOpt does) and
// the daemon side (each option validated, the seccomp profile parsed). berth applies no LSM:
// asking for none (apparmor=unconfined, label=disable) is what it does anyway, asking for a
// profile or label it cannot apply is refused rather than silently ignored.
import { readFileSync } from 'node:fs';
import { BerthError, invalid } from '../errors.js';
import { parseProfile, type SeccompProfile } from './profile.js';

export interface SecurityOptions {
  /** 'default' = docker's builtin profile. */
  seccomp: 'default' | 'unconfined' | SeccompProfile;
  /** Set only when an option says so. */
  noNewPrivileges?: boolean;
  /** systempaths=unconfined: no masked or read-only paths. */
  unmaskedPaths?: boolean;
  /** writable-cgroups=true: the cgroup filesystems read-write. */
  writableCgroups?: boolean;
}

/** Splits "k=v" (or docker's older "k:v"); undefined when there is no value. */
function split(opt: string): [string, string | undefined] {
  const i = opt.includes('=') ? opt.indexOf('=') : opt.indexOf(':');
  return i < 0 ? [opt, undefined] : [opt.slice(0, i), opt.slice(i + 1)];
}

/** The options as docker's CLI sends them: `seccomp=FILE` becomes `seccomp=<compact JSON>`. */
export function normalizeSecurityOpts(opts: readonly string[], readFile = (p: string): string => readFileSync(p, 'utf8')): string[] {
  return opts.map((opt) => {
    const [k, v] = split(opt);
    if (!v && k !== 'no-new-privileges') throw invalid(`Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (k !== 'seccomp' || v === 'builtin' || v === 'unconfined' || v!.startsWith('{')) return opt;
    let text: string;
    try {
      text = readFile(v!);
    } catch (e) {
      throw invalid(`opening seccomp profile (${v}) failed: ${(e as Error).message}`);
    }
    try {
      return `seccomp=${JSON.stringify(JSON.parse(text))}`;
    } catch (e) {
      throw invalid(`compacting json for seccomp profile (${v}) failed: ${(e as Error).message}`);
    }
  });
}

/** Go's strconv.ParseBool, as docker's daemon parses these options. */
function parseBool(v: string, opt: string): boolean {
  if (!/^(1|t|T|true|TRUE|True|0|f|F|false|FALSE|False)$/.test(v)) throw invalid(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
  return /^(1|t|T|true|TRUE|True)$/.test(v);
}

/** What the (normalized) options ask for; throws docker's messages for bad ones. */
export function parseSecurityOpts(opts: readonly string[] | undefined): SecurityOptions {
  const out: SecurityOptions = { seccomp: 'default' };
  for (const opt of opts ?? []) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') continue; // docker's short form of label=disable
    const [k, v] = split(opt);
    if (v === undefined) throw invalid(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    switch (k) {
      case 'seccomp':
        out.seccomp = v === 'unconfined' ? 'unconfined' : v === 'builtin' ? 'default' : parseProfile(v);
        break;
      case 'no-new-privileges':
        out.noNewPrivileges = parseBool(v, opt);
        break;
      case 'writable-cgroups':
        out.writableCgroups = parseBool(v, opt);
        break;
      case 'systempaths':
        if (v !== 'unconfined') throw invalid(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        out.unmaskedPaths = true;
        break;
      case 'apparmor': case 'label':
        if ((k === 'apparmor' && v === 'unconfined') || (k === 'label' && v === 'disable')) break;
        throw new BerthError('UNSUPPORTED', `--security-opt ${opt}: berth applies no AppArmor or SELinux (only ${k === 'apparmor' ? 'apparmor=unconfined' : 'label=disable'} is accepted)`);
      default:
        throw invalid(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}
