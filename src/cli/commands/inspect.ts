// `inspect`: containers first, then images (docker's order), as one JSON array.
import type { Argv, CommandModule } from 'yargs';
import { BerthError, notFound } from '../../engine/index.js';
import type { Backend } from '../../backend/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { inspectEach } from '../inspect-output.js';

interface InspectArgs extends GlobalArgs { names: string[]; format?: string; type?: string }

export const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect <names..>',
  describe: 'Return low-level information on containers or images',
  builder: (y) =>
    y.option('format', { alias: 'f', type: 'string', describe: 'format the output with a template ({{.State.ExitCode}})' })
      .option('type', { type: 'string', choices: ['container', 'image'], describe: 'only look for this type' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    await inspectEach(a.names, a.format, (n) => lookup(b, n, a.type));
  },
};

/** `container inspect` / `image inspect`: the same command, limited to one kind of object. */
export function inspectOnly(type: 'container' | 'image', describe: string): CommandModule<GlobalArgs, InspectArgs> {
  const base = inspectCommand.builder as (y: Argv<GlobalArgs>) => Argv<InspectArgs>;
  return {
    ...inspectCommand,
    describe,
    builder: (y) =>
      base(y).positional('names', { type: 'string', array: true }).option('type', { default: type, hidden: true }) as never,
  };
}

async function lookup(b: Backend, name: string, type?: string): Promise<Record<string, unknown>> {
  if (type !== 'image') {
    try {
      return await b.containers.inspect(name);
    } catch (e) {
      if (!(e instanceof BerthError && e.code === 'NOT_FOUND') || type === 'container') throw e;
    }
  }
  try {
    return (await b.images.inspect(name)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof BerthError && e.code === 'NOT_FOUND' && type === undefined) {
      throw notFound('object', name);
    }
    throw e;
  }
}
