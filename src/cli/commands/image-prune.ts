// `image prune`: removes dangling images (-a: every image no container uses),
// after docker's confirmation prompt unless -f.
import type { CommandModule } from 'yargs';
import { familiar } from '../../engine/image/index.js';
import { confirm } from '../confirm.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { humanSize } from '../output.js';

interface PruneArgs extends GlobalArgs { all?: boolean; force?: boolean }

export const imagePruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Remove unused images',
  builder: (y) =>
    y.option('all', { alias: 'a', type: 'boolean', describe: 'remove all unused images, not just dangling ones' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'do not prompt for confirmation' }) as never,
  handler: async (a) => {
    if (!a.force) {
      const what = a.all ? 'all images without at least one container associated to them' : 'all dangling images';
      if (!(await confirm(`WARNING! This will remove ${what}.\nAre you sure you want to continue? [y/N] `))) return;
    }
    const engine = getEngine(a);
    const r = await engine.pruneImages({ all: a.all });
    const lines: string[] = [];
    if (r.removed.length) {
      lines.push('Deleted Images:');
      for (const x of r.removed) {
        lines.push(...x.untagged.map((t) => `untagged: ${familiar(t)}`), ...x.deleted.map((d) => `deleted: ${d}`));
      }
      lines.push('');
    }
    lines.push(`Total reclaimed space: ${humanSize(r.reclaimed)}`);
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  },
};
