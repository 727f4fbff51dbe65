// The stats tab: four line charts (CPU, memory, network, block I/O) of the
// selected container's downsampled history, with units in every title and the
// CPU % basis said plainly. blessed-contrib sizes its canvas when attached, so
// the charts are rebuilt when the area's size changes; its canvas throws on a
// size below its axes' room, so a small area gets fewer charts, or none and a
// line saying why (no window size may break drawing).
import { createRequire } from 'node:module';
import type { LineElement, LineOptions } from 'blessed-contrib';
import type { Widgets } from 'blessed';
import type { Theme } from '../theme.js';
import { StatsHistory } from '../model/stats-history.js';
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

// an empty history draws flat zero lines (a container that is not running)
const emptyHistory = new StatsHistory({ capacity: 1 });

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

  /** Draws the history (top row of the area is left for the caller's summary line);
   * false when the area is too small for any chart. */
  show(h: StatsHistory | undefined, now = Date.now()): boolean {
    const w = Number(this.parent.width), ht = Number(this.parent.height);
    const key = `${w}x${ht}`;
    if (key !== this.size) this.build(w, ht, key);
    if (!this.charts.length) return false;
    for (const c of this.charts) c.show();
    const win = (h ?? emptyHistory).window(CHART_WINDOW_MS, now);
    // no more points than the canvas has pixel pairs: contrib places the last points past
    // the canvas edge when they are closer than 2 px, and extra points carry no information
    const canvasW = Math.floor(w / 2) * 2 - 12;
    const m = Math.max(10, Math.min(win.starts.length, Math.floor((canvasW - 14) / 2)));
    const series = Object.fromEntries(Object.entries(win.series).map(([k, v]) => [k, resample(v, m)])) as typeof win.series;
    const n = m;
    const stepMs = CHART_WINDOW_MS / m;
    // every point has a label ("-9:40"); contrib shows as many as fit
    const x = Array.from({ length: m }, (_, i) => ago((m - 1 - i) * stepMs));
    const mem = scaleBytes(series.mem, false);
    const net = scaleBytes([...series.netRx, ...series.netTx], true);
    const blk = scaleBytes([...series.blkRead, ...series.blkWrite], true);
    const c = this.theme.chart;
    const set = (i: number, label: string, series: Array<{ title: string; y: number[]; color: string }>): void => {
      if (i >= this.charts.length) return; // fewer charts fit
      const chart = this.charts[i] as LineElement & { ctx?: unknown };
      // a label wider than its box wraps into the canvas: narrow charts get the short form
      chart.setLabel(` ${label.length + 4 > Number(chart.width) ? label.replace(/ \(100%.*\)$/, ' (100% = 1 CPU)') : label} `);
      if (!chart.ctx) return; // not attached yet: drawn on the next frame
      chart.setData(series.map((s) => ({ title: s.title, x, y: s.y, style: { line: canvasColor(s.color) as string } })));
    };
    set(0, "CPU % (100% = one CPU, docker's formula)", [{ title: 'cpu', y: series.cpu, color: c.cpu }]);
    set(1, `Memory used (${mem.unit})`, [{ title: 'mem', y: mem.values, color: c.mem }]);
    set(2, `Network (${net.unit})`, [
      { title: 'rx', y: net.values.slice(0, n), color: c.netRx }, { title: 'tx', y: net.values.slice(n), color: c.netTx }]);
    set(3, `Block I/O (${blk.unit})`, [
      { title: 'read', y: blk.values.slice(0, n), color: c.blkRead }, { title: 'write', y: blk.values.slice(n), color: c.blkWrite }]);
    return true;
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
