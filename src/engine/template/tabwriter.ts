// Go's text/tabwriter as docker configures it for tables (minwidth 10, tab
// width 1, padding 3, spaces): tab-terminated cells of contiguous lines form a
// column as wide as its widest cell plus the padding; the text after a line's
// last tab is not part of a column. Widths are display widths, as docker's copy
// of the tabwriter measures them with go-runewidth.

export interface TabOptions { minWidth: number; padding: number }
export const DOCKER_TABLE: TabOptions = { minWidth: 10, padding: 3 };

interface Cell { text: string; width: number }

/** Aligns `text` (lines of tab-terminated cells) as Go's tabwriter followed by Flush. */
export function tabwrite(text: string, opts: TabOptions = DOCKER_TABLE): string {
  const lines: Cell[][] = text.split('\n').map((l) => l.split('\t').map((t) => ({ text: t, width: displayWidth(t) })));
  const out: string[] = [];
  const widths: number[] = [];

  // Go's format(): a column block is the run of lines that have a cell in this column
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row].length - 1) continue;
      writeLines(line0, row);
      line0 = row;
      let width = opts.minWidth;
      for (; row < line1; row++) {
        if (column >= lines[row].length - 1) break;
        width = Math.max(width, lines[row][column].width + opts.padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
    }
    writeLines(line0, line1);
  };
  const writeLines = (line0: number, line1: number): void => {
    for (let row = line0; row < line1; row++) {
      let s = '';
      lines[row].forEach((c, j) => {
        s += c.text;
        if (j < widths.length && j < lines[row].length - 1) s += ' '.repeat(Math.max(0, widths[j] - c.width));
      });
      out.push(s);
    }
  };
  format(0, lines.length);
  return out.join('\n');
}

/** Terminal columns of a string: wide East Asian characters count 2, combining marks 0. */
export function displayWidth(s: string): number {
  // printable ASCII, nearly every cell of a table, is one column a character: the
  // per-character Unicode-property tests below cost ps ~0.1 ms a row
  if (PRINTABLE_ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || /\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const isWide = (cp: number): boolean =>
  (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) || (cp >= 0xac00 && cp <= 0xd7a3)
  || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60)
  || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f900 && cp <= 0x1f9ff)
  || (cp >= 0x20000 && cp <= 0x3fffd);
