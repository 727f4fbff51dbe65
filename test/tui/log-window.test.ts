// The followed log's window (drawn on every frame) is exactly the last rows of the
// whole log, however the lines wrap: the fast path that builds only those rows is
// checked against the general one, which lays out every line, scrolled to the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogBuffer } from '../../src/tui/model/log-buffer.js';
import { logWindow, type LogViewState } from '../../src/tui/view/details-text.js';
import { loadTheme } from '../../src/tui/theme.js';

const theme = loadTheme();

function buffer(n: number): LogBuffer {
  const b = new LogBuffer();
  for (let i = 0; i < n; i++) {
    const text = i % 7 === 0 ? '' : i % 5 === 0 ? `tab\there\tand ${'x'.repeat(i % 90)}` : `line ${i} ${'word '.repeat(i % 40)}`;
    b.push(`2026-12-02T07:00:${String(i % 60).padStart(2, '0')}.000000000Z`, i % 3 ? 'stdout' : 'stderr', text);
  }
  return b;
}

test('following: the same rows, total and top as the whole log scrolled to its end', () => {
  for (const n of [0, 1, 3, 40, 700]) {
    const b = buffer(n);
    for (const wrap of [false, true]) for (const timestamps of [false, true]) for (const query of ['', 'here']) {
      for (const [width, height] of [[40, 10], [80, 30], [13, 5], [100, 2000]]) {
        const base: LogViewState = { follow: true, wrap, timestamps, query, top: 0, window: 'tail' };
        const fast = logWindow(b, base, theme, width, height);
        const full = logWindow(b, { ...base, follow: false, top: Number.MAX_SAFE_INTEGER }, theme, width, height);
        const what = `n=${n} wrap=${wrap} ts=${timestamps} q=${query} ${width}×${height}`;
        assert.equal(fast.lines, full.lines, what);
        assert.is(fast.total, full.total, what);
        assert.is(fast.top, full.top, what);
      }
    }
  }
});

test.run();
