// `tag`: point a new name at an image (docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]).
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';

interface TagArgs extends GlobalArgs { source: string; target: string }

export const tagCommand: CommandModule<GlobalArgs, TagArgs> = {
  command: 'tag <source> <target>',
  describe: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  builder: (y) =>
    y.positional('source', { type: 'string', describe: 'SOURCE_IMAGE[:TAG], or an image ID' })
      .positional('target', { type: 'string', describe: 'TARGET_IMAGE[:TAG]' }) as never,
  handler: async (a) => {
    await getEngine(a).images.tag(a.source, a.target);
  },
};
