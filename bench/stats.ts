// Stats sampling cost and the TUI, on the same idle containers: one berth root
// grows from 0 to 50 to 200 running containers (started in-process through the
// engine: faster than the CLI, and the CLI's start is measured elsewhere); at each
// size the TUI is measured, and at 50 and 200 the sampler's CPU cost. At the
// largest size one more container, the newest (so the TUI selects it and opens its
// logs tab), has written a 50 MB log: the TUI's memory is read with that log open.
import { join } from 'node:path';
import { Engine } from '../src/engine/index.js';
import type { Anchors } from './anchors.js';
import { removeAll, samplerCost, startIdle } from './sampler-cost.js';
import { benchTui } from './tui.js';
import { fmt, has, log, verdict, type Row } from './util.js';
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const LOG_BYTES = 50e6;

/** One more idle container that first writes `bytes` of 100-byte lines to its log; returns when the log holds them. */
async function startLogWriter(engine: Engine, ids: string[], bytes: number): Promise<void> {
  const line = 'berth bench log line '.padEnd(99, '.');
  const rec = await engine.containers.create({ image: 'bb', cmd: ['sh', '-c', `yes '${line}' | head -c ${bytes}; exec sleep 100000`] });
  ids.push(rec.id);
  await engine.containers.start(rec.id);
  const logPath = engine.containers.inspect(rec.id).LogPath as string;
  const size = () => { try { return statSync(logPath).size; } catch { return 0; } };
  const t0 = Date.now();
  // the log file holds each line with its time and stream, so it ends larger than the
  // output: done when it has grown past it and stopped growing
  for (let last = -1; ;) {
    const now = size();
    if (now >= bytes && now === last) return;
    if (Date.now() - t0 > 120_000) throw new Error(`the log of ${rec.id.slice(0, 12)} did not reach ${bytes} bytes in 120 s`);
    last = now;
    await sleep(500);
  }
}

export async function benchStatsAndTui(a: Anchors, opts: { sizes: number[]; seconds: number; keypresses: number; frames: number }): Promise<Row[]> {
  const rows: Row[] = [];
  const root = join(a.tmp, 'berth-stats');
  const engine = Engine.open({ root });
  const ids: string[] = [];
  try {
    await engine.images.import(join(a.bb, 'busybox-rootfs.tar'), 'bb');
    for (const n of opts.sizes) {
      log(`stats/tui at ${n} containers`);
      const withLog = n === Math.max(...opts.sizes) && n > 0;
      await startIdle(engine, n - ids.length - (withLog ? 1 : 0), ids);
      if (withLog) await startLogWriter(engine, ids, LOG_BYTES);
      if (n > 0) {
        try {
          const c = await samplerCost(engine, ids, opts.seconds);
          rows.push({ section: 'stats', what: `sampler CPU, ${n} containers at 1 Hz`, value: `${c.perCtrPerSecUs.toFixed(0)} µs per container per s (${c.percentOfCpu.toFixed(2)} % of one CPU)`, note: `${c.samples} samples in ${c.seconds} s` });
        } catch (e) {
          rows.push({ section: 'stats', what: `sampler CPU, ${n} containers`, value: 'failed', note: String(e).split('\n')[0].slice(0, 200) });
        }
      }
      if (!has('tmux')) { rows.push({ section: 'tui', what: `TUI at ${n}`, value: 'skipped', note: 'tmux not installed' }); continue; }
      try {
        const t = await benchTui(root, { idleSeconds: opts.seconds, keypresses: opts.keypresses, frames: opts.frames });
        rows.push({ section: 'tui', what: `time to first frame, ${n} containers (tmux new-session → screen)`, value: fmt(t.firstFrame),
          note: `${verdict(t.firstFrame.med <= 500, 'target ≤ 500 ms')}; floor (a pane printing the header at once) ${fmt(t.floor)}` });
        rows.push({ section: 'tui', what: `first frame drawn, ${n} containers (berth's own: process start → drawn)`, value: fmt(t.inProcess) });
        rows.push({ section: 'tui', what: `keypress (j/k) to screen, ${n} containers`, value: t.keypress ? fmt(t.keypress) : 'n/a',
          note: t.keypress ? `${verdict(t.keypress.med <= 50, 'target ≤ 50 ms')}; ${t.keypress.n} presses; floor (a pane that moves its row at once, the same polling) ${t.keypressFloor ? fmt(t.keypressFloor) : 'n/a'}` : 'fewer than 2 rows' });
        if (n >= 200 && t.keypress) {
          rows.push({ section: 'tui', what: `target: keypress ≤ 30 ms median, ${n} containers (issue 21)`, value: `${t.keypress.med.toFixed(0)} ms`,
            note: `${verdict(t.keypress.med <= 30, 'target ≤ 30 ms')}${t.keypressFloor ? `; ${(t.keypress.med - t.keypressFloor.med).toFixed(0)} ms above the floor` : ''}` });
        }
        rows.push({ section: 'tui', what: `TUI memory, ${n} containers${withLog ? `, the selected one's ${LOG_BYTES / 1e6} MB log open` : ''}`,
          // the issue's 100 MB are bytes × 10^6, as its 50 MB log is: 95.4 MiB
          value: `RSS ${t.rssMiB.toFixed(0)} MiB, peak ${t.peakRssMiB.toFixed(0)} MiB (${(t.peakRssMiB * 1.048576).toFixed(0)} MB)`, note: withLog && n >= 200 ? verdict(t.peakRssMiB * 1.048576 <= 100, 'target peak ≤ 100 MB (issue 21)') : undefined });
        rows.push({ section: 'tui', what: `idle CPU, ${n} containers`, value: `${t.idleCpuPct.toFixed(1)} % of one CPU`,
          note: `${n === 200 ? verdict(t.idleCpuPct <= 2, 'target ≤ 2 % at 200') + '; ' : ''}over ${opts.seconds} s` });
      } catch (e) {
        rows.push({ section: 'tui', what: `TUI at ${n}`, value: 'failed', note: String(e).split('\n')[0].slice(0, 200) });
      }
    }
  } finally {
    await removeAll(engine, ids);
  }
  return rows;
}
