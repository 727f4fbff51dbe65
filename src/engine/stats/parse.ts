// Parsers for the kernel files the sampler reads (pure: tested on fixed text).

/** /proc/stat: the host's total CPU time in ns (user+nice+system+idle+iowait+irq+softirq, as
 * docker's getSystemCPUUsage) and the number of "cpuN" lines (online CPUs). */
export function parseProcStat(text: string, clkTck = 100): { systemNs: number; onlineCpus: number } {
  const first = text.slice(0, text.indexOf('\n'));
  const f = first.trim().split(/\s+/);
  if (f[0] !== 'cpu') throw new Error('/proc/stat: no "cpu" line');
  let ticks = 0;
  for (let i = 1; i <= 7; i++) ticks += Number(f[i] ?? 0);
  const onlineCpus = (text.match(/^cpu\d+ /gm) ?? []).length;
  return { systemNs: (ticks * 1e9) / clkTck, onlineCpus };
}

/** docker's CPU %: Δcontainer / Δsystem × online CPUs × 100; 0 when either delta is not positive. */
export function cpuPercent(prevUsageNs: number, usageNs: number, prevSystemNs: number, systemNs: number, onlineCpus: number): number {
  const dc = usageNs - prevUsageNs, ds = systemNs - prevSystemNs;
  return dc > 0 && ds > 0 ? (dc / ds) * onlineCpus * 100 : 0;
}

/** "key value" lines (memory.stat, cpu.stat): the value of `key`, or undefined. */
export function keyValue(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** A single-number file; "max" (cgroup2) is Infinity. */
export function singleValue(text: string): number {
  const t = text.trim();
  return t === 'max' ? Infinity : Number(t);
}

/** v1 blkio.throttle.io_service_bytes[_recursive]: "8:0 Read N" lines, summed over devices. */
export function parseBlkioV1(text: string): { read: number; write: number } {
  let read = 0, write = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 3) continue;
    if (f[1] === 'Read') read += Number(f[2]);
    else if (f[1] === 'Write') write += Number(f[2]);
  }
  return { read, write };
}

/** v2 io.stat: "8:0 rbytes=N wbytes=N rios=..." lines, summed over devices. */
export function parseIoStatV2(text: string): { read: number; write: number } {
  let read = 0, write = 0;
  for (const m of text.matchAll(/\brbytes=(\d+)/g)) read += Number(m[1]);
  for (const m of text.matchAll(/\bwbytes=(\d+)/g)) write += Number(m[1]);
  return { read, write };
}

/** /proc/<pid>/net/dev: rx/tx bytes summed over interfaces other than lo (docker counts the
 * container's endpoints, never its loopback). */
export function parseNetDev(text: string): { rx: number; tx: number; interfaces: string[] } {
  let rx = 0, tx = 0;
  const interfaces: string[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    rx += Number(f[0]);
    tx += Number(f[8]);
    interfaces.push(name);
  }
  return { rx, tx, interfaces };
}

/** MemTotal from /proc/meminfo, bytes. */
export function parseMemTotal(text: string): number {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(text);
  if (!m) throw new Error('/proc/meminfo: no MemTotal');
  return Number(m[1]) * 1024;
}
