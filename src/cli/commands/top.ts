// `top CONTAINER [ps OPTIONS]`: the processes running inside a container. Without options,
// ps -ef's columns read from /proc; with them (`aux`, `-o pid,comm`), the host's ps as
// docker runs it. Everything after the container is ps's (argv-split's tail: `-ef` is no
// flag of ours).
import type { CommandModule } from 'yargs';
import { getBackend, type GlobalArgs } from '../context.js';
import { printTable } from '../output.js';
import { commandTail, type TailVerb } from '../argv-split.js';

const pad2 = (n: number) => String(n).padStart(2, '0');
const hms = (s: number) => `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;

export const topTail: TailVerb = { valueFlags: new Set() };

export const topCommand: CommandModule<GlobalArgs, GlobalArgs & { container: string }> = {
  command: 'top <container> [ps-options..]',
  describe: 'Display the running processes of a container',
  handler: async (a) => {
    const b = getBackend(a);
    const psArgs = commandTail();
    // an endpoint's daemon runs ps itself, with its own default columns when given no options
    if (psArgs.length || !b.embedded) {
      const t = await b.containers.topPs(a.container, psArgs);
      printTable(t.titles, t.processes, b.embedded ? undefined : 20);
      return;
    }
    const rows = b.embedded.containers.top(a.container);
    printTable(
      ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      rows.map((p) => [String(p.uid), String(p.pid), String(p.ppid), String(p.cpuPercent),
        `${pad2(p.startTime.getHours())}:${pad2(p.startTime.getMinutes())}`, p.tty, hms(p.cpuTimeSec), p.cmd]),
      20, // docker top's tabwriter: columns at least 20 wide
    );
  },
};
