// `create`: turns the user's options and the image's defaults into a container
// record and its directory (overlay dirs, /etc files). Nothing runs yet. The
// directory is complete before it has its name: a killed create leaves only a
// staging directory, which the next create (or `system check --repair`) removes.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fsyncDir } from '../store/atomic.js';
import { crashPoint } from '../crash-point.js';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { conflict, invalid } from '../errors.js';
import type { ImageStore } from '../image/index.js';
import {
  DEFAULT_SHM_SIZE, checkGroupAdd, checkUlimits, containerCapabilities, hostDevices, normalizeCapabilities, normalizeUlimits,
  parseSysctl, signalNumber, writeEtcFiles,
} from '../runtime/index.js';
import { emitContainerEvent } from './events.js';
import { checkName, nameInUse, newId, randomName } from './ids.js';
import { sweepContainers } from './records.js';
import { ensureNameIndex, nameHolder, recordName } from './names.js';
import { removeAnonymousVolumes, resolveMounts } from './mounts.js';
import type { MountRequest } from '../volume/index.js';
import type { ContainerConfig, ContainerRecord } from './types.js';
import { checkNetworkConfig, joinedHostname, withExposedPorts } from './network.js';
import { parseDeviceRule } from '../cgroup/index.js';
import { checkResources } from './resources.js';
import { parseRestartPolicy } from './restart-policy.js';
import { normalizeSecurityOpts, parseSecurityOpts, seccompFilter } from '../seccomp/index.js';
import { mergeHealthcheck, validateHealthcheck } from './health-config.js';

/** The options a caller gives as the record keeps them (types.ts says what each means). Some
 * still pass the checks here: `resources` parsed by the caller (--memory, --cpus, ...),
 * `devices` by parseDeviceFlag, `ulimits` by parseUlimit, `sysctls` by parseSysctl and
 * `healthcheck` by parseHealthFlags (merged with the image's HEALTHCHECK); `securityOpt` as
 * given (a seccomp profile file is read here, as docker's CLI does); `shmSize` 0 = docker's
 * default; `network` absent = the default bridge network, as docker. */
type KeptAsGiven = Pick<ContainerConfig,
  'env' | 'workingDir' | 'user' | 'hostname' | 'labels' | 'stopSignal' | 'stopTimeout' | 'init' | 'autoRemove' | 'tty'
  | 'openStdin' | 'readonlyRootfs' | 'resources' | 'securityOpt' | 'capAdd' | 'capDrop' | 'privileged' | 'devices'
  | 'deviceCgroupRules' | 'ulimits' | 'shmSize' | 'sysctls' | 'groupAdd' | 'network' | 'healthcheck'>;

export interface CreateOptions extends Partial<KeptAsGiven> {
  image: string;
  /** Arguments after the image; undefined = the image's Cmd. */
  cmd?: string[];
  /** --entrypoint: undefined = the image's; "" = none (docker's reset). */
  entrypoint?: string;
  name?: string;
  /** Receives docker-style warnings (a limit the host cannot enforce and docker drops). */
  onWarning?: (message: string) => void;
  /** -v, --mount, --tmpfs (parsed by the volume module's parse functions). */
  mounts?: MountRequest[];
  /** --volumes-from CONTAINER[:ro|:rw] */
  volumesFrom?: string[];
  /** A build's RUN step: the image's VOLUMEs get no volume (BuildKit's RUN writes into the image there). */
  noImageVolumes?: boolean;
  /** --restart, docker's syntax: no | always | unless-stopped | on-failure[:N]. */
  restart?: string;
}

/** The device, ulimit, shm, sysctl and group options checked as docker's daemon does (and
 * against this host: the device nodes exist, no ulimit above berth's own hard limits). */
function hostOptions(o: CreateOptions): Partial<ContainerConfig> {
  const out: Partial<ContainerConfig> = {};
  if (o.devices?.length) {
    hostDevices(o.devices); // each names a device node (or a directory of them) now
    out.devices = o.devices;
  }
  if (o.deviceCgroupRules?.length) {
    o.deviceCgroupRules.forEach(parseDeviceRule);
    out.deviceCgroupRules = [...o.deviceCgroupRules];
  }
  if (o.ulimits?.length) {
    out.ulimits = normalizeUlimits(o.ulimits);
    checkUlimits(out.ulimits);
  }
  if (o.shmSize !== undefined && (!Number.isSafeInteger(o.shmSize) || o.shmSize < 0)) throw invalid('SHM size can not be less than 0');
  out.shmSize = o.shmSize || DEFAULT_SHM_SIZE; // docker stores the default it applies
  if (o.sysctls && Object.keys(o.sysctls).length) {
    for (const [k, v] of Object.entries(o.sysctls)) parseSysctl(`${k}=${v}`);
    out.sysctls = { ...o.sysctls };
  }
  if (o.groupAdd?.length) out.groupAdd = checkGroupAdd(o.groupAdd);
  return out;
}

export async function createContainer(layout: Layout, images: ImageStore, o: CreateOptions): Promise<ContainerRecord> {
  const image = await images.get(o.image);
  const ic = image.config ?? {};
  const name = o.name === undefined ? undefined : checkName(o.name);

  // Docker: --entrypoint replaces the image's entrypoint and drops the image's Cmd.
  let entrypoint = ic.Entrypoint ?? [];
  let cmd = o.cmd && o.cmd.length ? o.cmd : ic.Cmd ?? [];
  if (o.entrypoint !== undefined) {
    entrypoint = o.entrypoint === '' ? [] : [o.entrypoint];
    if (!o.cmd?.length) cmd = [];
  }
  if (entrypoint.length + cmd.length === 0) {
    throw invalid('no command specified: give one after the image name, or use an image with a CMD');
  }
  const env = mergeEnv(ic.Env ?? [], o.env ?? []);
  const workingDir = o.workingDir || ic.WorkingDir || '/';
  if (!workingDir.startsWith('/')) throw invalid(`the working directory "${workingDir}" is invalid: it needs to be an absolute path`);
  const stopSignal = o.stopSignal || ic.StopSignal || 'SIGTERM';
  signalNumber(stopSignal); // validates
  if (o.stopTimeout !== undefined && (!Number.isInteger(o.stopTimeout) || o.stopTimeout < -1)) {
    throw invalid(`invalid --stop-timeout ${o.stopTimeout}: give whole seconds (-1 = wait forever)`);
  }
  if (o.hostname !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62})$/.test(o.hostname)) {
    throw invalid(`invalid hostname "${o.hostname}": letters, digits, "." and "-" only, at most 63 characters`);
  }

  const restartPolicy = o.restart === undefined ? undefined : parseRestartPolicy(o.restart);
  if (restartPolicy && restartPolicy.Name !== 'no' && o.autoRemove) throw invalid('conflicting options: cannot specify both --restart and --rm');
  const resources = checkResources(o.resources, o.onWarning);
  const securityOpt = normalizeSecurityOpts(o.securityOpt ?? []);
  // berth's default is no_new_privs (stricter than docker's): recorded, so inspect says so
  if (parseSecurityOpts(securityOpt).noNewPrivileges === undefined) securityOpt.push('no-new-privileges');
  const capAdd = normalizeCapabilities(o.capAdd ?? [], 'CapAdd');
  const capDrop = normalizeCapabilities(o.capDrop ?? [], 'CapDrop');
  // a custom profile is compiled here too: one the kernel would refuse (too long) fails before
  // any record exists (the builtin one is known to fit: test/seccomp)
  if (!o.privileged && typeof parseSecurityOpts(securityOpt).seccomp === 'object') {
    seccompFilter(securityOpt, containerCapabilities({ capAdd, capDrop }));
  }
  const hostConfig = hostOptions(o);
  const healthcheck = mergeHealthcheck(o.healthcheck, ic.Healthcheck);
  validateHealthcheck(healthcheck);
  checkNetworkConfig(layout, o.network ?? { mode: 'bridge' }, o.hostname);
  const network = withExposedPorts(o.network ?? { mode: 'bridge' }, ic.ExposedPorts);

  const id = newId();
  const config: ContainerConfig = {
    image: o.image,
    imageId: image.id,
    entrypoint,
    cmd,
    env,
    workingDir,
    user: o.user ?? ic.User ?? '',
    hostname: o.hostname || joinedHostname(layout, network) || id.slice(0, 12),
    labels: { ...(ic.Labels ?? {}), ...(o.labels ?? {}) },
    stopSignal,
    stopTimeout: o.stopTimeout ?? 10,
    init: !!o.init,
    autoRemove: !!o.autoRemove,
    ...(restartPolicy ? { restartPolicy } : {}),
    tty: !!o.tty,
    openStdin: !!o.openStdin,
    readonlyRootfs: !!o.readonlyRootfs,
    ...(resources ? { resources } : {}),
    securityOpt,
    ...(capAdd.length ? { capAdd } : {}),
    ...(capDrop.length ? { capDrop } : {}),
    ...(o.privileged ? { privileged: true } : {}),
    ...hostConfig,
    network,
    ...(healthcheck ? { healthcheck } : {}),
  };

  return withLock(layout.containersLock, async () => {
    sweepContainers(layout); // what killed creates and removals left (we hold their lock)
    ensureNameIndex(layout);
    const holder = name === undefined ? undefined : nameHolder(layout, name);
    if (holder) throw nameInUse(name!, holder.id);
    // under containers/lock: a volume created here cannot be pruned before the record is saved
    config.mounts = await resolveMounts(layout, {
      mounts: o.mounts, volumesFrom: o.volumesFrom, imageVolumes: o.noImageVolumes ? [] : Object.keys(ic.Volumes ?? {}),
    });
    const rec: ContainerRecord = {
      id,
      name: name ?? randomName((n) => nameHolder(layout, n) !== undefined),
      created: new Date().toISOString(),
      config,
      lowerDirs: images.layerDiffDirs(image),
      restartCount: 0,
    };
    // built under a staging name and renamed into place: a killed create leaves no directory
    // that looks like a container (sweepContainers removes the staging one under this lock)
    const staging = layout.containerStaging(id);
    try {
      mkdirSync(staging.dir, { mode: 0o700 });
      // the upper dir's own mode is the mode of the container's "/": 0755 like docker's
      for (const d of [staging.upper, staging.work, staging.merged]) mkdirSync(d, { mode: 0o755 });
      writeEtcFiles(staging, rec);
      closeSync(openSync(staging.lock, 'w', 0o600)); // opened, never created, from now on (records.ts)
      writeFileSync(staging.record, JSON.stringify(rec, null, 2) + '\n', { flush: true }); // private until the rename: no tmp+rename needed
      recordName(layout, rec.name, id); // points at no record until the rename: free if we die here
      fsyncDir(staging.dir); // its entries too: the rename below must not commit an empty directory
      fsyncDir(layout.namesDir); // the name's entry is durable before the record that takes it
      crashPoint('create:staged');
      renameSync(staging.dir, layout.container(id).dir); // the commit
      fsyncDir(layout.containersDir);
    } catch (e) {
      rmSync(staging.dir, { recursive: true, force: true });
      await removeAnonymousVolumes(layout, rec);
      throw e;
    }
    emitContainerEvent(layout, rec, 'create');
    return rec;
  });
}

/** Image env first, then the user's: a later KEY= replaces an earlier one; "-e KEY" alone takes the caller's value. */
export function mergeEnv(imageEnv: string[], userEnv: string[]): string[] {
  const out = new Map<string, string>();
  for (const e of imageEnv) out.set(e.split('=')[0], e);
  for (const e of userEnv) {
    const eq = e.indexOf('=');
    if (eq === 0 || e === '') throw invalid(`invalid environment variable "${e}": expected KEY=VALUE`);
    if (eq < 0) {
      const v = process.env[e];
      if (v !== undefined) out.set(e, `${e}=${v}`);
      continue;
    }
    out.set(e.slice(0, eq), e);
  }
  return [...out.values()];
}
