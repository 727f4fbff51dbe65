// `push`: docker push — an image's tag to its registry.
import type { CommandModule } from 'yargs';
import { formatReference } from '../../engine/image/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { policyOf, progressFor, registryOptions, type RegistryArgs } from '../registry-flags.js';
import { finishDespiteClosedPipe } from '../closed-pipe.js';

interface PushArgs extends GlobalArgs, RegistryArgs { name: string; quiet?: boolean }

export const pushCommand: CommandModule<GlobalArgs, PushArgs> = {
  command: 'push <name>',
  describe: 'Upload an image to a registry',
  builder: (y) =>
    registryOptions(y.positional('name', { type: 'string', describe: 'NAME[:TAG]' }))
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'suppress verbose output' }) as never,
  handler: async (a) => {
    finishDespiteClosedPipe();
    const r = await getEngine(a).registry.push(a.name, { policy: policyOf(a), progress: progressFor(a.quiet) });
    // -q: docker prints just the reference pushed
    if (a.quiet) process.stdout.write(`${formatReference(r.reference)}\n`);
  },
};
