// `stats`: docker's live table of CPU, memory, network, block I/O and pids, fed
// by the engine's one sampler. A TTY is redrawn in place (cleared like docker);
// otherwise one table per tick. --no-stream prints the first full round and ends.
import type { CommandModule } from 'yargs';
import { BerthError, CPU_PERCENT_BASIS, type StatsSample } from '../../engine/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
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
    const b = getBackend(a);
    formatList(a.format, [], STATS_FORMAT); // a template that does not parse fails before any sampling
    const sampler = b.stats();
    const explicit: string[] = [];
    for (const ref of a.containers ?? []) explicit.push((await b.containers.summary(ref)).id); // unknown name: error, exit 1
    const wanted = async (): Promise<string[]> => (explicit.length ? explicit : (await b.containers.list({ all: !!a.all })).map((c) => c.id));
    const latest = new Map<string, StatsSample>();
    const subs = new Map<string, () => void>();
    let order: string[] = [];
    let renderQueued = false;
    let finish: () => void = () => {};
    let failure: unknown; // a template that fails on a row ends the stream with its error
    const done = new Promise<void>((r) => (finish = r));
    const tty = !!process.stdout.isTTY && !a.format;

    const sync = async (): Promise<void> => {
      order = await wanted();
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
      resync(); // containers started or removed since (when none were named)
    };
    // an endpoint's list is a request: one that fails ends the stream with its error
    const resync = (): void => { sync().catch((e: unknown) => { failure = e; finish(); }); };

    await sync();
    if (!order.length) {
      // nothing to sample: docker prints the bare header
      if (isTableFormat(a.format)) printFormatted(a.format, [], STATS_FORMAT);
      if (a['no-stream']) { sampler.close(); return; }
    }
    // with no names, containers that start later join the table (docker does the same)
    const poll = explicit.length || a['no-stream'] ? undefined : setInterval(resync, 2000);
    // an endpoint that refuses a container's stats says so once (StatsSource.unavailable) and
    // sends nothing: its words end the command, as docker's CLI prints the daemon's error
    const refused = sampler.unavailable && setInterval(() => {
      const why = order.map((id) => sampler.unavailable!(id)).find(Boolean);
      if (why) { failure = new BerthError('UNSUPPORTED', why); finish(); }
    }, 250);
    const onInt = (): void => finish();
    process.once('SIGINT', onInt);
    await done;
    process.off('SIGINT', onInt);
    if (poll) clearInterval(poll);
    if (refused) clearInterval(refused);
    sampler.close();
    if (failure) throw failure;
  },
};
