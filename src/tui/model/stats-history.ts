// Stats history for charts: samples averaged into fixed-width time buckets
// (downsampling), kept in a ring, so an hour of history costs a few thousand
// numbers per container whatever the sample rate. Cumulative counters (net and
// block I/O bytes) become rates between consecutive samples.
import type { StatsSample } from '../../engine/index.js';

export type Series = 'cpu' | 'mem' | 'netRx' | 'netTx' | 'blkRead' | 'blkWrite';
export const SERIES: readonly Series[] = ['cpu', 'mem', 'netRx', 'netTx', 'blkRead', 'blkWrite'];

export interface Bucket {
  /** Bucket start (ms since the epoch, a multiple of bucketMs). */
  start: number;
  /** Averages over the samples that fell in the bucket. */
  values: Record<Series, number>;
  count: number;
}

export class Ring<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private size = 0;
  constructor(readonly capacity: number) { this.items = new Array(capacity); }
  push(v: T): void {
    this.items[(this.head + this.size) % this.capacity] = v;
    if (this.size < this.capacity) this.size++;
    else this.head = (this.head + 1) % this.capacity;
  }
  get length(): number { return this.size; }
  at(i: number): T | undefined { return i < 0 || i >= this.size ? undefined : this.items[(this.head + i) % this.capacity]; }
  last(): T | undefined { return this.at(this.size - 1); }
  toArray(): T[] { const out: T[] = []; for (let i = 0; i < this.size; i++) out.push(this.at(i)!); return out; }
}

export interface HistoryOptions {
  /** Width of one bucket (default 2 s: 10 minutes = 300 points). */
  bucketMs?: number;
  /** Buckets kept (default 1800: one hour at 2 s). */
  capacity?: number;
  /** Raw recent values kept for row sparklines. */
  recent?: number;
}

export class StatsHistory {
  readonly bucketMs: number;
  private readonly buckets: Ring<Bucket>;
  /** The last few raw CPU % values (the list's sparkline). */
  readonly recentCpu: Ring<number>;
  private prev?: StatsSample;
  latest?: StatsSample;

  constructor(o: HistoryOptions = {}) {
    this.bucketMs = o.bucketMs ?? 2000;
    this.buckets = new Ring(o.capacity ?? 1800);
    this.recentCpu = new Ring(o.recent ?? 12);
  }

  add(s: StatsSample): void {
    const values: Record<Series, number> = {
      cpu: s.cpu?.percent ?? 0,
      mem: s.memory?.used ?? 0,
      netRx: rate(this.prev, s, (x) => x.net?.rx),
      netTx: rate(this.prev, s, (x) => x.net?.tx),
      blkRead: rate(this.prev, s, (x) => x.blockIo?.read),
      blkWrite: rate(this.prev, s, (x) => x.blockIo?.write),
    };
    this.prev = s.running ? s : undefined;
    this.latest = s;
    this.recentCpu.push(values.cpu);
    const start = Math.floor(s.at / this.bucketMs) * this.bucketMs;
    const last = this.buckets.last();
    if (last && last.start === start) {
      // running average: the bucket is the mean of its samples
      for (const k of SERIES) last.values[k] += (values[k] - last.values[k]) / (last.count + 1);
      last.count++;
    } else {
      this.buckets.push({ start, values, count: 1 });
    }
  }

  /** The buckets of the last `windowMs` (oldest first), with empty buckets for gaps
   * filled as zeros so the x axis stays linear in time. */
  window(windowMs: number, now = Date.now()): { starts: number[]; series: Record<Series, number[]> } {
    const n = Math.max(1, Math.round(windowMs / this.bucketMs));
    const end = Math.floor(now / this.bucketMs) * this.bucketMs;
    const first = end - (n - 1) * this.bucketMs;
    const series = Object.fromEntries(SERIES.map((k) => [k, new Array<number>(n).fill(0)])) as Record<Series, number[]>;
    const starts = Array.from({ length: n }, (_, i) => first + i * this.bucketMs);
    for (let i = this.buckets.length - 1; i >= 0; i--) {
      const b = this.buckets.at(i)!;
      if (b.start < first) break;
      const idx = (b.start - first) / this.bucketMs;
      if (idx >= n) continue;
      for (const k of SERIES) series[k][idx] = b.values[k];
    }
    return { starts, series };
  }

  /** How far back the kept history reaches (ms). */
  span(now = Date.now()): number {
    const first = this.buckets.at(0);
    return first ? now - first.start : 0;
  }

  get bucketCount(): number { return this.buckets.length; }

  /** Start of the newest bucket (undefined: nothing sampled yet). */
  lastStart(): number | undefined { return this.buckets.last()?.start; }
}

function rate(prev: StatsSample | undefined, cur: StatsSample, get: (s: StatsSample) => number | undefined): number {
  if (!prev) return 0;
  const a = get(prev), b = get(cur);
  const dt = (cur.at - prev.at) / 1000;
  if (a === undefined || b === undefined || dt <= 0 || b < a) return 0; // counter reset (restart)
  return (b - a) / dt;
}
