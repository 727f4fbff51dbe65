// `run` and `create`: docker's flags, the container command after the image.
import type { Argv, CommandModule } from 'yargs';
import type { CreateOptions, StartOptions } from '../../engine/container/index.js';
import { openCidFile } from '../cidfile.js';
import { BerthError } from '../../engine/index.js';
import { keyValues } from '../../engine/units.js';
import { getBackend, getEngine, type GlobalArgs } from '../context.js';
import { runOnEndpoint } from '../run-endpoint.js';
import { commandTail, type TailVerb } from '../argv-split.js';
import { ExitStatus } from '../exit-codes.js';
import { readEnvFiles } from '../env-file.js';
import { followOutput } from '../follow.js';
import { attachAndWait, ourTtySize, requireTerminal } from '../attach-session.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detach-keys.js';
import { pullIfMissing, pullOptions, pullValueFlags, type PullPolicyArgs } from '../pull-missing.js';
import { mountOptions, mountValueFlags, toMountRequests, type MountArgs } from '../mount-flags.js';
import { networkOptions, networkValueFlags, toNetworkConfig, type NetworkArgs } from '../network-flags.js';
import { printWarning, resourceOptions, resourceValueFlags, toResourceLimits, type ResourceArgs } from '../resource-flags.js';
import { securityOptions, securityValueFlags, toSecurityOptions, type SecurityArgs } from '../security-flags.js';
import { processOptions, processValueFlags, toProcessOptions, type ProcessArgs } from '../process-flags.js';
import { healthOptions, healthValueFlags, toHealthOptions, type HealthArgs } from '../health-flags.js';

interface CreateArgs extends GlobalArgs, ResourceArgs, MountArgs, ProcessArgs, PullPolicyArgs, SecurityArgs, NetworkArgs, HealthArgs {
  image: string;
  name?: string;
  env?: string[];
  'env-file'?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  entrypoint?: string;
  init?: boolean;
  'stop-signal'?: string;
  'stop-timeout'?: number;
  label?: string[];
  rm?: boolean;
  'read-only'?: boolean;
  interactive?: boolean;
  tty?: boolean;
  cidfile?: string;
  quiet?: boolean;
  restart?: string;
}

interface RunArgs extends CreateArgs {
  detach?: boolean;
  'sig-proxy'?: boolean;
  'detach-keys'?: string;
}

function createOptions(y: Argv<GlobalArgs>): Argv<CreateArgs> {
  return healthOptions(networkOptions(securityOptions(pullOptions(processOptions(mountOptions(resourceOptions(y)))))))
    .positional('image', { type: 'string', describe: 'image to run', demandOption: true })
    .option('name', { type: 'string', describe: 'assign a name to the container' })
    .option('env', { alias: 'e', type: 'string', array: true, nargs: 1, describe: 'set environment variables (KEY=VALUE, or KEY to pass the current value)' })
    .option('env-file', { type: 'string', array: true, nargs: 1, describe: 'read environment variables from a file' })
    .option('workdir', { alias: 'w', type: 'string', describe: 'working directory inside the container' })
    .option('user', { alias: 'u', type: 'string', describe: 'user name or uid (format: name|uid[:group|gid])' })
    .option('hostname', { alias: 'h', type: 'string', describe: 'container host name' })
    .option('entrypoint', { type: 'string', describe: 'overwrite the default entrypoint of the image' })
    .option('init', { type: 'boolean', describe: 'run an init inside the container that forwards signals and reaps processes' })
    .option('stop-signal', { type: 'string', describe: 'signal to stop the container (default SIGTERM)' })
    .option('stop-timeout', { type: 'number', describe: 'seconds to wait for the container to stop before SIGKILL' })
    .option('label', { alias: 'l', type: 'string', array: true, nargs: 1, describe: 'set metadata on the container (KEY=VALUE)' })
    .option('rm', { type: 'boolean', describe: 'automatically remove the container when it exits' })
    .option('read-only', { type: 'boolean', describe: "mount the container's root filesystem as read only" })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'keep STDIN open even if not attached' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'allocate a pseudo-TTY' })
    .option('restart', { type: 'string', describe: 'restart policy when the container exits: no, on-failure[:max-retries], always, unless-stopped' })
    .option('cidfile', { type: 'string', describe: 'write the container ID to the file (which must not exist)' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'suppress the pull output' }) as unknown as Argv<CreateArgs>;
}

/** Flags that take a value, for splitting off the container's command (argv-split.ts). */
export const runTail: TailVerb = {
  ownsH: true, // -h is --hostname, as in docker
  valueFlags: new Set(['name', 'env', 'e', 'env-file', 'workdir', 'w', 'user', 'u', 'hostname', 'h', 'entrypoint',
    'stop-signal', 'stop-timeout', 'label', 'l', 'detach-keys', 'cidfile', 'restart', ...resourceValueFlags, ...mountValueFlags, ...processValueFlags, ...pullValueFlags,
    ...securityValueFlags, ...networkValueFlags, ...healthValueFlags]),
};

function toCreateOptions(a: CreateArgs): CreateOptions {
  const env = [...readEnvFiles(a['env-file'] ?? []), ...(a.env ?? [])];
  return {
    image: a.image,
    cmd: commandTail(),
    entrypoint: a.entrypoint,
    name: a.name,
    env,
    workingDir: a.workdir,
    user: a.user,
    hostname: a.hostname,
    labels: keyValues(a.label),
    stopSignal: a['stop-signal'],
    stopTimeout: a['stop-timeout'],
    init: a.init,
    autoRemove: a.rm,
    tty: a.tty,
    openStdin: a.interactive,
    readonlyRootfs: a['read-only'],
    mounts: toMountRequests(a),
    volumesFrom: a['volumes-from'],
    resources: toResourceLimits(a),
    restart: a.restart,
    ...toProcessOptions(a),
    network: toNetworkConfig(a),
    onWarning: printWarning,
    ...toSecurityOptions(a),
    ...toHealthOptions(a),
  };
}

export const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <image> [command..]',
  describe: 'Create a new container',
  builder: createOptions,
  handler: async (a) => {
    const b = getBackend(a);
    const rec = await createWithCidFile(a, (o) => b.containers.create(o));
    process.stdout.write(rec.id + '\n');
  },
};

export const runCommand: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run <image> [command..]',
  describe: 'Create and run a new container from an image',
  builder: (y) =>
    createOptions(y)
      .option('detach', { alias: 'd', type: 'boolean', describe: 'run in the background and print the container ID' })
      .option('sig-proxy', { type: 'boolean', default: true, describe: 'proxy received signals to the container (without a tty)' })
      .option('detach-keys', { type: 'string', describe: `key sequence for detaching a container (default "${DEFAULT_DETACH_KEYS}")` }),
  handler: async (a) => {
    requireTerminal(a);
    const b = getBackend(a);
    if (!b.embedded) {
      const detachKeys = parseDetachKeys(a['detach-keys'] ?? DEFAULT_DETACH_KEYS);
      return runOnEndpoint(b, await createWithCidFile(a, (o) => b.containers.create(o)), { ...a, detachKeys, sigProxy: a['sig-proxy'] !== false });
    }
    const containers = b.embedded.containers;
    const rec = await createWithCidFile(a, (o) => containers.create(o));
    if (a.detach) {
      await startOrDiscard(rec.id, rec.config.autoRemove, a);
      process.stdout.write(rec.id + '\n');
      return;
    }
    const detachKeys = parseDetachKeys(a['detach-keys'] ?? DEFAULT_DETACH_KEYS);
    const code = await containers.attached(rec.id, async () => {
      const attach = !!a.tty || !!a.interactive;
      await startOrDiscard(rec.id, rec.config.autoRemove, a, {
        ttySize: rec.config.tty ? ourTtySize() : undefined, foreground: attach ? { stdin: !!a.interactive } : undefined,
      });
      if (!attach) return followOutput(containers, rec.id, { sigProxy: a['sig-proxy'] !== false });
      return attachAndWait(containers, rec.id, {
        // docker: a tty takes signals as keys, so --sig-proxy applies without one only
        tty: !!a.tty, stdin: !!a.interactive, detachKeys, sigProxy: a['sig-proxy'] !== false, logOutput: !a.tty,
      });
    });
    if (code === 'detached') return;
    if (code !== 0) throw new ExitStatus(code);
  },
};

/** The pull if the image is missing, then the container (on the engine -H/--context chose);
 * its ID goes into --cidfile. */
async function createWithCidFile<T extends { id: string }>(a: CreateArgs, create: (o: CreateOptions) => Promise<T>): Promise<T> {
  const cid = openCidFile(a.cidfile); // first: an existing file stops everything
  try {
    await pullIfMissing(getBackend(a), a.image, a);
    const rec = await create(toCreateOptions(a));
    cid.write(rec.id);
    return rec;
  } catch (e) {
    cid.discard();
    throw e;
  }
}

/** Starts; a container whose start failed is removed again when --rm was given (docker does the same). */
async function startOrDiscard(id: string, autoRemove: boolean, a: GlobalArgs, opts: StartOptions = {}): Promise<void> {
  const containers = getEngine(a).containers;
  try {
    await containers.start(id, opts);
  } catch (e) {
    if (autoRemove) await containers.remove(id, { force: true, volumes: true }).catch(() => {});
    throw e;
  }
}
