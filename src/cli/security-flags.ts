// docker's security flags for run and create: their yargs options, their names (for
// splitting off the container command), and the engine's CreateOptions fields. The
// syntax itself (and reading a seccomp profile file) belongs to engine/seccomp.
import type { Argv } from 'yargs';
import type { CreateOptions } from '../engine/container/index.js';

export interface SecurityArgs {
  'security-opt'?: string[];
  'cap-add'?: string[];
  'cap-drop'?: string[];
  privileged?: boolean;
}

/** Flags that take a value (run/create split the container command after the image). */
export const securityValueFlags = ['security-opt', 'cap-add', 'cap-drop'];

export function securityOptions<T>(y: Argv<T>): Argv<T & SecurityArgs> {
  return y
    .option('security-opt', {
      type: 'string', array: true, nargs: 1,
      describe: 'security options: seccomp=unconfined|builtin|PROFILE.json, no-new-privileges[=true|false]',
    })
    .option('cap-add', { type: 'string', array: true, nargs: 1, describe: 'add Linux capabilities (NET_ADMIN, CAP_SYS_TIME, ALL)' })
    .option('cap-drop', { type: 'string', array: true, nargs: 1, describe: 'drop Linux capabilities (NET_RAW, ALL)' })
    .option('privileged', { type: 'boolean', describe: 'give extended privileges to this container (all capabilities and devices, no seccomp)' }) as Argv<T & SecurityArgs>;
}

export function toSecurityOptions(a: SecurityArgs): Pick<CreateOptions, 'securityOpt' | 'capAdd' | 'capDrop' | 'privileged'> {
  return { securityOpt: a['security-opt'], capAdd: a['cap-add'], capDrop: a['cap-drop'], privileged: a.privileged };
}
