// A view's rows as text: sorted by a column when asked, one header line and one
// line per row, fitted to the pane's width the way k9s does it: columns shrink
// toward their minimum and then drop, least important first, so every row stays
// one line at any width.
// Colours come from the theme; marks and selection are added by the list pane.
import type { Column, RenderCtx, Table, View } from '../views/view.js';
import { cell, color, esc } from './text.js';
import { compareText } from '../../engine/compare.js';

export type { Table };

type Fit = Pick<Column<unknown>, 'width' | 'min' | 'drop' | 'flex'>;

/** Each column's width in `width` characters (one space between columns), or undefined when dropped. */
export function fitColumns(cols: readonly Fit[], width: number): Array<number | undefined> {
  const on = cols.map(() => true);
  let w = cols.map((c) => c.width);
  const total = (): number => w.reduce((a, x, i) => (on[i] ? a + x + 1 : a), -1);
  // least important first; among equals, the rightmost
  const order = cols.map((_, i) => i).sort((a, b) => cols[b].drop - cols[a].drop || b - a);
  /** Preferred widths, then shrunk toward their minimums (the droppable ones, or all). */
  const shrink = (all: boolean): void => {
    w = cols.map((c) => c.width);
    for (const i of order) if (on[i] && (all || cols[i].drop > 0) && total() > width) w[i] = Math.max(cols[i].min ?? cols[i].width, w[i] - (total() - width));
  };
  shrink(false);
  // a column goes before a column that never drops (a name) is cut
  for (const i of order) if (total() > width && cols[i].drop > 0) { on[i] = false; shrink(false); }
  if (total() > width) shrink(true);
  // still too wide (a very narrow window): the last column shown is cut to what is left
  for (let i = cols.length - 1; i >= 0 && total() > width; i--) {
    if (!on[i]) continue;
    w[i] = Math.max(1, w[i] - (total() - width));
    if (total() > width && i > 0) on[i] = false;
  }
  const flex = cols.findIndex((c, i) => c.flex && on[i]);
  if (flex >= 0 && total() < width) w[flex] += width - total();
  return w.map((x, i) => (on[i] ? x : undefined));
}

/** `items` ordered by column `sort.col` (its sort key, else its text). Stable: ties keep the model's order. */
export function sortRows<T>(view: View<T>, ctx: RenderCtx, items: T[], sort?: { col: number; desc: boolean }): T[] {
  const col = sort && view.columns[sort.col];
  if (!sort || !col) return items;
  const key = (x: T): string | number => (col.sort ? col.sort(x, ctx) : col.text(x, col.width, ctx));
  const cmp = (a: string | number, b: string | number): number => (typeof a === 'number' && typeof b === 'number' ? a - b : compareText(String(a), String(b)));
  return items.map((x) => ({ x, k: key(x) })).sort((a, b) => (sort.desc ? -1 : 1) * cmp(a.k, b.k)).map((e) => e.x);
}

/** The table for `items` of `view`; `sort` marks the sorted column's header. */
export function buildTable<T>(view: View<T>, ctx: RenderCtx, items: T[], width: number, sort?: { col: number; desc: boolean }): Table<T> {
  const w = fitColumns(view.columns, width);
  const shown = view.columns.map((c, i) => ({ c, w: w[i], i })).filter((x): x is { c: Column<T>; w: number; i: number } => x.w !== undefined);
  const header = shown.map(({ c, w: cw, i }) => cell(sort?.col === i ? `${c.title}${sort.desc ? '↓' : '↑'}` : c.title, cw)).join(' ').trimEnd();
  const rows: string[] = [];
  const row = (i: number): string => (rows[i] ??= shown.map(({ c, w: cw }) => {
    const text = cell(c.text(items[i], cw, ctx), cw);
    const fg = c.color?.(items[i], ctx.theme);
    return fg ? color(text, fg) : esc(text);
  }).join(' '));
  return { header: esc(header), row, items, keys: items.map((x) => view.rowKey(x)) };
}
