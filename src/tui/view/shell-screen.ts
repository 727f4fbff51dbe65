// Draws a headless xterm's rows as blessed content with every cell's colours
// and attributes. Each run of equal cells becomes one SGR sequence: blessed
// parses SGR in content itself (its own tags turn into the same), so 16- and
// 256-colour cells pass as they are and truecolor ones go to the nearest of
// the 256 (blessed's cells hold a palette index; its own nearest-colour match
// weighs the 16 themable colours in and turns a violet magenta). blessed's cells have bold,
// underline, blink, reverse and invisible but no dim or italic: dim is drawn as
// grey when the cell has no colour of its own, italic as upright text.
import type { IBufferCell, IBufferLine } from '@xterm/headless';
import { esc } from './text.js';

/** Palette index for dim text without a colour (bright black, grey on every palette). */
const DIM_FG = 8;

/** xterm's 6×6×6 cube levels. */
const CUBE = [0, 95, 135, 175, 215, 255];

/** The palette index (16..255: the cube and the grey ramp, whose values are fixed, unlike
 * the first 16) nearest to an RGB colour. */
export function nearest256(r: number, g: number, b: number): number {
  const level = (v: number): number => {
    let best = 0;
    for (let i = 1; i < 6; i++) if (Math.abs(CUBE[i] - v) < Math.abs(CUBE[best] - v)) best = i;
    return best;
  };
  const [ri, gi, bi] = [level(r), level(g), level(b)];
  const dist = (x: number, y: number, z: number): number => (x - r) ** 2 + (y - g) ** 2 + (z - b) ** 2;
  const cube = 16 + 36 * ri + 6 * gi + bi;
  const cubeDist = dist(CUBE[ri], CUBE[gi], CUBE[bi]);
  // greys: 8, 18, …, 238
  const gi2 = Math.max(0, Math.min(23, Math.round(((r + g + b) / 3 - 8) / 10)));
  const grey = 8 + 10 * gi2;
  return dist(grey, grey, grey) < cubeDist ? 232 + gi2 : cube;
}

/** One colour as SGR parameters (`base` 30 for fg, 40 for bg), or '' for the default. */
function colour(mode: 'fg' | 'bg', c: IBufferCell): string {
  const [isDefault, isPalette, isRGB, value] = mode === 'fg'
    ? [c.isFgDefault(), c.isFgPalette(), c.isFgRGB(), c.getFgColor()]
    : [c.isBgDefault(), c.isBgPalette(), c.isBgRGB(), c.getBgColor()];
  const ext = mode === 'fg' ? 38 : 48;
  if (isDefault) return '';
  if (isRGB) return `${ext};5;${nearest256((value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff)}`;
  if (isPalette) return `${ext};5;${value}`;
  return '';
}

/** The SGR sequence that draws `c` (from the box's defaults: 0 first). */
export function sgrOf(c: IBufferCell): string {
  const p = ['0'];
  if (c.isBold()) p.push('1');
  if (c.isUnderline()) p.push('4');
  if (c.isBlink()) p.push('5');
  if (c.isInverse()) p.push('7');
  if (c.isInvisible()) p.push('8');
  const fg = colour('fg', c);
  const bg = colour('bg', c);
  if (fg) p.push(fg);
  else if (c.isDim()) p.push(`38;5;${DIM_FG}`);
  if (bg) p.push(bg);
  return `\x1b[${p.join(';')}m`;
}

/** One terminal row as content: text escaped for blessed's tags, SGR where the attributes
 * change, reset at the end. Trailing default blanks are left out (the box clears them); an
 * empty row is one blank, as blessed drops a leading empty line of content, which would
 * move every row below it (and the cursor) up by one. */
export function cellLine(line: IBufferLine | undefined, cols: number, cell: IBufferCell): string {
  if (!line) return ' ';
  // the last cell that draws something: a non-blank or a coloured/inverse blank
  let end = 0;
  for (let x = 0; x < Math.min(cols, line.length); x++) {
    const c = line.getCell(x, cell);
    if (!c) break;
    if (c.getChars() !== '' && c.getChars() !== ' ') end = x + 1;
    else if (!c.isBgDefault() || c.isInverse()) end = x + 1;
  }
  let out = '';
  let cur = '\x1b[0m';
  let run = '';
  for (let x = 0; x < end; x++) {
    const c = line.getCell(x, cell)!;
    if (c.getWidth() === 0) continue; // the right half of a wide character
    const sgr = sgrOf(c);
    if (sgr !== cur) {
      out += esc(run);
      run = '';
      out += sgr;
      cur = sgr;
    }
    run += c.getChars() || ' ';
  }
  out += esc(run);
  return cur === '\x1b[0m' ? out || ' ' : out + '\x1b[0m';
}
