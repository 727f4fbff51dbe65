// The text tabs of the details area rendered to lines: inspect (navigable
// JSON), logs (timestamps, wrap, search highlight), processes, environment,
// mounts. Pure functions: state in, tagged lines out.
import type { LogWindow } from '../model/logs.js';
import type { JsonTree } from '../model/json-tree.js';
import type { LogBuffer, LogLine } from '../model/log-buffer.js';
import type { Theme } from '../theme.js';
import { cell, esc } from './text.js';

export interface LogViewState {
  follow: boolean;
  wrap: boolean;
  timestamps: boolean;
  query: string;
  /** First shown display line when not following. */
  top: number;
  /** The line of the current match (n/N), highlighted. */
  matchSeq?: number;
  /** A search (n: 1, N: -1) made before any line was read (an endpoint's log is a request):
   * it runs when the lines come. */
  searchPending?: 1 | -1;
  /** How far back the log was read (model/logs.ts). */
  window: LogWindow;
}

export function jsonLines(tree: JsonTree, cursor: number, theme: Theme, width: number): string[] {
  return tree.lines.map((l, i) => {
    const marker = l.node ? (l.folded ? '▸ ' : '▾ ') : '  ';
    const text = cell('  '.repeat(l.depth) + marker + l.text, width);
    return i === cursor ? `{${theme.selectedFg}-fg}{${theme.selectedBg}-bg}${esc(text)}{/}` : esc(text);
  });
}

/** A log line's display rows (one, or several when wrapping). */
function logRows(l: LogLine, s: LogViewState, width: number): string[] {
  const prefix = s.timestamps ? `${l.time} ` : '';
  const full = prefix + l.text.replace(/\t/g, '    ');
  if (!s.wrap || full.length <= width) return [full];
  const out: string[] = [];
  for (let i = 0; i < full.length; i += width) out.push(full.slice(i, i + width));
  return out;
}

function highlight(row: string, query: string, color: string): string {
  if (!query) return esc(row);
  const lower = row.toLowerCase(), q = query.toLowerCase();
  let out = '', i = 0;
  for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, i)) {
    out += esc(row.slice(i, at)) + `{${color}-fg}{underline}${esc(row.slice(at, at + q.length))}{/underline}{/${color}-fg}`;
    i = at + q.length;
  }
  return out + esc(row.slice(i));
}

export interface LogRender { lines: string[]; total: number; top: number; matchRow?: number }

/** The visible rows of the log for a `height`-row window. */
export function logWindow(buf: LogBuffer, s: LogViewState, theme: Theme, width: number, height: number): LogRender {
  if (s.follow && s.matchSeq === undefined) return followWindow(buf, s, theme, width, height);
  const rows: Array<{ text: string; seq: number; stream: string }> = [];
  let matchRow: number | undefined;
  for (const l of buf.lines()) {
    if (l.seq === s.matchSeq && matchRow === undefined) matchRow = rows.length;
    for (const r of logRows(l, s, width)) rows.push({ text: r, seq: l.seq, stream: l.stream });
  }
  const maxTop = Math.max(0, rows.length - height);
  const top = s.follow ? maxTop : Math.min(Math.max(0, s.top), maxTop);
  const lines = rows.slice(top, top + height).map((r) => styleRow(r, s, theme, width));
  return { lines, total: rows.length, top, matchRow };
}

/** logWindow while following with no match to place, as on every frame of a followed log:
 * the same result, but only the lines that make the last `height` rows are split and
 * styled; the others are only counted (a 5000-line buffer took ms per frame). */
function followWindow(buf: LogBuffer, s: LogViewState, theme: Theme, width: number, height: number): LogRender {
  const tail: Array<{ text: string; seq: number; stream: string }> = [];
  let i = buf.length - 1;
  for (; i >= 0 && tail.length < height; i--) {
    const l = buf.at(i)!;
    const r = logRows(l, s, width);
    for (let k = r.length - 1; k >= 0; k--) tail.push({ text: r[k], seq: l.seq, stream: l.stream });
  }
  let total = tail.length;
  if (!s.wrap) total += i + 1;
  else for (; i >= 0; i--) total += rowCount(buf.at(i)!, s, width);
  const shown = tail.slice(0, height).reverse();
  return { lines: shown.map((r) => styleRow(r, s, theme, width)), total, top: Math.max(0, total - height) };
}

/** How many rows logRows gives a line, without making them. */
function rowCount(l: LogLine, s: LogViewState, width: number): number {
  let len = (s.timestamps ? l.time.length + 1 : 0) + l.text.length;
  for (let at = l.text.indexOf('\t'); at >= 0; at = l.text.indexOf('\t', at + 1)) len += 3; // a tab is drawn as 4 spaces
  return len <= width ? 1 : Math.ceil(len / width);
}

function styleRow(r: { text: string; seq: number; stream: string }, s: LogViewState, theme: Theme, width: number): string {
  const body = highlight(s.wrap ? r.text : cell(r.text, width).trimEnd(), s.query, theme.match);
  const styled = r.stream === 'stderr' ? `{${theme.state.exited}-fg}${body}{/${theme.state.exited}-fg}` : body;
  return r.seq === s.matchSeq ? `{inverse}${styled}{/inverse}` : styled;
}

const val = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(11, 19) : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v));

/** ps's rows, each row's keys its columns (the engine's ProcessRow, or an API's top titles). */
export function processLines(table: readonly object[], width: number): string[] {
  if (!table.length) return ['(not running: no processes)'];
  const rows = table as ReadonlyArray<Record<string, unknown>>;
  const keys = Object.keys(rows[0]);
  const w = keys.map((k) => Math.min(30, Math.max(String(k).length, ...rows.map((r) => val(r[k]).length))));
  w[w.length - 1] = Math.max(10, width - w.slice(0, -1).reduce((a, b) => a + b + 1, 0));
  const head = keys.map((k, i) => cell(String(k).toUpperCase(), w[i])).join(' ');
  return [`{bold}${esc(head)}{/bold}`, ...rows.map((r) => esc(keys.map((k, i) => cell(val(r[k]), w[i])).join(' ')))];
}

export function envLines(env: string[]): string[] {
  if (!env.length) return ['(no environment variables)'];
  return env.map((e) => {
    const i = e.indexOf('=');
    return i < 0 ? esc(e) : `{bold}${esc(e.slice(0, i))}{/bold}=${esc(e.slice(i + 1))}`;
  });
}

export function mountLines(mounts: Array<Record<string, unknown>>): string[] {
  if (!mounts.length) return ['(no volumes, binds or tmpfs mounts besides the image root)'];
  return mounts.map((m) => esc(`${String(m.Type).padEnd(7)} ${String(m.Name ?? m.Source ?? '').padEnd(30)} → ${m.Destination}${m.RW === false ? '  (ro)' : ''}`));
}
