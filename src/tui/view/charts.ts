// The stats tab: four line charts (CPU, memory, network, block I/O) of the
// selected container's downsampled history, with units in every title and the
// CPU % basis said plainly. blessed-contrib sizes its canvas when attached, so
// the charts are rebuilt when the area's size changes; its canvas throws on a
// size below its axes' room, so a small area gets fewer charts, or none and a
// line saying why (no window size may break drawing). The x axis starts where
// the history does (time before the first sample is not drawn as 0 %); the y
// axis has even steps with its top labelled (niceScale) and reaches the memory
// limit and CPU quota, which are drawn as lines of their own.
import { createRequire } from 'node:module';
import type { LineElement, LineOptions } from 'blessed-contrib';
import type { Widgets } from 'blessed';
import type { Theme } from '../theme.js';
import type { StatsHistory } from '../model/stats-history.js';
import { scaleBytes } from './text.js';

/** The smallest chart contrib draws without throwing, with room for its labels. */
const MIN_W = 24, MIN_H = 5;

/** How many charts fit in a w×h area (the top row is the caller's): 4 in a 2×2 grid, 2 side by side, 1, or 0. */
export function chartGrid(w: number, h: number): { cols: number; rows: number } {
  const cw = Math.floor(w / 2), body = h - 1;
  if (cw >= MIN_W && Math.floor(body / 2) >= MIN_H + 1) return { cols: 2, rows: 2 };
  if (cw >= MIN_W && body >= MIN_H) return { cols: 2, rows: 1 };
  if (w >= MIN_W && body >= MIN_H) return { cols: 1, rows: 1 };
  return { cols: 0, rows: 0 };
}

/** The charts show 10 minutes (300 buckets of 2 s). */
export const CHART_WINDOW_MS = 10 * 60 * 1000;

/** A container's limits in the charts' units: bytes, and % of one CPU (100 = one CPU). */
export interface ChartLimits { memory?: number; cpuPercent?: number }

/** The y axis for values up to `max`: a step of 1, 2, 2.5 or 5 × 10^k and at most 4 steps, so
 * the ticks are even and the top one is a round number (all zero: a 0–1 axis). */
export function niceScale(max: number): { top: number; step: number; steps: number } {
  if (!(max > 0)) return { top: 1, step: 0.25, steps: 4 };
  for (let k = Math.floor(Math.log10(max / 4)) - 1; ; k++) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * 10 ** k;
      const steps = Math.ceil(max / step - 1e-9);
      if (steps <= 4) return { top: Number((steps * step).toPrecision(12)), step, steps: Math.max(1, steps) };
    }
  }
}

// only the line widget, and only when the stats tab first opens: all of blessed-contrib
// costs more start-up time than the rest of the first frame
let lineFactory: ((o: LineOptions) => LineElement) | undefined;
function line(o: LineOptions): LineElement {
  lineFactory ??= createRequire(import.meta.url)('blessed-contrib/lib/widget/charts/line') as (o: LineOptions) => LineElement;
  return lineFactory(o);
}

const BASIC = new Set(['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white']);
/** The chart canvas knows only the 8 basic names or RGB triples: map a theme colour to one. */
export function canvasColor(c: string): string | [number, number, number] {
  if (c === 'default') return 'normal'; // the terminal's own colour: reads on dark and light alike
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const base = c.replace(/^(bright|light)-?/, '');
  if (BASIC.has(base)) return base;
  if (base === 'gray' || base === 'grey') return [128, 128, 128];
  return 'white';
}

/** Averages `v` down to `m` points (each the mean of its share of the input). */
export function resample(v: number[], m: number): number[] {
  if (v.length <= m) return v;
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    const a = Math.floor((i * v.length) / m), b = Math.max(a + 1, Math.floor(((i + 1) * v.length) / m));
    let sum = 0;
    for (let j = a; j < b; j++) sum += v[j];
    out.push(sum / (b - a));
  }
  return out;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  return s === 0 ? 'now' : `-${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export class ChartsPanel {
  private charts: LineElement[] = [];
  private size = '';

  constructor(private readonly parent: Widgets.BoxElement, private theme: Theme) {}

  setTheme(t: Theme): void { this.theme = t; this.destroy(); }

  hide(): void { for (const c of this.charts) c.hide(); }

  destroy(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
    this.size = '';
  }

  /** Draws the history (top row of the area is left for the caller's summary line): 'small'
   * when the area is too small for any chart, 'no data' when nothing was sampled in the window. */
  show(h: StatsHistory | undefined, now = Date.now(), limits: ChartLimits = {}): 'drawn' | 'small' | 'no data' {
    const w = Number(this.parent.width), ht = Number(this.parent.height);
    const key = `${w}x${ht}`;
    if (key !== this.size) this.build(w, ht, key);
    if (!this.charts.length) return 'small';
    // no sample in the window: say so, rather than draw zeros that were never measured
    const last = h?.lastStart();
    if (!h || last === undefined || last < now - CHART_WINDOW_MS) { this.hide(); return 'no data'; }
    for (const c of this.charts) c.show();
    // from the first sample on: the time before it was not measured, not idle
    const windowMs = Math.max(h.bucketMs * 10, Math.min(CHART_WINDOW_MS, h.span(now) + h.bucketMs));
    const win = h.window(windowMs, now);
    // no more points than the canvas has pixel pairs: contrib places the last points past
    // the canvas edge when they are closer than 2 px, and extra points carry no information
    const canvasW = Math.floor(w / 2) * 2 - 12;
    const m = Math.max(10, Math.min(win.starts.length, Math.floor((canvasW - 14) / 2)));
    const series = Object.fromEntries(Object.entries(win.series).map(([k, v]) => [k, resample(v, m)])) as typeof win.series;
    const n = series.cpu.length;
    const stepMs = windowMs / n;
    // every point has a label ("-9:40"); contrib shows as many as fit
    const x = Array.from({ length: n }, (_, i) => ago((n - 1 - i) * stepMs));
    const mem = scaleBytes([...series.mem, limits.memory ?? 0], false);
    const memTop = mem.values.pop();
    const memLimit = limits.memory ? memTop : undefined;
    const net = scaleBytes([...series.netRx, ...series.netTx], true);
    const blk = scaleBytes([...series.blkRead, ...series.blkWrite], true);
    const c = this.theme.chart;
    const flat = (v: number): number[] => new Array<number>(n).fill(v);
    const set = (i: number, label: string, lines: Array<{ title: string; y: number[]; color: string }>): void => {
      if (i >= this.charts.length) return; // fewer charts fit
      const chart = this.charts[i] as LineElement & { ctx?: unknown; canvasSize?: { height: number }; options: { maxY?: number; numYLabels: number } };
      // a label wider than its box wraps into the canvas: narrow charts get the short form
      chart.setLabel(` ${label.length + 4 > Number(chart.width) ? label.replace(/ \(100%.*?\)/, '') : label} `);
      if (!chart.ctx) return; // not attached yet: drawn on the next frame
      // even ticks up to a round top, which is labelled. contrib labels 0, maxY/numYLabels, …
      // while below maxY, and draws at maxY two pixels above its canvas (line.js getYPixel,
      // 11 px of axis room): so maxY sits far enough above the top tick for its label to land
      // on the canvas, and numYLabels makes contrib's increment exactly our step
      const scale = niceScale(Math.max(0, ...lines.flatMap((l) => l.y)));
      const plot = Math.max(4, (chart.canvasSize?.height ?? 40) - 11);
      chart.options.maxY = scale.top / (1 - 3 / plot);
      chart.options.numYLabels = chart.options.maxY / scale.step;
      chart.setData(lines.map((l) => ({ title: l.title, x, y: l.y, style: { line: canvasColor(l.color) as string } })));
    };
    const quota = limits.cpuPercent;
    set(0, `CPU % (100% = one CPU, docker's formula)${quota ? ` — quota ${Number(quota.toFixed(1))}%` : ''}`,
      [{ title: 'cpu', y: series.cpu, color: c.cpu }, ...(quota ? [{ title: 'quota', y: flat(quota), color: c.axis }] : [])]);
    set(1, `Memory used (${mem.unit})${memLimit !== undefined ? ` — limit ${Number(memLimit.toPrecision(3))} ${mem.unit}` : ''}`,
      [{ title: 'mem', y: mem.values, color: c.mem }, ...(memLimit !== undefined ? [{ title: 'limit', y: flat(memLimit), color: c.axis }] : [])]);
    set(2, `Network (${net.unit})`, [
      { title: 'rx', y: net.values.slice(0, n), color: c.netRx }, { title: 'tx', y: net.values.slice(n), color: c.netTx }]);
    set(3, `Block I/O (${blk.unit})`, [
      { title: 'read', y: blk.values.slice(0, n), color: c.blkRead }, { title: 'write', y: blk.values.slice(n), color: c.blkWrite }]);
    return 'drawn';
  }

  private build(w: number, h: number, key: string): void {
    this.destroy();
    this.size = key;
    const g = chartGrid(w, h);
    const cw = Math.floor(w / g.cols), ch = Math.floor((h - 1) / g.rows);
    const pos = [[1, 0], [1, cw], [1 + ch, 0], [1 + ch, cw]].slice(0, g.cols * g.rows);
    // appended after construction: the canvas is sized on its "attach" event, which a
    // `parent` option would fire before contrib's listener exists
    this.charts = pos.map(([top, left], i) => line({
      top, left, width: i % 2 || g.cols === 1 ? w - left : cw, height: ch,
      border: { type: 'line' }, showLegend: i >= 2, legend: { width: 8 }, xLabelPadding: 3, xPadding: 5,
      numYLabels: 4, wholeNumbersOnly: false, abbreviate: true, label: '',
      style: { line: canvasColor(this.theme.chart.cpu) as string, text: canvasColor(this.theme.fg) as string, baseline: canvasColor(this.theme.chart.axis) as string, border: { fg: this.theme.border } },
    }));
    for (const c of this.charts) this.parent.append(c);
  }
}
