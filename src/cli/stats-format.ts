// docker stats' cells from one sample: CPU % and MEM % with two decimals, memory
// in binary units (go-units BytesSize, "%.4g"), network and block I/O in decimal
// units (HumanSizeWithPrecision, "%.3g"). A stopped container shows zeros.
import type { StatsSample } from '../engine/index.js';

/** Go's %.Ng: N significant digits, trailing zeros dropped. */
const g = (v: number, digits: number): string => {
  const s = v.toPrecision(digits);
  return s.includes('e') ? String(Number(s)) : s.includes('.') ? s.replace(/\.?0+$/, '') : s;
};

function custom(size: number, base: number, units: string[], digits: number): string {
  let i = 0;
  while (size >= base && i < units.length - 1) { size /= base; i++; }
  return `${g(size, digits)}${units[i]}`;
}

export const binarySize = (n: number): string => custom(n, 1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'], 4);
export const decimalSize = (n: number): string => custom(n, 1000, ['B', 'kB', 'MB', 'GB', 'TB', 'PB'], 3);

/** The fields of docker's `stats --format` (and of `--format json`). */
export interface StatsRow {
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export function statsRow(s: StatsSample): StatsRow {
  const id = s.id.slice(0, 12);
  const pair = (a: number, b: number, f: (n: number) => string): string => `${f(a)} / ${f(b)}`;
  // docker's key order (its JSON is the sorted methods of StatsEntry)
  return {
    BlockIO: s.blockIo ? pair(s.blockIo.read, s.blockIo.write, decimalSize) : '0B / 0B',
    CPUPerc: `${(s.cpu?.percent ?? 0).toFixed(2)}%`,
    Container: id,
    ID: id,
    MemPerc: `${(s.memory?.percent ?? 0).toFixed(2)}%`,
    MemUsage: s.memory ? pair(s.memory.used, s.memory.limit, binarySize) : '0B / 0B',
    Name: s.name,
    NetIO: s.net ? pair(s.net.rx, s.net.tx, decimalSize) : '0B / 0B',
    PIDs: String(s.pids ?? 0),
  };
}

/** docker's default stats table and its column names. */
export const STATS_FORMAT = {
  defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}',
  header: {
    Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT',
    MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS',
  },
};
