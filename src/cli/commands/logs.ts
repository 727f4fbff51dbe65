// `logs`: the container's output as recorded by its monitor.
import type { CommandModule } from 'yargs';
import { parseSince } from '../../engine/log/index.js';
import { BerthError } from '../../engine/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { writeRecords } from '../log-output.js';

interface LogsArgs extends GlobalArgs {
  container: string;
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
}

export const logsCommand: CommandModule<GlobalArgs, LogsArgs> = {
  command: 'logs <container>',
  describe: 'Fetch the logs of a container',
  builder: (y) =>
    y.option('follow', { alias: 'f', type: 'boolean', describe: 'follow log output' })
      .option('tail', { alias: 'n', type: 'string', describe: 'number of lines to show from the end of the logs (default "all")' })
      .option('since', { type: 'string', describe: 'show logs since a timestamp (2013-01-02T13:23:37Z) or relative (42m)' })
      .option('until', { type: 'string', describe: 'show logs before a timestamp or relative time' })
      .option('timestamps', { alias: 't', type: 'boolean', describe: 'show timestamps' }) as never,
  handler: async (a) => {
    const now = new Date();
    let tail: number | undefined;
    if (a.tail !== undefined && a.tail !== 'all') {
      tail = Number(a.tail);
      if (!Number.isInteger(tail) || tail < 0) throw new BerthError('INVALID_ARGUMENT', `invalid --tail "${a.tail}": give a number of lines or "all"`);
    }
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    try {
      const records = getBackend(a).containers.logs(a.container, {
        follow: a.follow, tail, signal: ac.signal,
        since: a.since ? parseSince(a.since, now) : undefined,
        until: a.until ? parseSince(a.until, now) : undefined,
      });
      await writeRecords(records, { timestamps: a.timestamps });
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    } finally {
      process.off('SIGINT', stop);
    }
  },
};
