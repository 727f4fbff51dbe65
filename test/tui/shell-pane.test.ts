// The in-dashboard shell is a terminal: what the program inside draws (colours,
// attributes) reaches the outer terminal, TERM says what the pane understands,
// the real cursor sits where the shell's is, its history scrolls back, and the
// first output is on the pane's first row. Real TUI in tmux, real container.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-shell-');
let pane: TmuxPane;

/** Row index of the details box's top border (its label names the container and tab). */
const detailsTop = (s: string): number => s.split('\n').findIndex((l) => /─ box — shell/.test(l));

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'box', 'bb', 'sleep', '100000']));
  pane = berthPane(t, 120, 40);
});

test.after(() => endTui(t, [pane]));

test('the shell opens with its first output on the first row of the pane', async () => {
  await pane.waitFor((x) => x.includes('Containers — 1 of 1'), 'the list');
  pane.keys('e');
  const s = await pane.waitFor((x) => /─ box — shell/.test(x) && x.includes('/ # '), 'a shell prompt');
  const rows = s.split('\n');
  const top = detailsTop(s);
  // border, the tab line, then the terminal's first row: ash's banner (it prints two
  // newlines first), then the prompt at its place below
  assert.match(rows[top + 2], /^│BusyBox v/, `the first output on the first row:\n${s}`);
  assert.match(rows[top + 5], /^│\/ # /, `the prompt after the banner:\n${s}`);
});

test('TERM inside is xterm-256color', async () => {
  pane.tmux(['send-keys', '-l', 'echo "term=$TERM"']);
  pane.keys('Enter');
  await pane.waitFor((x) => x.includes('term=xterm-256color'), 'TERM in the shell');
});

test('colours and attributes reach the outer terminal', async () => {
  pane.tmux(['send-keys', '-l', 'clear; printf "\\033[31mred\\033[0m \\033[1mbold\\033[0m \\033[4munder\\033[0m \\033[7mrev\\033[0m \\033[38;5;208morange\\033[0m \\033[48;2;135;95;215mtruebg\\033[0m \\033[2mfaint\\033[0m\\n"']);
  pane.keys('Enter');
  await pane.waitFor((x) => /^.*red bold under rev orange truebg faint/m.test(x), 'the printed line');
  const line = pane.screen(true).split('\n').find((l) => l.includes('orange') && !l.includes('printf')) ?? '';
  // tmux writes the changes from the previous cell: the SGR right before each word
  const sgr = (word: string): string => line.slice(0, line.indexOf(word)).split('\x1b[').pop() ?? '';
  const has = (word: string, code: string): void => assert.ok(new RegExp(`(^|;)${code}(;|m)`).test(sgr(word)), `${word} drawn with ${code}: ${JSON.stringify(line)}`);
  has('red', '31');
  has('bold', '1');
  has('under', '4');
  has('rev', '7');
  has('orange', '38;5;208');
  // truecolor (135,95,215) is exactly colour 98 of the 256
  has('truebg', '48;5;98');
  // faint without a colour of its own: grey (bright black, 90)
  has('faint', '90');
});

test('the real cursor follows the shell cursor', async () => {
  pane.tmux(['send-keys', '-l', 'clear']);
  pane.keys('Enter');
  await pane.waitFor((x) => /^│\/ # +│$/.test(x.split('\n')[detailsTop(x) + 2] ?? ''), 'a cleared shell');
  // ash drops what is typed while it is still setting up the next prompt (after `clear`): the
  // text is typed again if it did not show, a shell's race, not the pane's
  const typed = (x: string): boolean => x.split('\n')[detailsTop(x) + 2]?.includes('/ # echo abc') ?? false;
  let s = '';
  for (let attempt = 1; !s; attempt++) {
    pane.tmux(['send-keys', '-l', 'echo abc']);
    try {
      s = await pane.waitFor(typed, 'typed text', attempt < 3 ? 3000 : 20_000);
    } catch (e) {
      if (attempt >= 3) throw e;
      pane.keys('C-u');
    }
  }
  const row = detailsTop(s) + 2;
  const col = s.split('\n')[row].indexOf('/ # echo abc') + '/ # echo abc'.length;
  const where = (): string => pane.tmux(['display-message', '-p', '#{cursor_flag} #{cursor_x} #{cursor_y}']).trim();
  const end = Date.now() + 5000;
  while (where() !== `1 ${col} ${row}` && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.is(where(), `1 ${col} ${row}`, 'cursor shown, after "echo abc"');
  pane.keys('C-u');
});

test('shift-PageUp scrolls back through the shell history; typing returns', async () => {
  pane.tmux(['send-keys', '-l', 'clear; seq 1 300 | sed "s/^/line-/"']);
  pane.keys('Enter');
  await pane.waitFor((x) => x.includes('line-300') && /│\/ # +│$/m.test(x), 'the output and a prompt');
  assert.not.ok(/│line-250 /.test(pane.screen()), 'line-250 is above the pane');
  pane.keys('S-PageUp', 'S-PageUp');
  let s = await pane.waitFor((x) => /│line-250 /.test(x) && !x.includes('line-300') && /lines back in the history/.test(x), 'older lines');
  // the cursor is off the pane while looking back
  assert.is(pane.tmux(['display-message', '-p', '#{cursor_flag}']).trim(), '0', 'cursor hidden while scrolled back');
  pane.keys('S-PageDown', 'S-PageDown', 'S-PageDown');
  s = await pane.waitFor((x) => x.includes('line-300') && !/lines back/.test(x), 'back at the end');
  pane.keys('S-PageUp');
  await pane.waitFor((x) => !x.includes('line-300'), 'scrolled back again');
  pane.tmux(['send-keys', '-l', 'echo back-$((2*21))']);
  pane.keys('Enter');
  s = await pane.waitFor((x) => x.includes('back-42') && !/lines back/.test(x), 'typing returned to the prompt');
  assert.ok(s);
});

test("cursor keys reach the shell in the mode its program asked for, not berth's own", async () => {
  // the key goes only once ash has stopped reading (it takes keys that arrive with its
  // command line into its own buffer, and cat never sees them) and berth's emulator has the
  // mode the printf set: "ready-N", printed after both, on screen means both happened
  pane.tmux(['send-keys', '-l', 'clear; echo ready-$((3*41)); cat -v']);
  pane.keys('Enter');
  await pane.waitFor((x) => /│ready-123 +│/.test(x), 'cat -v started');
  pane.keys('Up', 'Enter');
  await pane.waitFor((x) => /│\^\[\[A +│/.test(x), 'cat -v shows ESC [ A (normal cursor-key mode)');
  // a program switching application mode on (DECCKM, as vim does) gets ESC O A
  pane.keys('C-c');
  pane.tmux(['send-keys', '-l', "clear; printf '\\033[?1h'; echo ready-$((3*42)); cat -v"]);
  pane.keys('Enter');
  await pane.waitFor((x) => /│ready-126 +│/.test(x), 'cat -v started in application mode');
  pane.keys('Up', 'Enter');
  await pane.waitFor((x) => /│\^\[OA +│/.test(x), 'cat -v shows ESC O A (application mode)');
  pane.keys('C-c');
  pane.tmux(['send-keys', '-l', "printf '\\033[?1l'; clear"]);
  pane.keys('Enter');
});

test('leaving the shell and quitting', async () => {
  pane.keys('C-]');
  await pane.waitFor((x) => x.includes('left the shell'), 'left the shell');
  pane.keys('q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
