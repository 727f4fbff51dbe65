// `images`: docker's image list — one row per tag (an untagged image is one
// `<none> <none>` row), newest first, narrowed by REPOSITORY[:TAG] (globs allowed,
// docker's reference filter) and --filter (dangling, reference, label, before,
// since, until). The rows are docker's ImageContext for --format.
import type { CommandModule } from 'yargs';
import { familiarName, parseReference, shortId } from '../../engine/image/index.js';
import type { ImageListItem } from '../../backend/index.js';
import { goTime } from '../../engine/format.js';
import { goStruct } from '../../engine/template/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { ago, humanSize, printFormatted } from '../output.js';

interface ImagesArgs extends GlobalArgs {
  reference?: string;
  all?: boolean;
  quiet?: boolean;
  'no-trunc'?: boolean;
  digests?: boolean;
  filter?: string[];
  format?: string;
}

interface Row { image: ImageListItem; repository: string; tag: string; digest: string }

const HEADER = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', Containers: 'CONTAINERS', VirtualSize: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE',
};

export const imagesCommand: CommandModule<GlobalArgs, ImagesArgs> = {
  command: 'images [reference]',
  describe: 'List images',
  builder: (y) =>
    y.positional('reference', { type: 'string', describe: 'only images matching REPOSITORY[:TAG] (globs allowed)' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'show all images (default hides intermediate build images)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'only show image IDs' })
      .option('no-trunc', { type: 'boolean', describe: "don't truncate output" })
      .option('digests', { type: 'boolean', describe: 'show digests' })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, describe: 'filter output (dangling=true|false, reference=, label=, before=, since=, until=)' })
      .option('format', { type: 'string', describe: 'json, table, table TEMPLATE, or a Go template like {{.Repository}}:{{.Tag}}' }) as never,
  handler: async (a) => {
    const filters = [...(a.filter ?? []), ...(a.reference !== undefined ? [`reference=${a.reference}`] : [])];
    const images = await getBackend(a).listImages({ filters, all: a.all });
    const rows = images.flatMap(rowsOf);
    const id = (img: ImageListItem) => (a['no-trunc'] ? img.id : shortId(img.id));
    if (a.quiet) {
      const ids = [...new Set(rows.map((r) => id(r.image)))]; // once per image, so `rmi $(images -q)` works
      process.stdout.write(ids.map((i) => i + '\n').join(''));
      return;
    }
    const now = Date.now();
    const formatted = rows.map((r) => goStruct({
      Containers: 'N/A', CreatedAt: goTime(r.image.created), CreatedSince: ago(r.image.created, now), Digest: r.digest,
      ID: id(r.image), Repository: r.repository, SharedSize: 'N/A', Size: humanSize(r.image.size), Tag: r.tag,
      UniqueSize: 'N/A', VirtualSize: humanSize(r.image.size),
    }, '*formatter.ImageContext'));
    const defaultTable = `table {{.Repository}}\t{{.Tag}}${a.digests ? '\t{{.Digest}}' : ''}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`;
    printFormatted(a.format, formatted, { defaultTable, header: HEADER });
  },
};

/** One row per tag; digests of a repository without a tag get a `<none>` tag row; no references: `<none> <none>`. */
function rowsOf(image: ImageListItem): Row[] {
  const digestOf = (repo: string) => {
    const d = image.repoDigests.map((x) => parseReference(x)).find((r) => familiarName(r) === repo);
    return d?.digest ?? '<none>';
  };
  const rows: Row[] = image.repoTags.map((t) => {
    const r = parseReference(t);
    return { image, repository: familiarName(r), tag: r.tag ?? '<none>', digest: digestOf(familiarName(r)) };
  });
  for (const d of image.repoDigests) {
    const r = parseReference(d);
    if (!rows.some((x) => x.repository === familiarName(r))) {
      rows.push({ image, repository: familiarName(r), tag: '<none>', digest: r.digest ?? '<none>' });
    }
  }
  return rows.length ? rows : [{ image, repository: '<none>', tag: '<none>', digest: '<none>' }];
}
