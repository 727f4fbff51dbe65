// The container record: what `create` decided (config) and what happened since
// (state). Stored as containers/<id>/container.json.
import type { MountSpec } from '../volume/index.js';
import type { ResourceLimits } from '../cgroup/limits.js';
import type { RestartPolicy } from './restart-policy.js';
import type { DeviceMapping } from '../runtime/devices.js';
import type { Ulimit } from '../runtime/rlimits.js';
import type { PortBinding } from '../network/index.js';
import type { HealthConfig } from './health-config.js';

/** What the user asked for, merged with the image's defaults at create time. */
export interface ContainerConfig {
  image: string;            // the image reference as given ("bb", "bb:latest")
  imageId: string;          // "sha256:<hex>"
  /** The resolved command: entrypoint + cmd, argv form. Never empty. */
  entrypoint: string[];
  cmd: string[];
  env: string[];            // "K=V", image env overridden by -e / --env-file
  workingDir: string;       // absolute, inside the container ("/" by default)
  user: string;             // as given ("", "1000", "user", "1000:1000", "user:group")
  hostname: string;
  labels: Record<string, string>;
  stopSignal: string;       // "SIGTERM" default, image StopSignal or --stop-signal
  stopTimeout: number;      // seconds, default 10
  init: boolean;            // --init
  autoRemove: boolean;      // --rm
  tty: boolean;             // -t (its own issue)
  openStdin: boolean;       // -i (its own issue)
  readonlyRootfs: boolean;  // --read-only
  /** -v, --mount, --tmpfs, --volumes-from and the image's VOLUMEs, resolved at create
   * (volumes created, bind sources checked). Absent in records made before volumes existed. */
  mounts?: MountSpec[];
  /** --memory, --cpus, --pids-limit, ...: validated and resolved against the host at create
   * (dropped ones already removed); applied at start, changed by `update`. Absent = none. */
  resources?: ResourceLimits;
  /** --restart; absent = "no". */
  restartPolicy?: RestartPolicy;
  /** --security-opt, as docker's HostConfig.SecurityOpt holds it (a seccomp profile file
   * inlined as JSON). Absent = docker's defaults: the builtin seccomp profile. */
  securityOpt?: string[];
  /** --cap-add / --cap-drop, docker's spelling ("CAP_NET_ADMIN", "ALL"). Absent = none. */
  capAdd?: string[];
  capDrop?: string[];
  /** --privileged: every capability and host device, no seccomp, no masked or read-only
   * paths, /sys and the cgroup filesystems writable (docker's meaning). */
  privileged?: boolean;
  /** --device (host nodes looked up again at each start). Absent = none. */
  devices?: DeviceMapping[];
  /** --device-cgroup-rule lines ("c 1:3 rwm"), allowed on top of docker's defaults. */
  deviceCgroupRules?: string[];
  /** --ulimit, one per name, sorted; for the init and every exec. */
  ulimits?: Ulimit[];
  /** --shm-size in bytes (absent: docker's 64 MiB). */
  shmSize?: number;
  /** --sysctl (namespaced keys only). */
  sysctls?: Record<string, string>;
  /** --group-add names or numbers, resolved in the container's /etc/group at each start and exec. */
  groupAdd?: string[];
  /** --network and what goes with it. Absent in records made before networking: loopback only. */
  network?: NetworkConfig;
  /** --health-* / --no-healthcheck merged with the image's HEALTHCHECK (docker's Config.Healthcheck). */
  healthcheck?: HealthConfig;
}

/** --network (none, host, bridge, a network's name), --ip, --mac-address, and the /etc files'
 * --add-host, --dns, --dns-search, --dns-option. */
export interface NetworkConfig {
  mode: string;
  ip?: string;
  mac?: string;
  extraHosts?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** -p: published ports (host port 0 = chosen at each start). */
  ports?: PortBinding[];
  /** docker's Config.ExposedPorts ("80/tcp"): the image's EXPOSE, --expose and -p's container ports. */
  exposedPorts?: string[];
  /** -P: every exposed port without a -p binding is published on a chosen host port at start. */
  publishAll?: boolean;
  /** `network connect`: further networks, joined at every start after the first. */
  connected?: { network: string; ip?: string; aliases?: string[] }[];
  /** --network-alias: further names on the first network (user-defined networks only). */
  aliases?: string[];
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Facts recorded by start/stop/the monitor; the live status is derived from them (see state.ts). */
export interface ContainerRun {
  /** Host pid of the container's init and of its monitor. */
  pid: number;
  monitorPid: number;
  /** /proc/<monitorPid>/stat start time (clock ticks) to tell a reused pid apart. */
  monitorStartTime: number;
  bootId: string;
  startedAt: string;        // RFC3339
  /** One cgroup directory per hierarchy (absolute paths) that the init joined. */
  cgroupPaths: string[];
}

export interface ContainerStarting {
  /** The cgroup directories the start makes (ContainerCgroups.plan), before it makes them. */
  cgroupPaths: string[];
  startedAt: string;
  bootId: string;
}

export interface ContainerExit {
  exitCode: number;
  signal: number | null;
  finishedAt: string;
  oomKilled: boolean;
  /** Why the start failed (docker's State.Error), if it did. */
  error?: string;
}

export interface ContainerRecord {
  id: string;               // 64 hex
  name: string;             // without the leading "/"
  created: string;          // RFC3339
  config: ContainerConfig;
  /** Image layers' diff dirs at create time, top first (the overlay's lowerdir). */
  lowerDirs: string[];
  run?: ContainerRun;       // set while started (kept after exit for inspect)
  /** A start's written intent (start.ts): set before its cgroups and processes exist, replaced by
   * `run` once they do. Found set with the container's lock free, the start was cut short, and
   * settle.ts completes or undoes it from what the kernel shows. */
  starting?: ContainerStarting;
  exit?: ContainerExit;     // set once an exit was collected
  paused?: boolean;
  /** Restarts by the restart policy (a restart by hand is not counted, as in docker). */
  restartCount: number;
  /** A policy restart is due: set with the collected exit, cleared by the start it leads to. */
  restarting?: { delayMs: number; since: string };
  /** The last policy delay, doubled for the next one (restart-policy.ts). */
  restartDelayMs?: number;
  /** Stopped or killed by the user: the policy does not restart it (until a start). */
  manualStop?: boolean;
}
