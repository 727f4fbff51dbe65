// `tui`: the full-screen workstation (also what `berth` alone opens). `-H HOST` /
// `--context NAME` (here or before the verb, docker's global flags) choose the engine
// it opens on; the list of engines comes from the backend (resolveEndpoints).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { BerthError } from '../../engine/index.js';
import { chosenEndpoint, endpointArgs, endpointChosen } from '../endpoint-flags.js';
import type { EndpointArgs } from '../../backend/endpoints.js';

interface TuiArgs extends GlobalArgs { theme?: string; host?: string[]; context?: string; 'print-config'?: boolean }

/** Opens the workstation; endpoint flags given after `tui` join those given before it. */
export async function openWorkstation(a: { root?: string; theme?: string; 'print-config'?: boolean } & EndpointArgs): Promise<void> {
  const before = endpointArgs();
  const flags: EndpointArgs = { host: a.host ?? before.host, context: a.context ?? before.context };
  // Only the flags choose for now: the workstation cannot draw a Docker endpoint until the
  // engine interface (issue 20, the engines half) is wired in; DOCKER_HOST, docker's current
  // context (or a config.json docker itself would only warn about) must not keep `berth`
  // from opening on its own engine meanwhile.
  if (endpointChosen(flags)) {
    const ep = chosenEndpoint(flags); // a bad -H / unknown --context is refused here, in docker's words
    if (ep.kind !== 'embedded') {
      throw new BerthError('UNSUPPORTED', `the workstation cannot open on ${ep.dockerHost || ep.name} (context "${ep.name}") yet: it drives the embedded engine only`);
    }
  }
  const { runTui } = await import('../../tui/index.js');
  await runTui({ root: a.root, theme: a.theme, printConfig: a['print-config'] });
}

export const tuiCommand: CommandModule<GlobalArgs, TuiArgs> = {
  command: 'tui',
  describe: 'Open the full-screen workstation (the same as `berth` alone)',
  builder: (y) => y.option('theme', { type: 'string', describe: 'dark, light, high-contrast, or a path to a theme JSON file' })
    .option('host', { alias: 'H', type: 'string', array: true, nargs: 1, describe: 'open on the Docker Engine API at HOST (unix://, tcp://, ssh://)' })
    .option('context', { type: 'string', describe: 'open on the engine of this context (berth, default, or one of `berth context ls`)' })
    .option('print-config', { type: 'boolean', describe: 'print the configuration in effect (every setting and every action\'s keys, by name) and exit' }) as never,
  handler: async (a) => openWorkstation(a),
};
