// The process a container runs, its init or an exec, as one ProcessSpec: identity,
// environment, capabilities, limits, stdio. Built here once for both (docker's exec
// copies the container's process spec too), so that a per-process setting is one
// change that reaches the init and every exec alike.
import type { ProcessSpec } from '../../native/index.js';
import type { ContainerConfig } from '../container/types.js';
import { parseSecurityOpts, seccompFilter } from '../seccomp/index.js';
import { allCapabilities, capabilitySets, containerCapabilities } from './capabilities.js';
import { containerEnv } from './env.js';
import { ulimitRlimits } from './rlimits.js';
import type { ResolvedUser } from './user.js';

/** What differs between the init and an exec of the same container. */
export interface ProcessInput {
  args: string[];
  /** "K=V" as configured; PATH, HOSTNAME, HOME and TERM are added when missing. */
  env: string[];
  cwd: string;
  user: ResolvedUser;
  tty: boolean;
  openStdin: boolean;
  /** The client's terminal size (default 24x80). */
  ttySize?: { rows: number; cols: number };
  /** `exec --privileged`: every capability for this process; the container's seccomp filter
   * stays (docker: the filter belongs to the container). */
  privileged?: boolean;
}

export function processSpec(cfg: ContainerConfig, p: ProcessInput): ProcessSpec {
  const caps = containerCapabilities(cfg);
  // moby picks the profile's capability-dependent rules by the bounding set, for every user;
  // --privileged runs without a filter, whatever --security-opt says (as docker)
  const seccomp = cfg.privileged ? undefined : seccompFilter(cfg.securityOpt, caps);
  // berth's default is stricter than docker's: no_new_privs unless the options turn it off
  const noNewPrivileges = parseSecurityOpts(cfg.securityOpt).noNewPrivileges ?? true;
  return {
    args: p.args,
    env: containerEnv({ env: p.env, hostname: cfg.hostname, tty: p.tty, home: p.user.home }),
    cwd: p.cwd,
    uid: p.user.uid,
    gid: p.user.gid,
    groups: p.user.groups,
    caps: capabilitySets(p.privileged ? allCapabilities() : caps, p.user.uid),
    noNewPrivileges,
    // --ulimit only: docker sets none (the container inherits the caller's); checked against
    // the caller's hard limits (checkUlimits) before a process is started
    rlimits: ulimitRlimits(cfg.ulimits ?? []),
    stdinNull: !p.openStdin && !p.tty,
    ...(p.tty ? { tty: p.ttySize ?? { rows: 24, cols: 80 } } : {}),
    ...(p.openStdin && !p.tty ? { stdinPipe: true } : {}),
    ...(seccomp ? { seccomp: { filter: seccomp.program, flags: seccomp.flags } } : {}),
  };
}
