// `container prune`: removes every stopped container, after docker's
// confirmation prompt unless -f; prints docker's "Deleted Containers:" list.
import type { CommandModule } from 'yargs';
import { confirm } from '../confirm.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { humanSize } from '../output.js';

export const containerPruneCommand: CommandModule<GlobalArgs, GlobalArgs & { force?: boolean }> = {
  command: 'prune',
  describe: 'Remove all stopped containers',
  builder: (y) => y.option('force', { alias: 'f', type: 'boolean', describe: 'do not prompt for confirmation' }) as never,
  handler: async (a) => {
    if (!a.force && !(await confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] '))) return;
    const r = await getEngine(a).containers.prune();
    const lines = r.deleted.length ? ['Deleted Containers:', ...r.deleted, ''] : [];
    lines.push(`Total reclaimed space: ${humanSize(r.reclaimed)}`);
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  },
};
