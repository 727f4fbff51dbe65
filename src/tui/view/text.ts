// Text helpers for rendering into blessed boxes with tags: fixed-width cells
// (measured before colour tags are added), escaping, sparklines, units.
import blessed from 'blessed';
import { humanDuration, humanSize } from '../../engine/format.js';

export const esc = (s: string): string => blessed.escape(s);

/** Cuts or pads `s` to exactly `w` columns (… marks a cut). */
export function cell(s: string, w: number): string {
  if (w <= 0) return '';
  const flat = s.replace(/[\r\n\t]/g, ' ');
  return flat.length > w ? flat.slice(0, Math.max(0, w - 1)) + '…' : flat.padEnd(w);
}

/** Wraps a fixed-width cell in a colour tag. */
export const color = (s: string, fg: string): string => `{${fg}-fg}${esc(s)}{/${fg}-fg}`;

const BARS = '▁▂▃▄▅▆▇█';
/** A unicode sparkline of values scaled to `max` (CPU %: one CPU = 100). */
export function sparkline(values: number[], width: number, max = 100): string {
  const v = values.slice(-width);
  const s = v.map((x) => BARS[Math.min(BARS.length - 1, Math.max(0, Math.floor((x / Math.max(max, 1e-9)) * (BARS.length - 1) + 0.5)))]).join('');
  return s.padStart(width, ' ');
}

export const size = (n: number): string => humanSize(n);

/** "5 minutes" since an RFC3339 time ("" when unknown). */
export function since(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '' : humanDuration(Math.max(0, now - t));
}

/** A byte rate with a unit chosen for its size: [scaled values, "kB/s"]. */
export function scaleBytes(values: number[], perSecond: boolean): { values: number[]; unit: string } {
  const max = Math.max(0, ...values);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (max / 1000 ** i >= 1000 && i < units.length - 1) i++;
  return { values: values.map((v) => v / 1000 ** i), unit: units[i] + (perSecond ? '/s' : '') };
}

/** A list of names for a dialog line: the first few, then how many more ("a, b, c and 3 more"). */
export function names(list: readonly string[], shown = 3): string {
  return list.length <= shown ? list.join(', ') : `${list.slice(0, shown).join(', ')} and ${list.length - shown} more`;
}

/** A stop's wait as a countdown: "SIGKILL in 7s", then "SIGKILL sent". */
export function killIn(killAt: number, now = Date.now()): string {
  const s = Math.ceil((killAt - now) / 1000);
  return s > 0 ? `SIGKILL in ${s}s` : 'SIGKILL sent';
}
