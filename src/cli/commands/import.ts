// `import`: docker import — a one-layer image from a root filesystem tar (or tar.gz, or stdin).
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';

interface ImportArgs extends GlobalArgs {
  file: string;
  reference?: string;
  change?: string | string[];
  message?: string;
}

export const importCommand: CommandModule<GlobalArgs, ImportArgs> = {
  command: 'import <file> [reference]',
  describe: 'Import the contents from a tarball to create a filesystem image (FILE or - for stdin)',
  builder: (y) =>
    y.positional('file', { type: 'string', describe: 'a tar or tar.gz file, or - to read stdin' })
      .positional('reference', { type: 'string', describe: 'REPOSITORY[:TAG] to give the image' })
      // not `array: true`: that would swallow the positionals after it; repeating -c gives an array
      .option('change', { alias: 'c', type: 'string', describe: 'apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable' })
      .option('message', { alias: 'm', type: 'string', describe: 'set the commit message (history comment) for the image' }) as never,
  handler: async (a) => {
    // yargs turns a lone "-" positional into ""; an empty path means stdin either way
    const file = a.file === '' ? '-' : a.file;
    const changes = a.change === undefined ? [] : ([] as string[]).concat(a.change);
    const image = await getEngine(a).images.import(file, a.reference, { changes, message: a.message });
    process.stdout.write(`${image.id}\n`);
  },
};
