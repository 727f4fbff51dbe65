// Live stats from the API's stats stream (`GET /containers/{id}/stats`, one
// document a second pushed by the daemon): one stream per container however
// many subscribers, closed with the last one. The streams tick each on its own
// clock, so samples are held and handed out together once a second, as the
// embedded sampler does: a screen of 40 containers redraws once a second, not 40 times. A stream that ends (the container
// stopped, the connection went) just stops delivering: the watchers' events say
// why, and a later subscribe opens a new one — no error per second.
import type Dockerode from 'dockerode';
import type { StatsSample } from '../../engine/index.js';
import type { StatsSource } from '../types.js';
import { jsonLines } from './channel.js';

interface ApiCpu { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number }
interface ApiStats {
  name?: string;
  cpu_stats?: ApiCpu;
  precpu_stats?: ApiCpu;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

export function toSample(id: string, s: ApiStats, at: number): StatsSample {
  const cpu = s.cpu_stats, pre = s.precpu_stats;
  const usage = cpu?.cpu_usage?.total_usage, system = cpu?.system_cpu_usage;
  const dUsage = (usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0), dSystem = (system ?? 0) - (pre?.system_cpu_usage ?? 0);
  const online = cpu?.online_cpus ?? 1;
  const mem = s.memory_stats;
  // docker's CLI: usage minus the inactive file cache (v1's total_inactive_file, v2's inactive_file)
  const cache = mem?.stats?.total_inactive_file ?? mem?.stats?.inactive_file ?? 0;
  const used = mem?.usage !== undefined ? mem.usage - (cache < mem.usage ? cache : 0) : undefined;
  const io = s.blkio_stats?.io_service_bytes_recursive ?? null;
  const sum = (op: string): number => (io ?? []).filter((e) => e.op.toLowerCase() === op).reduce((a, e) => a + e.value, 0);
  const nets = s.networks ? Object.entries(s.networks) : undefined;
  return {
    id, name: (s.name ?? '').replace(/^\//, ''), running: true, at,
    cpu: usage !== undefined && system !== undefined
      ? { usageNs: usage, systemNs: system, onlineCpus: online, percent: dSystem > 0 && dUsage >= 0 ? (dUsage / dSystem) * online * 100 : 0 }
      : null,
    memory: used !== undefined && mem?.limit ? { used, limit: mem.limit, percent: (used / mem.limit) * 100 } : null,
    pids: s.pids_stats?.current ?? null,
    blockIo: io ? { read: sum('read'), write: sum('write') } : null,
    net: nets ? { rx: nets.reduce((a, [, n]) => a + n.rx_bytes, 0), tx: nets.reduce((a, [, n]) => a + n.tx_bytes, 0), interfaces: nets.map(([k]) => k) } : null,
  };
}

interface Watched { listeners: Set<(s: StatsSample) => void>; ac: AbortController; ended?: boolean; pending?: StatsSample; refused?: string }

const TICK_MS = 1000;

export class ApiStatsSource implements StatsSource {
  private readonly streams = new Map<string, Watched>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly client: () => Dockerode) {}

  subscribe(id: string, listener: (s: StatsSample) => void): () => void {
    let w = this.streams.get(id);
    if (!w) {
      w = { listeners: new Set(), ac: new AbortController() };
      this.streams.set(id, w);
      void this.follow(id, w);
    }
    w.listeners.add(listener);
    this.timer ??= setInterval(() => this.tick(), TICK_MS).unref();
    return () => {
      const x = this.streams.get(id);
      if (!x) return;
      x.listeners.delete(listener);
      if (!x.listeners.size) { x.ac.abort(); this.streams.delete(id); }
      if (!this.streams.size) { clearInterval(this.timer); this.timer = undefined; }
    };
  }

  private tick(): void {
    for (const w of this.streams.values()) {
      const s = w.pending;
      if (!s) continue;
      w.pending = undefined;
      for (const l of w.listeners) l(s);
    }
  }

  /** The container (re)started: a stream that ended with it is opened again for its subscribers. */
  reopen(id: string): void {
    const w = this.streams.get(id);
    if (w?.ended) { w.ended = false; w.refused = undefined; void this.follow(id, w); }
  }

  unavailable(id: string): string | undefined { return this.streams.get(id)?.refused; }

  private async follow(id: string, w: Watched): Promise<void> {
    try {
      const stream = (await this.client().getContainer(id).stats({ stream: true, abortSignal: w.ac.signal } as never)) as unknown as NodeJS.ReadableStream;
      for await (const doc of jsonLines<ApiStats>(stream, w.ac.signal)) {
        w.pending = toSample(id, doc, Date.now());
      }
    } catch (e) {
      // gone, or the connection dropped: no samples (see the header comment); an answer
      // refusing them (an HTTP status) is what this engine cannot do, kept to be shown
      const status = (e as { statusCode?: number }).statusCode;
      if (status && status !== 404 && !w.ac.signal.aborted) w.refused = (e as { json?: { message?: string } }).json?.message ?? (e as Error).message;
    } finally {
      w.ended = true;
    }
  }

  close(): void {
    for (const w of this.streams.values()) w.ac.abort();
    this.streams.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
