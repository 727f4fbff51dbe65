// docker's security flags for run and create: their yargs options, their names (for
// splitting off the container command), and the engine's CreateOptions fields. The
// syntax itself (and reading a seccomp profile file) belongs to engine/seccomp.
import type { Argv } from 'yargs';
import type { CreateOptions } from '../engine/container/index.js';

export interface SecurityArgs {
  'security-opt'?: string[];
}

/** Flags that take a value (run/create split the container command after the image). */
export const securityValueFlags = ['security-opt'];

export function securityOptions<T>(y: Argv<T>): Argv<T & SecurityArgs> {
  return y
    .option('security-opt', {
      type: 'string', array: true, nargs: 1,
      describe: 'security options: seccomp=unconfined|builtin|PROFILE.json, no-new-privileges[=true|false]',
    }) as Argv<T & SecurityArgs>;
}

export function toSecurityOptions(a: SecurityArgs): Pick<CreateOptions, 'securityOpt'> {
  return a['security-opt']?.length ? { securityOpt: a['security-opt'] } : {};
}
