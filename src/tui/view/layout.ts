// The screen's boxes: view tabs on top, the list, the details area (its tab
// line and content), a prompt line, the status line, and one overlay box for
// help, confirmations, the run form and pull progress. The app fills them with
// text; nothing here knows about containers.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import type { Theme } from '../theme.js';

export interface Layout {
  screen: Widgets.Screen;
  tabs: Widgets.BoxElement;
  list: Widgets.BoxElement;
  details: Widgets.BoxElement;
  detailsTabs: Widgets.BoxElement;
  content: Widgets.BoxElement;
  prompt: Widgets.BoxElement;
  status: Widgets.BoxElement;
  overlay: Widgets.BoxElement;
}

export function buildLayout(screen: Widgets.Screen, theme: Theme): Layout {
  const base = { tags: true, style: { fg: theme.fg, bg: theme.bg } };
  const tabs = blessed.box({ parent: screen, top: 0, left: 0, width: '100%', height: 1, ...base });
  const list = blessed.box({
    parent: screen, top: 1, left: 0, width: '100%', height: '40%-1', border: { type: 'line' }, ...base,
    style: { ...base.style, border: { fg: theme.border }, label: { fg: theme.title } },
  });
  const details = blessed.box({
    parent: screen, top: '40%', left: 0, width: '100%', height: '60%-1', border: { type: 'line' }, ...base,
    style: { ...base.style, border: { fg: theme.border }, label: { fg: theme.title } },
  });
  const detailsTabs = blessed.box({ parent: details, top: 0, left: 0, width: '100%-2', height: 1, ...base });
  const content = blessed.box({ parent: details, top: 1, left: 0, width: '100%-2', height: '100%-3', ...base });
  const prompt = blessed.box({ parent: screen, bottom: 1, left: 0, width: '100%', height: 1, hidden: true, ...base });
  const status = blessed.box({ parent: screen, bottom: 0, left: 0, width: '100%', height: 1, tags: true, style: { fg: theme.statusFg, bg: theme.statusBg } });
  const overlay = blessed.box({
    parent: screen, top: 'center', left: 'center', width: '70%', height: '70%', hidden: true, border: { type: 'line' }, ...base,
    style: { ...base.style, border: { fg: theme.focusBorder }, label: { fg: theme.title } },
  });
  return { screen, tabs, list, details, detailsTabs, content, prompt, status, overlay };
}

/** Gives the list the rows it needs (border and header included), between 40 % and 60 % of
 * the screen, and the details the rest: at 80×24 eight containers still fit, and a short
 * list leaves the details as big as before. */
export function splitList(L: Layout, wanted: number): void {
  const avail = Math.max(2, Number(L.screen.height) - 2); // view tabs above, status line below
  const h = Math.max(Math.min(wanted, Math.floor(avail * 0.6)), Math.floor(avail * 0.4), Math.min(avail - 1, 3));
  if (L.list.height === h) return;
  L.list.height = h;
  L.details.top = 1 + h;
  L.details.height = Math.max(1, avail - h);
}

/** Inner size of a bordered box (what text fits). */
export function inner(b: Widgets.BoxElement): { width: number; height: number } {
  const w = typeof b.width === 'number' ? b.width : Number(b.width);
  const h = typeof b.height === 'number' ? b.height : Number(b.height);
  return { width: Math.max(1, w - Number(b.iwidth ?? 0)), height: Math.max(1, h - Number(b.iheight ?? 0)) };
}
