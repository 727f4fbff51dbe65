// `save`: images as a tar archive — docker-archive (docker save's format, the
// default) or an OCI image layout (--format oci / oci-archive) — to -o FILE or stdout.
import type { CommandModule } from 'yargs';
import type { ArchiveFormat } from '../../engine/image/index.js';
import { invalid } from '../../engine/errors.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { writeArchive } from '../output-file.js';

interface SaveArgs extends GlobalArgs { images: string[]; output?: string; format?: string }

const FORMATS: Record<string, ArchiveFormat> = {
  'docker-archive': 'docker-archive', docker: 'docker-archive', 'oci-archive': 'oci-archive', oci: 'oci-archive',
};

export const saveCommand: CommandModule<GlobalArgs, SaveArgs> = {
  command: 'save <images..>',
  describe: 'Save one or more images to a tar archive (streamed to stdout by default)',
  builder: (y) =>
    y.positional('images', { type: 'string', array: true, describe: 'images (name[:tag], ID or ID prefix)' })
      .option('output', { alias: 'o', type: 'string', describe: 'write to a file instead of stdout' })
      .option('format', { type: 'string', describe: 'docker-archive (default) or oci-archive (an OCI image layout; also "oci")' }) as never,
  handler: async (a) => {
    const format = FORMATS[a.format ?? 'docker-archive'];
    if (!format) throw invalid(`save: unknown format "${a.format}" (docker-archive or oci-archive)`);
    const images = getEngine(a).images;
    await writeArchive(a.output, 'save', (out) => images.save(a.images, format, out));
  },
};
