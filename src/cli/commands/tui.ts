// `tui`: the full-screen workstation (also what `berth` alone opens).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';

interface TuiArgs extends GlobalArgs { theme?: string; host?: string[]; engine?: string }

export const tuiCommand: CommandModule<GlobalArgs, TuiArgs> = {
  command: 'tui',
  describe: 'Open the full-screen workstation (the same as `berth` alone)',
  builder: (y) => y
    .option('theme', { type: 'string', describe: 'dark, light, high-contrast, or a path to a theme JSON file' })
    .option('host', { alias: 'H', type: 'string', array: true, describe: 'a Docker Engine API endpoint to drive beside the embedded engine (unix://, tcp://, ssh://; repeatable; default $DOCKER_HOST)' })
    .option('engine', { type: 'string', describe: 'the engine shown first (berth, dockerd, podman, …; E switches)' }) as never,
  handler: async (a) => {
    const { runTui } = await import('../../tui/index.js');
    await runTui({ root: a.root, theme: a.theme, hosts: a.host, engine: a.engine });
  },
};
