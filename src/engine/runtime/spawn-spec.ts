// ContainerRecord -> SpawnSpec: the whole container policy in one place, with
// Docker's defaults. assembleSpawnSpec is pure (host facts passed in);
// buildSpawnSpec gathers those facts from the host and the container's layers.
import { dirname, basename } from 'node:path';
import { statSync } from 'node:fs';
import { CLONE, monitorPath, type SpawnSpec } from '../../native/index.js';
import { cgroupMode, mountOfDir, readCgroupMounts, type CgroupMode } from '../cgroup/index.js';
import { invalid } from '../errors.js';
import type { ContainerPaths } from '../store/layout.js';
import type { ContainerRecord } from '../container/types.js';
import { cgroupFsOps, type ContainerHierarchy } from './cgroupfs-ops.js';
import { overlayMountData } from './overlay.js';
import { privilegedDevices } from './host-devices.js';
import type { HostDevice } from './devices.js';
import { processSpec } from './process-spec.js';
import { parseSecurityOpts } from '../seccomp/index.js';
import { INIT_TARGET, deviceOps, etcBinds, initOps, kernelMounts, protectionOps } from './rootfs-ops.js';
import { checkUlimits } from './rlimits.js';
import { sysctlOps } from './sysctls.js';
import { resolveUser, type ResolvedUser } from './user.js';
import { userMountOps } from './user-mounts.js';

export interface SpawnInput {
  record: ContainerRecord;
  paths: ContainerPaths;
  /** The files the init joins the container's cgroups through (ContainerCgroups.joinFiles()). */
  cgroupJoinFiles: string[];
  /** Extra monitor arguments (--log, --exit-file, --cgroup-oom, -- cleanup argv). */
  monitorArgs: string[];
  /** The size of the client's terminal, for a container with a tty (default 24x80). */
  ttySize?: { rows: number; cols: number };
  /** The --device nodes as found on the host now (hostDevices(record.config.devices)); the
   * caller allows the same ones in the container's cgroup. */
  devices?: HostDevice[];
}

/** What the spec depends on besides the record: facts about the host and the image. */
export interface HostFacts {
  user: ResolvedUser;
  cgroupMode: CgroupMode;
  /** The hierarchies of `cgroupJoinFiles`, in the same order. */
  hierarchies: ContainerHierarchy[];
  overlayData: string;
  /** Bind sources that are files (their mount points are made as files); absent: none. */
  fileSources?: ReadonlySet<string>;
  /** --privileged: the host's device nodes (privilegedDevices()). */
  hostDevices?: readonly HostDevice[];
}

const NAMESPACES = CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWNET | CLONE.NEWCGROUP;

export function assembleSpawnSpec(input: SpawnInput, facts: HostFacts): SpawnSpec {
  const { record, paths, cgroupJoinFiles, monitorArgs } = input;
  const cfg = record.config;
  const command = [...cfg.entrypoint, ...cfg.cmd];
  if (!command.length) throw invalid('no command specified');
  const sec = parseSecurityOpts(cfg.securityOpt);
  return {
    process: processSpec(cfg, {
      // "--" as docker's tini is called: the command's own words are never the init's options
      args: cfg.init ? [INIT_TARGET, '--', ...command] : command,
      env: cfg.env,
      cwd: cfg.workingDir || '/',
      user: facts.user,
      tty: cfg.tty,
      openStdin: cfg.openStdin,
      ttySize: input.ttySize,
    }),
    hostname: cfg.hostname,
    rootfs: paths.merged,
    rootfsMount: { source: 'overlay', fstype: 'overlay', flags: 0, data: facts.overlayData },
    readonlyRootfs: cfg.readonlyRootfs,
    ops: [
      ...kernelMounts({ privileged: cfg.privileged, shmSize: cfg.shmSize }),
      ...cgroupFsOps(facts.cgroupMode, facts.hierarchies, cfg.privileged || sec.writableCgroups),
      ...etcBinds(paths),
      // -v/--mount/--tmpfs: after the /etc files, before masks (nothing may uncover a masked path)
      ...userMountOps(cfg.mounts ?? [], (src) => (facts.fileSources?.has(src) ? 'file' : 'dir')),
      // docker creates a missing working directory (before /dev etc. so it cannot land on a tmpfs)
      ...(cfg.workingDir && cfg.workingDir !== '/' ? [{ op: 'mkdir' as const, target: cfg.workingDir }] : []),
      // --privileged: the host's nodes; a --device of the same path wins
      ...deviceOps([
        ...(cfg.privileged ? (facts.hostDevices ?? []).filter((d) => !input.devices?.some((x) => x.path === d.path)) : []),
        ...(input.devices ?? []),
      ]),
      ...(cfg.init ? initOps() : []),
      // the container's own netns and ipc ns: written before /proc/sys goes read-only
      ...sysctlOps(cfg.sysctls ?? {}),
      // docker's --privileged and systempaths=unconfined: no masked or read-only paths
      ...(cfg.privileged || sec.unmaskedPaths ? [] : protectionOps()),
    ],
    namespaces: NAMESPACES,
    cgroupJoinFiles,
    monitor: { path: monitorPath, args: monitorArgs },
  };
}

/** The hierarchy (version, host mount name, controllers) of each join file. */
export function hierarchiesOf(cgroupJoinFiles: string[]): ContainerHierarchy[] {
  const mounts = readCgroupMounts();
  const out: ContainerHierarchy[] = [];
  for (const file of cgroupJoinFiles) {
    const m = mountOfDir(dirname(file), mounts);
    if (m) out.push({ version: m.version, mountName: basename(m.mountPoint), controllers: m.controllers });
  }
  return out;
}

export function buildSpawnSpec(input: SpawnInput): SpawnSpec {
  const { record, paths, cgroupJoinFiles } = input;
  if (![...record.config.entrypoint, ...record.config.cmd].length) throw invalid('no command specified');
  checkUlimits(record.config.ulimits ?? []); // the caller's hard limits may be lower than at create
  return assembleSpawnSpec(input, {
    user: resolveUser([paths.upper, ...record.lowerDirs], record.config.user, record.config.groupAdd),
    cgroupMode: cgroupMode(),
    hierarchies: hierarchiesOf(cgroupJoinFiles),
    overlayData: overlayMountData(record, paths),
    ...(record.config.privileged ? { hostDevices: privilegedDevices() } : {}),
    fileSources: new Set((record.config.mounts ?? [])
      .filter((m) => m.type === 'bind' && statSync(m.source, { throwIfNoEntry: false })?.isDirectory() === false)
      .map((m) => m.source)),
  });
}
