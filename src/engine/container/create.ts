// `create`: turns the user's options and the image's defaults into a container
// record and its directory (overlay dirs, /etc files). Nothing runs yet.
import { mkdirSync, rmSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { conflict, invalid } from '../errors.js';
import type { ImageStore } from '../image/index.js';
import { signalNumber, writeEtcFiles } from '../runtime/index.js';
import { emitEvent } from '../events/index.js';
import { checkName, newId, randomName } from './ids.js';
import { listRecords, saveRecord } from './records.js';
import { removeAnonymousVolumes, resolveMounts } from './mounts.js';
import type { MountRequest } from '../volume/index.js';
import type { ContainerConfig, ContainerRecord, NetworkConfig } from './types.js';
import { checkNetworkConfig } from './network.js';
import type { ResourceLimits } from '../cgroup/index.js';
import { checkResources } from './resources.js';

export interface CreateOptions {
  image: string;
  /** Arguments after the image; undefined = the image's Cmd. */
  cmd?: string[];
  /** --entrypoint: undefined = the image's; "" = none (docker's reset). */
  entrypoint?: string;
  name?: string;
  env?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  labels?: Record<string, string>;
  stopSignal?: string;
  stopTimeout?: number;
  init?: boolean;
  autoRemove?: boolean;
  tty?: boolean;
  openStdin?: boolean;
  readonlyRootfs?: boolean;
  /** --memory, --cpus, ... (parsed by the caller; validated here). */
  resources?: ResourceLimits;
  /** Receives docker-style warnings (a limit the host cannot enforce and docker drops). */
  onWarning?: (message: string) => void;
  /** -v, --mount, --tmpfs (parsed by the volume module's parse functions). */
  mounts?: MountRequest[];
  /** --volumes-from CONTAINER[:ro|:rw] */
  volumesFrom?: string[];
  /** --network and friends; absent = the default bridge network, as docker. */
  network?: NetworkConfig;
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

  const resources = checkResources(o.resources, o.onWarning);
  const network: NetworkConfig = o.network ?? { mode: 'bridge' };
  checkNetworkConfig(layout, network);

  const id = newId();
  const config: ContainerConfig = {
    image: o.image,
    imageId: image.id,
    entrypoint,
    cmd,
    env,
    workingDir,
    user: o.user ?? ic.User ?? '',
    hostname: o.hostname || id.slice(0, 12),
    labels: { ...(ic.Labels ?? {}), ...(o.labels ?? {}) },
    stopSignal,
    stopTimeout: o.stopTimeout ?? 10,
    init: !!o.init,
    autoRemove: !!o.autoRemove,
    tty: !!o.tty,
    openStdin: !!o.openStdin,
    readonlyRootfs: !!o.readonlyRootfs,
    ...(resources ? { resources } : {}),
    network,
  };

  return withLock(layout.containersLock, async () => {
    const all = listRecords(layout);
    const taken = new Set(all.map((r) => r.name));
    if (name !== undefined && taken.has(name)) {
      const other = all.find((r) => r.name === name)!;
      throw conflict(`the container name "${name}" is already in use by container ${other.id.slice(0, 12)}: remove or rename that container, or choose another name`);
    }
    // under containers/lock: a volume created here cannot be pruned before the record is saved
    config.mounts = await resolveMounts(layout, {
      mounts: o.mounts, volumesFrom: o.volumesFrom, imageVolumes: Object.keys(ic.Volumes ?? {}),
    });
    const rec: ContainerRecord = {
      id,
      name: name ?? randomName(taken),
      created: new Date().toISOString(),
      config,
      lowerDirs: images.layerDiffDirs(image),
      restartCount: 0,
    };
    const paths = layout.container(id);
    try {
      mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
      // the upper dir's own mode is the mode of the container's "/": 0755 like docker's
      for (const d of [paths.upper, paths.work, paths.merged]) mkdirSync(d, { mode: 0o755 });
      writeEtcFiles(paths, rec);
      saveRecord(layout, rec); // last: a record on disk means a complete container
    } catch (e) {
      rmSync(paths.dir, { recursive: true, force: true });
      await removeAnonymousVolumes(layout, rec);
      throw e;
    }
    emitEvent(layout, { type: 'container', action: 'create', id, name: rec.name, attributes: { image: o.image } });
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
