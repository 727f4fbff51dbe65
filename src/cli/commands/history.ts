// `history`: an image's history entries, newest first (docker's columns).
import type { CommandModule } from 'yargs';
import { shortId } from '../../engine/image/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { goStruct } from '../../engine/template/index.js';
import { ago, humanSize, printFormatted } from '../output.js';

interface HistoryArgs extends GlobalArgs { image: string; human?: boolean; quiet?: boolean; 'no-trunc'?: boolean; format?: string }

const CREATED_BY_WIDTH = 45;

export const historyCommand: CommandModule<GlobalArgs, HistoryArgs> = {
  command: 'history <image>',
  describe: 'Show the history of an image',
  builder: (y) =>
    y.positional('image', { type: 'string', describe: 'image (name[:tag], ID or ID prefix)' })
      .option('human', { alias: 'H', type: 'boolean', default: true, describe: 'print sizes and dates in human readable format' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'only show image IDs' })
      .option('no-trunc', { type: 'boolean', describe: "don't truncate output" })
      .option('format', { type: 'string', describe: 'json, table, or a template like {{.ID}} {{.CreatedBy}}' }) as never,
  handler: async (a) => {
    const rows = await getEngine(a).images.history(a.image);
    const id = (v: string) => (v === '<missing>' || a['no-trunc'] ? v : shortId(v));
    if (a.quiet) {
      process.stdout.write(rows.map((r) => id(r.id) + '\n').join(''));
      return;
    }
    const now = Date.now();
    const created = (iso: string) => (!iso ? '' : a.human ? ago(iso, now) : iso);
    const by = (s: string) => (a['no-trunc'] || s.length <= CREATED_BY_WIDTH ? s : `${s.slice(0, CREATED_BY_WIDTH - 1)}…`);
    const size = (n: number) => (a.human ? humanSize(n) : String(n));
    const formatted = rows.map((r) => goStruct({
      Comment: r.comment, CreatedAt: r.created, CreatedBy: by(r.createdBy), CreatedSince: created(r.created), ID: id(r.id), Size: size(r.size),
    }, '*formatter.historyContext'));
    printFormatted(a.format, formatted, {
      defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
      header: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
    });
  },
};
