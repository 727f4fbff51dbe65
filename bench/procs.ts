// Process lookups for the density and TUI figures: find our own processes by
// executable and a path only our run uses (never other runs' containers), and
// read their memory (RSS, and PSS which shares the binary's pages fairly).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

export function findProcs(exeName: string, cmdlineHas: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (basename(readlinkSync(`/proc/${d}/exe`)) !== exeName) continue;
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(cmdlineHas)) pids.push(Number(d));
    } catch { /* gone, or a kernel thread */ }
  }
  return pids;
}

/** { rss, pss } in KiB, summed over pids. */
export function memKiB(pids: number[]): { rss: number; pss: number } {
  let rss = 0, pss = 0;
  for (const p of pids) {
    try {
      const t = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0);
    } catch { /* gone */ }
  }
  return { rss, pss };
}

/** utime+stime of a process in clock ticks (100 Hz), fields 14 and 15 of /proc/PID/stat. */
export function cpuTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
