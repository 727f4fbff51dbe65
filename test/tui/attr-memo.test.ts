// blessed's per-line attributes are kept between renders (view/attr-memo.ts): a frame
// after the content or the style changed must draw the same cells as a fresh element
// given that content and style at once. blessed reads them for the first line shown, so
// the boxes are scrolled by one line: that line's colour is what the line above left open.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import { memoizeLineAttrs } from '../../src/tui/view/attr-memo.js';

memoizeLineAttrs();

function screen(): Widgets.Screen {
  const output = Object.assign(new PassThrough(), { columns: 30, rows: 8, isTTY: true });
  return blessed.screen({ input: new PassThrough(), output, terminal: 'xterm-256color', warnings: false, fullUnicode: true });
}

/** The cells' attributes and characters of a box of `content` in `fg`. */
function drawn(s: Widgets.Screen, box: Widgets.BoxElement): string {
  s.render();
  const lines = (s as unknown as { lines: Array<Array<[number, string]>> }).lines;
  const top = Number(box.atop);
  return [0, 1, 2].map((y) => lines[top + y].slice(0, 12).map(([a, c]) => `${a}:${c}`).join(' ')).join('\n');
}

// the first line opens a colour and leaves it open: the next lines start in it
const OPEN = '{red-fg}ab\ncd\nef\ngh';
const CLOSED = '{red-fg}ab{/red-fg}\ncd\nef\ngh';

test('a changed content, or a changed style, draws as a fresh element would', () => {
  const s = screen();
  const box = (top: number, content: string, style: { fg: string; bg?: string }): Widgets.BoxElement => {
    const b = blessed.box({ parent: s, top, left: 0, width: 14, height: 3, tags: true, scrollable: true, alwaysScroll: true, content, style });
    s.render(); // blessed scrolls only what it has laid out
    b.scrollTo(1);
    assert.is(b.childBase, 1);
    return b;
  };
  const kept = box(0, OPEN, { fg: 'white' });
  drawn(s, kept); // a second frame of the same content: the kept attributes are used
  kept.setContent(CLOSED);
  let fresh = box(3, CLOSED, { fg: 'white' });
  assert.equal(drawn(s, kept), drawn(s, fresh));
  // the two contents do draw differently (else the check above would prove nothing)
  kept.setContent(OPEN);
  assert.not.equal(drawn(s, kept), drawn(s, fresh));

  // the style alone changes (a focused pane's colours): the line left red takes the new background
  kept.style.bg = 'blue';
  fresh.destroy();
  fresh = box(3, OPEN, { fg: 'white', bg: 'blue' });
  assert.equal(drawn(s, kept), drawn(s, fresh));
  s.destroy();
});

test.run();
