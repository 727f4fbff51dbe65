// `tui`: the full-screen workstation (also what `berth` alone opens).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';

interface TuiArgs extends GlobalArgs { theme?: string; 'print-config'?: boolean }

export const tuiCommand: CommandModule<GlobalArgs, TuiArgs> = {
  command: 'tui',
  describe: 'Open the full-screen workstation (the same as `berth` alone)',
  builder: (y) => y.option('theme', { type: 'string', describe: 'dark, light, high-contrast, or a path to a theme JSON file' })
    .option('print-config', { type: 'boolean', describe: 'print the configuration in effect (every setting and every action\'s keys, by name) and exit' }) as never,
  handler: async (a) => {
    const { runTui } = await import('../../tui/index.js');
    await runTui({ root: a.root, theme: a.theme, printConfig: a['print-config'] });
  },
};
