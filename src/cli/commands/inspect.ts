// `inspect`: containers first, then images (docker's order), as one JSON array.
import type { Argv, CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';
import { printJson } from '../output.js';
import { ExitStatus, reportError } from '../exit-codes.js';

interface InspectArgs extends GlobalArgs { names: string[]; format?: string; type?: string }

export const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect <names..>',
  describe: 'Return low-level information on containers or images',
  builder: (y) =>
    y.option('format', { alias: 'f', type: 'string', describe: 'format the output with a template ({{.State.ExitCode}})' })
      .option('type', { type: 'string', choices: ['container', 'image'], describe: 'only look for this type' }) as never,
  handler: async (a) => {
    const engine = getEngine(a);
    const tpl = a.format ? compileTemplate(a.format) : undefined; // a broken template fails before any lookup
    const found: Record<string, unknown>[] = [];
    let status = 0;
    for (const n of a.names) {
      try {
        const o = await lookup(engine, n, a.type);
        if (tpl) process.stdout.write(renderTemplate(tpl, o) + '\n');
        else found.push(o);
      } catch (e) {
        status = reportError(e);
      }
    }
    if (!tpl) printJson(found);
    if (status) throw new ExitStatus(status);
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

async function lookup(engine: ReturnType<typeof getEngine>, name: string, type?: string): Promise<Record<string, unknown>> {
  if (type !== 'image') {
    try {
      return engine.containers.inspect(name);
    } catch (e) {
      if (!(e instanceof BerthError && e.code === 'NOT_FOUND') || type === 'container') throw e;
    }
  }
  try {
    return (await engine.images.inspect(name)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof BerthError && e.code === 'NOT_FOUND' && type === undefined) {
      throw new BerthError('NOT_FOUND', `no such object: ${name}`);
    }
    throw e;
  }
}
