// `images`: docker's image list — one row per tag (an untagged image is one
// `<none> <none>` row), newest first, optionally narrowed to REPOSITORY[:TAG]
// (glob patterns allowed, matched against the familiar names as docker does).
import type { CommandModule } from 'yargs';
import { familiarName, parseReference, shortId, type ImageRecord } from '../../engine/image/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { ago, humanSize, printFormatted, printTable } from '../output.js';

interface ImagesArgs extends GlobalArgs {
  reference?: string;
  all?: boolean;
  quiet?: boolean;
  'no-trunc'?: boolean;
  digests?: boolean;
  format?: string;
}

interface Row { image: ImageRecord; repository: string; tag: string; digest: string }

export const imagesCommand: CommandModule<GlobalArgs, ImagesArgs> = {
  command: 'images [reference]',
  describe: 'List images',
  builder: (y) =>
    y.positional('reference', { type: 'string', describe: 'only images matching REPOSITORY[:TAG] (globs allowed)' })
      // berth keeps no intermediate build images, so -a lists the same as the default
      .option('all', { alias: 'a', type: 'boolean', describe: 'show all images (berth has no intermediate images to hide)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'only show image IDs' })
      .option('no-trunc', { type: 'boolean', describe: "don't truncate output" })
      .option('digests', { type: 'boolean', describe: 'show digests' })
      .option('format', { type: 'string', describe: 'json, table, or a template like {{.Repository}}:{{.Tag}}' }) as never,
  handler: async (a) => {
    const images = await getEngine(a).images.list();
    let rows = images.flatMap(rowsOf);
    if (a.reference !== undefined) {
      const match = matcher(a.reference);
      rows = rows.filter((r) => r.repository !== '<none>' && match(r));
    }
    const id = (img: ImageRecord) => (a['no-trunc'] ? img.id : shortId(img.id));
    if (a.quiet) {
      const ids = [...new Set(rows.map((r) => id(r.image)))]; // once per image, so `rmi $(images -q)` works
      process.stdout.write(ids.map((i) => i + '\n').join(''));
      return;
    }
    const since = (img: ImageRecord) => ago(img.created);
    const formatted = rows.map((r) => ({
      Containers: 'N/A', CreatedAt: goTime(r.image.created), CreatedSince: since(r.image), Digest: r.digest,
      ID: id(r.image), Repository: r.repository, SharedSize: 'N/A', Size: humanSize(r.image.size), Tag: r.tag,
      UniqueSize: 'N/A', VirtualSize: humanSize(r.image.size),
    }));
    printFormatted(a.format, formatted, () => {
      const header = ['REPOSITORY', 'TAG', ...(a.digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
      printTable(header, rows.map((r) => [
        r.repository, r.tag, ...(a.digests ? [r.digest] : []), id(r.image), since(r.image), humanSize(r.image.size),
      ]));
    });
  },
};

/** One row per tag; digests of a repository without a tag get a `<none>` tag row; no references: `<none> <none>`. */
function rowsOf(image: ImageRecord): Row[] {
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

/** docker's reference filter (FamiliarMatch): the pattern against "name:tag", else against "name". */
function matcher(pattern: string): (r: Row) => boolean {
  const glob = globRegExp(pattern);
  // a plain reference may also be spelled in full ("docker.io/library/bb")
  let full: { name: string; tag?: string } | undefined;
  if (!/[*?[]/.test(pattern)) {
    const p = parseReference(pattern);
    full = { name: familiarName(p), tag: /:[^/]*$/.test(pattern) ? p.tag : undefined };
  }
  return (r) => {
    const tagged = r.tag === '<none>' ? r.repository : `${r.repository}:${r.tag}`;
    if (glob.test(tagged) || glob.test(r.repository)) return true;
    return full !== undefined && full.name === r.repository && (full.tag === undefined || full.tag === r.tag);
  };
}

/** Go's path.Match as a RegExp: * and ? stop at '/', [...] classes kept. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Go's default time format, as docker prints CreatedAt: "2006-01-02 15:04:05 +0000 UTC". */
function goTime(iso: string): string {
  const t = Date.parse(iso); // "" or a date the image's config got wrong: docker's N/A
  return Number.isNaN(t) ? 'N/A' : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}
