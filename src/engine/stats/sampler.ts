// One sampler for every container and every subscriber: a single timer reads,
// per tick, /proc/stat once and each subscribed container's kept-open files
// once, and hands the same typed sample to all of that container's listeners.
// A container whose cgroup goes away has its files closed; it is looked up
// again (a restart makes new cgroups) at most every few ticks.
import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { ContainerFiles, type RawCounters } from './container-files.js';
import { cpuPercent, parseMemTotal, parseProcStat } from './parse.js';
import type { StatsSample } from './types.js';

/** What the sampler needs to know about a container (from the engine's records). */
export interface StatsTarget {
  id: string;
  name: string;
  running: boolean;
  initPid: number;
  cgroupPaths: string[];
  /** It has a network namespace of its own (not --network host or container:NAME): docker counts
   * NET I/O over a container's own endpoints only, and shows 0B / 0B for the others. */
  ownNetns: boolean;
}

export type StatsListener = (sample: StatsSample) => void;

interface Watched {
  target: StatsTarget;
  files?: ContainerFiles;
  prev?: { usageNs: number; systemNs: number };
  listeners: Set<StatsListener>;
  /** Ticks until the next lookup of a stopped container. */
  recheckIn: number;
}

const RECHECK_TICKS = 5;

export class StatsSampler {
  private readonly watched = new Map<string, Watched>();
  private timer?: NodeJS.Timeout;
  private readonly buf = Buffer.allocUnsafe(64 * 1024);
  private readonly procStat = openSync('/proc/stat', 'r');
  private readonly memTotal = parseMemTotal(readFileSync('/proc/meminfo', 'utf8'));

  /** `lookup` resolves a container ID to its current run (undefined: removed). */
  constructor(private readonly lookup: (id: string) => StatsTarget | undefined, readonly intervalMs = 1000) {}

  /** Starts delivering samples of container `id` to `listener` (first after one interval: CPU %
   * needs two readings). Returns the unsubscribe function. */
  subscribe(id: string, listener: StatsListener): () => void {
    let w = this.watched.get(id);
    if (!w) {
      const target = this.lookup(id);
      if (!target) throw new Error(`no such container: ${id}`);
      w = { target, listeners: new Set(), recheckIn: RECHECK_TICKS };
      this.watched.set(id, w);
      this.sampleOne(w, this.systemCpu()); // the baseline for the first CPU %
    }
    w.listeners.add(listener);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    return () => this.unsubscribe(id, listener);
  }

  unsubscribe(id: string, listener: StatsListener): void {
    const w = this.watched.get(id);
    if (!w) return;
    w.listeners.delete(listener);
    if (w.listeners.size === 0) {
      w.files?.close();
      this.watched.delete(id);
    }
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Samples of one container as an async iterable, until `signal` aborts or it is removed. */
  async *stream(id: string, signal?: AbortSignal): AsyncIterable<StatsSample> {
    const queue: StatsSample[] = [];
    let wake: (() => void) | undefined;
    const off = this.subscribe(id, (s) => { queue.push(s); wake?.(); });
    const onAbort = (): void => wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      while (!signal?.aborted) {
        if (!queue.length) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        while (queue.length) yield queue.shift()!;
        if (!this.watched.has(id)) return;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      off();
    }
  }

  private isClosed = false;
  /** True after close(): the engine then makes a new sampler on the next stats(). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Stops everything (closes every kept file). */
  close(): void {
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.watched.values()) w.files?.close();
    this.watched.clear();
    try { closeSync(this.procStat); } catch { /* closed */ }
  }

  private systemCpu(): { systemNs: number; onlineCpus: number } {
    // only the first lines matter; 4 KiB holds "cpu" and the cpuN lines of small hosts,
    // and the count of cpuN lines is what docker's OnlineCPUs gives
    const n = readSync(this.procStat, this.buf, 0, this.buf.length, 0);
    return parseProcStat(this.buf.toString('latin1', 0, n));
  }

  private tick(): void {
    const sys = this.systemCpu();
    for (const [id, w] of [...this.watched]) {
      const sample = this.sampleOne(w, sys);
      if (!sample) {
        // removed: tell the listeners nothing more will come
        for (const l of w.listeners) this.unsubscribe(id, l);
        continue;
      }
      for (const l of [...w.listeners]) l(sample);
    }
  }

  /** Reads one container; undefined once it no longer exists. */
  private sampleOne(w: Watched, sys: { systemNs: number; onlineCpus: number }): StatsSample | undefined {
    if (!w.files && (w.target.running || --w.recheckIn <= 0)) {
      w.recheckIn = RECHECK_TICKS;
      const t = this.lookup(w.target.id);
      if (!t) return undefined;
      w.target = t;
      if (t.running) w.files = ContainerFiles.open(t.cgroupPaths, t.initPid, t.ownNetns);
    }
    const raw = w.files?.read(this.buf);
    if (w.files && !raw) {
      // the cgroup went away (exit, rm, restart): close, look again next tick
      w.files.close();
      w.files = undefined;
      w.prev = undefined;
      w.target = { ...w.target, running: false };
      w.recheckIn = 1;
    }
    return this.toSample(w, raw, sys);
  }

  private toSample(w: Watched, raw: RawCounters | undefined, sys: { systemNs: number; onlineCpus: number }): StatsSample {
    const base = { id: w.target.id, name: w.target.name, at: Date.now() };
    if (!raw) return { ...base, running: false, cpu: null, memory: null, pids: null, blockIo: null, net: null };
    let cpu: StatsSample['cpu'] = null;
    if (raw.usageNs !== null) {
      const percent = w.prev ? cpuPercent(w.prev.usageNs, raw.usageNs, w.prev.systemNs, sys.systemNs, sys.onlineCpus) : 0;
      cpu = { usageNs: raw.usageNs, systemNs: sys.systemNs, onlineCpus: sys.onlineCpus, percent };
      w.prev = { usageNs: raw.usageNs, systemNs: sys.systemNs };
    }
    let memory: StatsSample['memory'] = null;
    if (raw.memUsage !== null) {
      const used = Math.max(0, raw.memUsage - (raw.inactiveFile ?? 0));
      const limit = Math.min(raw.memLimit ?? Infinity, this.memTotal);
      memory = { used, limit, percent: limit > 0 ? (used / limit) * 100 : 0 };
    }
    return { ...base, running: true, cpu, memory, pids: raw.pids, blockIo: raw.blockIo, net: raw.net };
  }
}
