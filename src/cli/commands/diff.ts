// `diff`: the container's filesystem changes, one "A|C|D /path" a line, as docker prints them.
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';

interface DiffArgs extends GlobalArgs { container: string }

export const diffCommand: CommandModule<GlobalArgs, DiffArgs> = {
  command: 'diff <container>',
  describe: "Inspect changes to files or directories on a container's filesystem",
  builder: (y) => y.positional('container', { type: 'string', describe: 'container name or ID' }) as never,
  handler: async (a) => {
    const changes = await getEngine(a).containers.diff(a.container);
    process.stdout.write(changes.map((c) => `${c.kind} ${c.path}\n`).join(''));
  },
};
