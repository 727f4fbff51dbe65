// start, stop, restart, kill, rm, wait, pause, unpause, rename. All but rename and
// start -a/-i drive the backend, so they work on a Docker endpoint as on berth's own.
import type { CommandModule } from 'yargs';
import { getBackend, getEngine, type GlobalArgs } from '../context.js';
import { embeddedOnly } from '../endpoint-flags.js';
import { forEachTarget } from '../each.js';
import { BerthError } from '../../engine/index.js';
import { ExitStatus, reportError } from '../exit-codes.js';
import { followOutput } from '../follow.js';
import { attachAndWait, ourTtySize } from '../attach-session.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detach-keys.js';

interface Targets extends GlobalArgs { containers: string[] }
const say = (s: string) => process.stdout.write(s + '\n');

type StartArgs = Targets & { attach?: boolean; interactive?: boolean; 'detach-keys'?: string };

export const startCommand: CommandModule<GlobalArgs, StartArgs> = {
  command: 'start <containers..>',
  describe: 'Start one or more stopped containers',
  builder: (y) => y
    .option('attach', { alias: 'a', type: 'boolean', describe: "attach STDOUT/STDERR and forward signals" })
    .option('interactive', { alias: 'i', type: 'boolean', describe: "attach the container's STDIN" })
    .option('detach-keys', { type: 'string', describe: `key sequence for detaching (default "${DEFAULT_DETACH_KEYS}")` }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    if (a.attach || a.interactive) {
      if (!b.embedded) embeddedOnly(b, `"start --${a.attach ? 'attach' : 'interactive'}"`);
      const c = b.embedded.containers;
      if (a.containers.length > 1) throw new Error('you cannot start and attach multiple containers at once');
      const rec = c.find(a.containers[0]);
      const detachKeys = parseDetachKeys(a['detach-keys'] ?? DEFAULT_DETACH_KEYS);
      const { tty, openStdin } = rec.config;
      const stdin = !!a.interactive && openStdin, attach = tty || stdin;
      const code = await c.attached(rec.id, async () => {
        await c.start(rec.id, { ttySize: tty ? ourTtySize() : undefined, foreground: attach ? { stdin } : undefined });
        if (!attach) return followOutput(c, rec.id, { sigProxy: true });
        return attachAndWait(c, rec.id, {
          tty, stdin, detachKeys, sigProxy: true, logOutput: !tty,
        });
      });
      if (code === 'detached') return;
      if (code) throw new ExitStatus(code);
      return;
    }
    await forEachTarget(a.containers, async (t) => { await b.containers.start(t); say(t); });
  },
};

export const stopCommand: CommandModule<GlobalArgs, Targets & { time?: number; signal?: string }> = {
  command: 'stop <containers..>',
  describe: 'Stop one or more running containers (stop signal, then SIGKILL after the grace period)',
  builder: (y) =>
    y.option('time', { alias: 't', type: 'number', describe: 'seconds to wait before killing the container' })
      .option('signal', { alias: 's', type: 'string', describe: 'signal to send to the container' }) as never,
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => { await c.stop(t, { timeout: a.time, signal: a.signal }); say(t); });
  },
};

export const restartCommand: CommandModule<GlobalArgs, Targets & { time?: number }> = {
  command: 'restart <containers..>',
  describe: 'Restart one or more containers',
  builder: (y) => y.option('time', { alias: 't', type: 'number', describe: 'seconds to wait before killing the container' }) as never,
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => { await c.restart(t, { timeout: a.time }); say(t); });
  },
};

export const killCommand: CommandModule<GlobalArgs, Targets & { signal: string }> = {
  command: 'kill <containers..>',
  describe: 'Kill one or more running containers',
  builder: (y) => y.option('signal', { alias: 's', type: 'string', default: 'SIGKILL', describe: 'signal to send to the container' }) as never,
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => { await c.killByUser(t, a.signal); say(t); });
  },
};

export const rmCommand: CommandModule<GlobalArgs, Targets & { force?: boolean; volumes?: boolean }> = {
  command: 'rm <containers..>',
  describe: 'Remove one or more containers',
  builder: (y) =>
    y.option('force', { alias: 'f', type: 'boolean', describe: 'force the removal of a running container (uses SIGKILL)' })
      .option('volumes', { alias: 'v', type: 'boolean', describe: 'remove anonymous volumes associated with the container' }) as never,
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => {
      try {
        await c.remove(t, { force: a.force, volumes: a.volumes });
      } catch (e) {
        // docker: with -f a missing container is reported, not a failure
        if (a.force && e instanceof BerthError && e.code === 'NOT_FOUND') return void reportError(e);
        throw e;
      }
      say(t);
    });
  },
};

export const waitCommand: CommandModule<GlobalArgs, Targets> = {
  command: 'wait <containers..>',
  describe: 'Block until one or more containers stop, then print their exit codes',
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => { say(String(await c.wait(t))); });
  },
};

export const pauseCommand: CommandModule<GlobalArgs, Targets> = {
  command: 'pause <containers..>',
  describe: 'Pause all processes within one or more containers',
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => { await c.pause(t); say(t); });
  },
};

export const unpauseCommand: CommandModule<GlobalArgs, Targets> = {
  command: 'unpause <containers..>',
  describe: 'Unpause all processes within one or more containers',
  handler: async (a) => {
    const c = getBackend(a).containers;
    await forEachTarget(a.containers, async (t) => { await c.unpause(t); say(t); });
  },
};

export const renameCommand: CommandModule<GlobalArgs, GlobalArgs & { container: string; newName: string }> = {
  command: 'rename <container> <newName>',
  describe: 'Rename a container',
  handler: async (a) => getEngine(a).containers.rename(a.container, a.newName),
};
