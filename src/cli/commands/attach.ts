// `berth attach [--detach-keys] [--no-stdin] [--sig-proxy] CONTAINER`: our terminal to a
// running container's (through its monitor), until it exits or we detach.
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { ExitStatus } from '../exit-codes.js';
import { attachAndWait } from '../attach-session.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detach-keys.js';

interface AttachArgs extends GlobalArgs {
  container: string;
  'detach-keys'?: string;
  'no-stdin'?: boolean;
  'sig-proxy'?: boolean;
}

export const attachCommand: CommandModule<GlobalArgs, AttachArgs> = {
  command: 'attach <container>',
  describe: "Attach local standard input, output, and error streams to a running container",
  builder: (y) => y
    .option('detach-keys', { type: 'string', describe: `key sequence for detaching (default "${DEFAULT_DETACH_KEYS}")` })
    .option('no-stdin', { type: 'boolean', describe: 'do not attach STDIN' })
    .option('sig-proxy', { type: 'boolean', default: true, describe: 'proxy all received signals to the process (without a tty)' }) as never,
  handler: async (a) => {
    const c = getEngine(a).containers;
    const detachKeys = parseDetachKeys(a['detach-keys'] ?? DEFAULT_DETACH_KEYS);
    const rec = c.find(a.container);
    if (!c.state(rec).running) throw new BerthError('NOT_RUNNING', 'You cannot attach to a stopped container, start it first');
    const code = await c.attached(rec.id, () => attachAndWait(c, rec.id, {
      tty: rec.config.tty,
      // docker: stdin only if the container was created with -i
      stdin: !a['no-stdin'] && rec.config.openStdin,
      detachKeys,
      sigProxy: a['sig-proxy'] !== false,
      logOutput: false,
    }));
    if (code === 'detached') return;
    if (code !== 0) throw new ExitStatus(code);
  },
};
