// `builder prune`: removes the build cache (the builder's intermediate images
// no container uses), after docker's confirmation prompt unless -f.
import type { CommandModule } from 'yargs';
import { confirm } from '../confirm.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { humanSize } from '../output.js';

interface PruneArgs extends GlobalArgs { all?: boolean; force?: boolean }

const builderPruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Remove build cache',
  builder: (y) =>
    y.option('all', { alias: 'a', type: 'boolean', describe: 'remove all build cache (berth keeps only the one kind)' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'do not prompt for confirmation' }) as never,
  handler: async (a) => {
    if (!a.force && !(await confirm('WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] '))) return;
    const r = await getEngine(a).pruneBuildCache();
    const lines = r.deleted.length ? ['Deleted build cache objects:', ...r.deleted.map((d) => d.replace(/^sha256:/, '')), ''] : [];
    lines.push(`Total reclaimed space: ${humanSize(r.reclaimed)}`);
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  },
};

export const builderCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'builder <command>',
  describe: 'Manage builds',
  builder: (y) => y.command(builderPruneCommand).demandCommand(1, 'name a builder command: berth builder --help') as never,
  handler: () => {},
};
