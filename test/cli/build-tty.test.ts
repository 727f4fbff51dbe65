// `build --progress tty`: BuildKit's live view, drawn into a fake terminal of
// known size with a clock the test moves. What the screen shows is rebuilt
// from the escape sequences the view writes (cursor up, erase to end of line,
// erase below), so a frame that forgets to clear or to move up shows here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ttyProgress } from '../../src/cli/build-tty.js';

/** A terminal that understands the view's sequences: CSI n A, CSI K, CSI J, \r, \n. */
class Screen {
  lines: string[] = [];
  row = 0;
  constructor(readonly columns: number, readonly rows: number) {}
  write(s: string): void {
    let col = 0;
    for (let i = 0; i < s.length;) {
      const csi = /^\x1b\[(\d*)([AKJ])/.exec(s.slice(i));
      if (csi) {
        if (csi[2] === 'A') this.row = Math.max(0, this.row - Number(csi[1] || 1));
        if (csi[2] === 'K') this.lines[this.row] = (this.lines[this.row] ?? '').slice(0, col);
        if (csi[2] === 'J') this.lines.length = this.row + (col ? 1 : 0);
        i += csi[0].length;
        continue;
      }
      const c = s[i++];
      if (c === '\r') col = 0;
      else if (c === '\n') { this.row++; col = 0; }
      else {
        const l = (this.lines[this.row] ?? '').padEnd(col);
        this.lines[this.row] = l.slice(0, col) + c + l.slice(col + 1);
        col++;
      }
    }
  }
  text(): string { return this.lines.join('\n'); }
}

test('running steps show their timer and last output lines; done steps collapse; the end frame says FINISHED', () => {
  let t = 1000;
  const screen = new Screen(60, 30);
  const v = ttyProgress(screen, () => t);
  v.port.start(1, '[1/3] FROM docker.io/library/bb:latest');
  v.port.done(1);
  v.port.start(2, '[2/3] WORKDIR /app');
  v.port.cached(2);
  v.port.start(3, '[3/3] RUN make');
  for (let i = 1; i <= 8; i++) v.port.output(3, Buffer.from(`line ${i}\n`));
  t += 1500;
  v.port.output(3, Buffer.from('partial'));
  v.port.start(4, '[3/3] RUN make'); // re-drawn by a start: the screen shows the live frame
  let s = screen.text();
  assert.match(s, /^\[\+\] Building 1\.5s \(2\/4\)/);
  assert.match(s, / => CACHED \[2\/3\] WORKDIR \/app +0\.0s/);
  assert.match(s, / => \[3\/3\] RUN make +1\.5s/);
  assert.not.match(s, /# line 2\n/, 'only the last 6 lines');
  for (const l of ['line 4', 'line 8', 'partial']) assert.ok(s.includes(` => => # ${l}`), l);
  v.port.done(3);
  v.port.done(4);
  t += 500;
  v.finish('sha256:abc', ['docker.io/library/app:latest']);
  s = screen.text();
  assert.match(s, /^\[\+\] Building 2\.0s \(4\/4\) FINISHED/);
  assert.not.ok(s.includes('=> => # line'), 'the output of a finished step is collapsed');
  assert.ok(s.includes(' => => naming to docker.io/library/app:latest'));
  for (const l of screen.lines) assert.ok(l.length <= 59, `fits the width: ${l}`);
  assert.is(screen.lines.length, 8, 'no line of an older frame is left below');
});

test('a frame taller than the terminal drops finished steps from the top, never a running one', () => {
  const screen = new Screen(80, 8);
  const v = ttyProgress(screen, () => 0);
  for (let i = 1; i <= 10; i++) { v.port.start(i, `[${i}/11] COPY f${i} /`); v.port.done(i); }
  v.port.start(11, '[11/11] RUN sh');
  v.port.output(11, Buffer.from('a\nb\n'));
  v.port.start(12, 'x'); v.port.done(12); // a start redraws
  assert.ok(screen.lines.length <= 7, screen.text());
  assert.ok(screen.text().includes('[11/11] RUN sh'));
  assert.ok(screen.text().includes(' => => # b'));
  v.finish('sha256:abc', []);
});

test('a failed step: its output is printed after the last frame; control sequences in output never reach the terminal', () => {
  const screen = new Screen(80, 30);
  const v = ttyProgress(screen, () => 0);
  v.port.start(1, '[1/1] RUN false');
  v.port.output(1, Buffer.from('oops\x1b[2J\x1b[1A here\r\nnext\n'));
  v.port.error(1, 'exit code: 1');
  v.fail();
  const s = screen.text();
  assert.match(s, / => ERROR \[1\/1\] RUN false/);
  assert.ok(s.includes('------\n > [1/1] RUN false:\noops here\nnext\n------'), s);
  assert.not.ok(s.includes('\x1b'));
});

test.run();
