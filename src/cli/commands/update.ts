// `update`: docker's resource flags on existing containers, applied live to a
// running one and stored for its next start.
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { forEachTarget } from '../each.js';
import { printWarning, resourceOptions, toResourceLimits, type ResourceArgs } from '../resource-flags.js';

interface UpdateArgs extends GlobalArgs, ResourceArgs { containers: string[]; restart?: string }

export const updateCommand: CommandModule<GlobalArgs, UpdateArgs> = {
  command: 'update <containers..>',
  describe: 'Update configuration (resource limits, restart policy) of one or more containers',
  builder: (y) => resourceOptions(y).option('restart', { type: 'string', describe: 'restart policy: no, on-failure[:max-retries], always, unless-stopped' }) as never,
  handler: async (a) => {
    const limits = toResourceLimits(a);
    if (!Object.keys(limits).length && a.restart === undefined) {
      throw new BerthError('INVALID_ARGUMENT', 'you must provide one or more flags when using this command');
    }
    const c = getEngine(a).containers;
    await forEachTarget(a.containers, async (t) => {
      if (a.restart !== undefined) await c.setRestartPolicy(t, a.restart);
      if (Object.keys(limits).length) await c.update(t, limits, printWarning);
      process.stdout.write(t + '\n');
    });
  },
};
