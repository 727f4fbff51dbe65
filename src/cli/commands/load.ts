// `load`: images from a docker-archive or OCI layout tar (plain or gzipped), from -i FILE or stdin.
import type { CommandModule } from 'yargs';
import { familiar } from '../../engine/image/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { finishDespiteClosedPipe } from '../closed-pipe.js';

interface LoadArgs extends GlobalArgs { input?: string; quiet?: boolean }

export const loadCommand: CommandModule<GlobalArgs, LoadArgs> = {
  command: 'load',
  describe: 'Load images from a tar archive (docker-archive or OCI layout) or stdin',
  builder: (y) =>
    y.option('input', { alias: 'i', type: 'string', describe: 'read from a tar archive file instead of stdin' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print nothing (berth shows no progress either way)' }) as never,
  handler: async (a) => {
    finishDespiteClosedPipe();
    const loaded = await getEngine(a).images.load(a.input ?? '-');
    if (a.quiet) return;
    const lines = loaded.flatMap((l) => (l.tags.length ? l.tags.map((t) => `Loaded image: ${familiar(t)}`) : [`Loaded image ID: ${l.image.id}`]));
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  },
};
