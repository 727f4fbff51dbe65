// `rmi`: remove images (docker's rules: untag by name, delete by ID, refuse an
// image a container uses unless -f). Every image is tried; each failure is
// reported on its own line and the status is 125 if any failed.
import type { CommandModule } from 'yargs';
import { familiar } from '../../engine/image/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { forEachTarget } from '../each.js';

interface RmiArgs extends GlobalArgs { images: string[]; force?: boolean }

export const rmiCommand: CommandModule<GlobalArgs, RmiArgs> = {
  command: 'rmi <images..>',
  describe: 'Remove one or more images',
  builder: (y) =>
    // positionals are declared: strictOptions() treats undeclared ones as unknown arguments
    y.positional('images', { type: 'string', array: true, describe: 'images to remove (name[:tag], ID or ID prefix)' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'force removal of the image (untag it even if a container uses it)' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    await forEachTarget(a.images, async (ref) => {
      const r = await b.removeImage(ref, { force: a.force });
      const lines = [...r.untagged.map((t) => `Untagged: ${familiar(t)}`), ...r.deleted.map((d) => `Deleted: ${d}`)];
      process.stdout.write(lines.map((l) => l + '\n').join(''));
    });
  },
};
