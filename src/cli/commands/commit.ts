// `commit`: a new image from a container's changes; prints the new image's ID.
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';

interface CommitArgs extends GlobalArgs {
  container: string;
  reference?: string;
  change?: string | string[];
  message?: string;
  author?: string;
}

export const commitCommand: CommandModule<GlobalArgs, CommitArgs> = {
  command: 'commit <container> [reference]',
  describe: "Create a new image from a container's changes (the container is not paused)",
  builder: (y) =>
    y.positional('container', { type: 'string', describe: 'container name or ID' })
      .positional('reference', { type: 'string', describe: 'REPOSITORY[:TAG] for the new image' })
      // not `array: true`: that would swallow the positionals after it; repeating -c gives an array
      .option('change', { alias: 'c', type: 'string', describe: 'apply a Dockerfile instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR); repeatable' })
      .option('message', { alias: 'm', type: 'string', describe: 'commit message' })
      .option('author', { alias: 'a', type: 'string', describe: 'author (e.g. "Jane Doe <jane@example.com>")' }) as never,
  handler: async (a) => {
    const changes = a.change === undefined ? [] : ([] as string[]).concat(a.change);
    const image = await getEngine(a).containers.commit(a.container, { reference: a.reference, changes, message: a.message, author: a.author });
    process.stdout.write(`${image.id}\n`);
  },
};
