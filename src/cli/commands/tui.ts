// `tui`: the full-screen workstation (also what `berth` alone opens). `-H HOST` (here or
// before the verb, docker's global flag; repeatable here) adds engines beside the embedded one;
// `--context NAME` shows that docker context's engine first; the list of engines is the
// backend's (workstationEndpoints: -H, DOCKER_HOST, docker's contexts, local sockets).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { endpointArgs } from '../endpoint-flags.js';
import type { EndpointArgs } from '../../backend/endpoints.js';

interface TuiArgs extends GlobalArgs { theme?: string; host?: string[]; context?: string; engine?: string; 'print-config'?: boolean }

/** Opens the workstation; endpoint flags given after `tui` join those given before it. */
export async function openWorkstation(a: { root?: string; theme?: string; engine?: string; 'print-config'?: boolean } & EndpointArgs): Promise<void> {
  const before = endpointArgs();
  const hosts = [...asList(before.host), ...asList(a.host)];
  const { runTui } = await import('../../tui/index.js');
  await runTui({ root: a.root, theme: a.theme, printConfig: a['print-config'], hosts, context: a.context ?? before.context, engine: a.engine });
}

const asList = (h: string | string[] | undefined): string[] => (h === undefined ? [] : Array.isArray(h) ? h : [h]);

export const tuiCommand: CommandModule<GlobalArgs, TuiArgs> = {
  command: 'tui',
  describe: 'Open the full-screen workstation (the same as `berth` alone)',
  builder: (y) => y
    .option('theme', { type: 'string', describe: 'dark, light, high-contrast, or a path to a theme JSON file' })
    .option('host', { alias: 'H', type: 'string', array: true, nargs: 1, describe: 'a Docker Engine API endpoint to drive beside the embedded engine (unix://, tcp://, ssh://; repeatable; E switches to it)' })
    .option('context', { type: 'string', describe: 'open on the engine of this docker context (one of `berth context ls`)' })
    .option('engine', { type: 'string', describe: 'the engine shown first, by the name the header shows (berth, dockerd, podman, …; E switches)' })
    .option('print-config', { type: 'boolean', describe: 'print the configuration in effect (every setting and every action\'s keys, by name) and exit' }) as never,
  handler: async (a) => openWorkstation(a),
};
