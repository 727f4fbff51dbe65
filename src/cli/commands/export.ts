// `export`: a container's filesystem (image + its changes, no runtime mounts) as a tar, to -o FILE or stdout.
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';
import { writeArchive } from '../output-file.js';

interface ExportArgs extends GlobalArgs { container: string; output?: string }

export const exportCommand: CommandModule<GlobalArgs, ExportArgs> = {
  command: 'export <container>',
  describe: "Export a container's filesystem as a tar archive",
  builder: (y) =>
    y.positional('container', { type: 'string', describe: 'container name or ID' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to a file instead of stdout' }) as never,
  handler: async (a) => {
    const containers = getEngine(a).containers;
    await writeArchive(a.output, 'export', (out) => containers.export(a.container, out));
  },
};
