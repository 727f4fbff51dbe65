// `cp`: copy files between a container and the host, either direction.
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';

/** "NAME:/path" → container part; a path with "/" before the first ":" is a host path (docker's rule). */
function splitRef(arg: string): { container?: string; path: string } {
  if (arg === '') return { path: '-' }; // yargs hands a lone "-" over as ""
  const colon = arg.indexOf(':');
  if (colon <= 0 || arg.slice(0, colon).includes('/')) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export const cpCommand: CommandModule<GlobalArgs, GlobalArgs & { src: string; dest: string; archive?: boolean; 'follow-link'?: boolean }> = {
  command: 'cp <src> <dest>',
  describe: 'Copy files/folders between a container and the local filesystem (CONTAINER:SRC DEST or SRC CONTAINER:DEST); "-" streams a tar on stdin/stdout',
  builder: (y) =>
    y.option('archive', { alias: 'a', type: 'boolean', describe: 'archive mode (copy all uid/gid information)' })
      .option('follow-link', { alias: 'L', type: 'boolean', describe: 'always follow a symbolic link in SRC_PATH' }) as never,
  handler: async (a) => {
    const src = splitRef(a.src), dest = splitRef(a.dest);
    const containers = getEngine(a).containers;
    if (src.container && dest.container) throw new BerthError('INVALID_ARGUMENT', 'copying between containers is not supported: copy to the host first');
    if (!src.container && !dest.container) throw new BerthError('INVALID_ARGUMENT', 'must specify at least one container source: CONTAINER:PATH');
    const opts = { archive: a.archive, followLink: a['follow-link'] };
    if (src.container) await containers.copyFrom(src.container, src.path || '/', dest.path === '-' ? process.stdout : dest.path, opts);
    else await containers.copyTo(dest.container!, src.path === '-' ? process.stdin : src.path, dest.path || '/', opts);
  },
};
