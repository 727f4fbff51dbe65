// The seccomp face: docker's profile format and default profile, `--security-opt`, and the
// compiler from a profile to the BPF program the native side loads into every container
// process (its init and each exec).
import { release } from 'node:os';
import { BerthError } from '../errors.js';
import { compileProfile, kernelAtLeast, type CompiledFilter } from './compile.js';
import { DEFAULT_FILTER_CAPS, DEFAULT_FILTER_FLAGS, DEFAULT_FILTER_MIN_KERNEL, DEFAULT_FILTER_PROGRAM } from './default-filter.js';
import { DEFAULT_PROFILE } from './default-profile.js';
import { parseSecurityOpts } from './security-opt.js';

export { parseProfile, type SeccompProfile, type SeccompRule } from './profile.js';
export { compileProfile, type CompiledFilter, type CompileOptions } from './compile.js';
export { DEFAULT_PROFILE } from './default-profile.js';
export { normalizeSecurityOpts, parseSecurityOpts, type SecurityOptions } from './security-opt.js';

/** The filter a container process gets: its profile (docker's default unless
 * `--security-opt seccomp=…` says otherwise) for its capability set; undefined = unconfined. */
export function seccompFilter(securityOpt: readonly string[] | undefined, caps: readonly string[]): CompiledFilter | undefined {
  const { seccomp } = parseSecurityOpts(securityOpt);
  if (seccomp === 'unconfined') return undefined;
  if (process.arch !== 'x64') {
    throw new BerthError('UNSUPPORTED', `berth compiles seccomp filters for x86_64 only: run on ${process.arch} with --security-opt seccomp=unconfined`);
  }
  if (seccomp !== 'default') return compileProfile(seccomp, { caps, kernel: release() });
  // docker's default profile depends only on the capabilities (and on a kernel older than
  // 4.8): docker's default set comes compiled with berth (default-filter.ts), any other is
  // compiled once per set in a process (~10 ms of CPU each time otherwise; a TUI or an API
  // service starts many containers)
  const key = [...caps].sort().join(',');
  let f = defaultFilters.get(key);
  if (!f && key === DEFAULT_FILTER_CAPS && kernelAtLeast(release(), DEFAULT_FILTER_MIN_KERNEL)) {
    f = { program: Buffer.from(DEFAULT_FILTER_PROGRAM, 'base64'), flags: DEFAULT_FILTER_FLAGS };
    defaultFilters.set(key, f);
  }
  if (!f) {
    f = compileProfile(DEFAULT_PROFILE, { caps, kernel: release() });
    if (defaultFilters.size >= 16) defaultFilters.clear(); // a few capability sets in practice
    defaultFilters.set(key, f);
  }
  return f;
}

const defaultFilters = new Map<string, CompiledFilter>();
