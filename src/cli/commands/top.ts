// `top`: the processes running inside a container (ps -ef columns).
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';
import { printTable } from '../output.js';

const pad2 = (n: number) => String(n).padStart(2, '0');
const hms = (s: number) => `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;

export const topCommand: CommandModule<GlobalArgs, GlobalArgs & { container: string }> = {
  command: 'top <container>',
  describe: 'Display the running processes of a container',
  handler: (a) => {
    const rows = getEngine(a).containers.top(a.container);
    printTable(
      ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      rows.map((p) => [String(p.uid), String(p.pid), String(p.ppid), String(p.cpuPercent),
        `${pad2(p.startTime.getHours())}:${pad2(p.startTime.getMinutes())}`, p.tty, hms(p.cpuTimeSec), p.cmd]),
      20, // docker top's tabwriter: columns at least 20 wide
    );
  },
};
