// What the sampler hands its subscribers: one typed sample per container per
// tick. Counters are cumulative (as the kernel reports them); rates and
// percentages are computed against the container's previous sample.

export interface CpuSample {
  /** The container's CPU time so far, ns (v1 cpuacct.usage, v2 cpu.stat usage_usec × 1000). */
  usageNs: number;
  /** The host's CPU time so far, ns: the first 7 fields of /proc/stat's "cpu" line. */
  systemNs: number;
  onlineCpus: number;
  /** docker's CPU %: Δusage / Δsystem × onlineCpus × 100 (100% = one CPU fully busy). */
  percent: number;
}

export interface MemorySample {
  /** usage minus inactive file cache (docker's "MEM USAGE"). */
  used: number;
  /** the cgroup's limit, clamped to the host's MemTotal. */
  limit: number;
  percent: number;
}

export interface StatsSample {
  id: string;
  name: string;
  /** false: a stopped container (docker -a shows it with zeros). */
  running: boolean;
  /** Sample time (Date.now()). */
  at: number;
  cpu: CpuSample | null;
  memory: MemorySample | null;
  pids: number | null;
  /** Bytes read/written by the container's processes (block layer). */
  blockIo: { read: number; write: number } | null;
  /** Bytes over the container's network interfaces other than lo (docker's NET I/O). */
  net: { rx: number; tx: number; interfaces: string[] } | null;
}

/** The basis of CPU %, for labels (the TUI and `berth stats` say it). */
export const CPU_PERCENT_BASIS = "docker's formula: Δcontainer CPU / Δhost CPU × online CPUs × 100 (100% = one CPU)";
