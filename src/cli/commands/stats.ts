// `stats`: docker's live table of CPU, memory, network, block I/O and pids, fed
// by the engine's one sampler. A TTY is redrawn in place (cleared like docker);
// otherwise one table per tick. --no-stream prints the first full round and ends.
import type { CommandModule } from 'yargs';
import { CPU_PERCENT_BASIS, type StatsSample } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { printFormatted } from '../output.js';
import { formatList, goStruct, isTableFormat } from '../../engine/template/index.js';
import { statsRow, STATS_FORMAT } from '../stats-format.js';

interface StatsArgs extends GlobalArgs {
  containers?: string[];
  all?: boolean;
  'no-stream'?: boolean;
  format?: string;
  'no-trunc'?: boolean;
}

export const statsCommand: CommandModule<GlobalArgs, StatsArgs> = {
  command: 'stats [containers..]',
  describe: 'Display a live stream of container(s) resource usage statistics',
  builder: (y) =>
    y.option('all', { alias: 'a', type: 'boolean', describe: 'show all containers (default shows just running)' })
      .option('no-stream', { type: 'boolean', describe: 'disable streaming stats and only pull the first result' })
      .option('format', { type: 'string', describe: '"json", "table", or a Go template ({{.Name}} {{.CPUPerc}} ...)' })
      .option('no-trunc', { type: 'boolean', describe: 'do not truncate output' }) as never,
  handler: async (a) => {
    const engine = getEngine(a);
    formatList(a.format, [], STATS_FORMAT); // a template that does not parse fails before any sampling
    const sampler = engine.stats();
    const explicit = (a.containers ?? []).map((ref) => engine.containers.find(ref).id); // unknown name: error, exit 125
    const wanted = (): string[] => (explicit.length ? explicit : engine.containers.list({ all: !!a.all }).map((c) => c.id));
    const latest = new Map<string, StatsSample>();
    const subs = new Map<string, () => void>();
    let order: string[] = [];
    let renderQueued = false;
    let finish: () => void = () => {};
    let failure: unknown; // a template that fails on a row ends the stream with its error
    const done = new Promise<void>((r) => (finish = r));
    const tty = !!process.stdout.isTTY && !a.format;

    const sync = (): void => {
      order = wanted();
      for (const id of order) {
        if (!subs.has(id)) {
          subs.set(id, sampler.subscribe(id, (s) => {
            latest.set(id, s);
            if (!renderQueued) { renderQueued = true; setImmediate(render); } // once per tick
          }));
        }
      }
      for (const [id, off] of subs) {
        if (!order.includes(id)) { off(); subs.delete(id); latest.delete(id); }
      }
    };

    const render = (): void => {
      renderQueued = false;
      const samples = order.map((id) => latest.get(id)).filter((s): s is StatsSample => !!s);
      if (a['no-stream'] && samples.length < order.length) return; // wait for a full round
      const rows = samples.map((s) => {
        const r = statsRow(s);
        return goStruct(a['no-trunc'] ? { ...r, ID: s.id, Container: s.id } : r, '*formatter.statsContext');
      });
      if (tty) process.stdout.write('\x1b[2J\x1b[H');
      try {
        printFormatted(a.format, rows, STATS_FORMAT);
      } catch (e) {
        failure = e;
        return finish();
      }
      if (!a.format || a.format === 'table') process.stdout.write(`(CPU % = ${CPU_PERCENT_BASIS}; NET I/O excludes lo)\n`);
      if (a['no-stream']) return finish();
      sync(); // containers started or removed since (when none were named)
    };

    sync();
    if (!order.length) {
      // nothing to sample: docker prints the bare header
      if (isTableFormat(a.format)) printFormatted(a.format, [], STATS_FORMAT);
      if (a['no-stream']) { sampler.close(); return; }
    }
    // with no names, containers that start later join the table (docker does the same)
    const poll = explicit.length || a['no-stream'] ? undefined : setInterval(sync, 2000);
    const onInt = (): void => finish();
    process.once('SIGINT', onInt);
    await done;
    process.off('SIGINT', onInt);
    if (poll) clearInterval(poll);
    sampler.close();
    if (failure) throw failure;
  },
};
