// `top`: the processes of a running container (those in its pid namespace),
// with ps -ef's columns, read from /proc of the host.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessRow {
  uid: number;
  pid: number;
  ppid: number;
  cpuPercent: number; // lifetime average, like ps's C column
  startTime: Date;
  tty: string;
  cpuTimeSec: number;
  cmd: string;
}

const HZ = 100; // USER_HZ on Linux x86_64

/** The host pids of the processes in the container's pid namespace (its init's), ascending. */
export function containerPids(initPid: number): number[] {
  const ns = readlinkSync(`/proc/${initPid}/ns/pid`);
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/pid`) === ns) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids.sort((a, b) => a - b);
}

export function listProcesses(initPid: number): ProcessRow[] {
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]);
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const rows: ProcessRow[] = [];
  for (const pid of containerPids(initPid)) {
    const name = String(pid);
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))![1]);
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const cpuTicks = Number(f[11]) + Number(f[12]);
      const startTicks = Number(f[19]);
      const ttyNr = Number(f[4]);
      const age = uptime - startTicks / HZ;
      rows.push({
        uid,
        pid: Number(name),
        ppid: Number(f[1]),
        cpuPercent: age > 0 ? Math.floor((cpuTicks / HZ / age) * 100) : 0,
        startTime: new Date((btime + startTicks / HZ) * 1000),
        tty: ttyNr === 0 ? '?' : ttyName(ttyNr),
        cpuTimeSec: Math.floor(cpuTicks / HZ),
        cmd: argv.length ? argv.join(' ') : `[${comm}]`,
      });
    } catch {
      // the process ended while we looked
    }
  }
  return rows;
}

function ttyName(nr: number): string {
  const major = (nr >> 8) & 0xfff;
  const minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
  return major === 136 ? `pts/${minor}` : `${major}:${minor}`;
}
