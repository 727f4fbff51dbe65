// Terminal panes beyond the exec shell, in the real TUI in tmux on real
// containers: custom commands from the config (templated with the row's fields,
// run on the host in a pty, a hostile label never run as code), `a` attaching
// to a container's main process (tty: its terminal; no tty: its output and a
// line for its stdin) with ctrl-p ctrl-q leaving it running, the list of open
// panes with the key that cycles them and the mark on rows that have one.
// The same script at 160×45 and at 80×24.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui, listRows } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-panes-');
const home = mkdtempSync(join(tmpdir(), 'berth-test-tui-panes-home-'));
const pwned = join(home, 'pwned');
let pane: TmuxPane;

const config = {
  customCommands: {
    containers: [
      // a program that wants a terminal: tty(1) names it, read waits for a line from the keyboard
      { name: 'whoisit', command: `sh -c 'echo "name=$1 id=$2"; tty; read x; echo "got=$x"' sh {{.Name}} {{ .Container.ID }}` },
      { name: 'label', command: `echo "label=[{{index .Labels "x"}}]"` },
      // berth inside the command reaches the same root (BERTH_ROOT)
      { name: 'ps', command: `node -- ${berthBin} ps --format "ps-row {{"{{"}}.Names}}"` },
    ],
    images: [{ name: 'tagof', command: 'echo image={{.Name}}' }],
  },
};

const rowOf = (s: string, name: string): string => listRows(s).find((l) => new RegExp(`[ »]${name} `).test(l)) ?? '';

test.before(() => {
  mkdirSync(join(home, 'berth'), { recursive: true });
  writeFileSync(join(home, 'berth', 'config.json'), JSON.stringify(config));
  t.ok(['import', busyboxTar(), 'bb']);
  // a label whose value is shell code: a custom command must print it, never run it
  t.seen.push(t.ok(['run', '-d', '--network', 'none', '--name', 'box', '--label', `x=$(touch ${pwned})`, 'bb', 'sleep', '100000']));
  t.seen.push(t.ok(['run', '-d', '-it', '--network', 'none', '--name', 'tty', 'bb', 'sh']));
  t.seen.push(t.ok(['run', '-d', '-i', '--network', 'none', '--name', 'cat', 'bb', 'sh', '-c', 'while read l; do echo "got:$l"; done; echo stdin-closed']));
});

test.after(() => endTui(t, [pane], () => rmSync(home, { recursive: true, force: true })));

/** Selects container `name` with the filter. */
async function select(name: string): Promise<void> {
  pane.keys('Escape', 'Escape', '/', ...name.split(''), 'Enter');
  await pane.waitFor((x) => /Containers — 1 of 3/.test(x) && rowOf(x, name) !== '', `${name} alone in the list`);
}

for (const [w, h] of [[160, 45], [80, 24]] as const) {
  test(`${w}×${h}: ! lists the custom commands; one runs on the host in a pty with the row's fields`, async () => {
    pane?.kill();
    pane = berthPane(t, w, h, { env: { XDG_CONFIG_HOME: home } });
    await pane.waitFor((x) => x.includes('Containers — 3 of 3'), 'the list');
    if (w === 160) {
      // the help overlay (generated from the keymap) names the new keys
      pane.keys('?');
      await pane.waitFor((x) => /O +(\S+ +)?open panes/.test(x) && /` +(\S+ +)?into the next open pane/.test(x), 'the pane keys in the help');
      pane.keys(...Array(12).fill('j'));
      await pane.waitFor((x) => /! +(\S+ +)?custom commands for this kind of row/.test(x), 'the custom commands key in the help');
      pane.keys(...Array(12).fill('j'));
      await pane.waitFor((x) => /a +(\S+ +)?attach to the container's main process/.test(x), 'the attach key in the help');
      pane.keys('Escape');
    }
    await select('box');
    pane.keys('!');
    await pane.waitFor((x) => x.includes('Custom commands — Containers') && /1 whoisit/.test(x) && /2 label/.test(x), 'the menu');
    pane.keys('Enter');
    const id = t.ok(['inspect', '-f', '{{.Id}}', 'box']);
    await pane.waitFor((x) => x.includes(`name=box id=${id.slice(0, 12)}`) && /\/dev\/pts\/\d+/.test(x), 'the fields and a terminal');
    pane.tmux(['send-keys', '-l', 'hello']);
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('got=hello') && x.includes('[exited with 0]'), 'the typed line, and the end');
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('whoisit on box ended with 0') && x.includes('Containers — 1 of 3'), 'back in the list');
  });

  test(`${w}×${h}: a label's shell code fills a word and is never run`, async () => {
    pane.keys('!', '2');
    await pane.waitFor((x) => x.includes(`label=[$(touch ${pwned.slice(0, 20)}`) && x.includes('[exited with 0]'), 'the label printed as text');
    assert.not.ok(existsSync(pwned), 'the label was not run');
    pane.keys('q');
    pane.keys('!', '3');
    await pane.waitFor((x) => /ps-row box/.test(x) && /ps-row tty/.test(x) && x.includes('[exited with 0]'), 'berth ps inside reached this root');
    pane.keys('q');
    await pane.waitFor((x) => !x.includes('ps-row'), 'the pane closed');
  });

  test(`${w}×${h}: custom commands per kind: the images view has its own`, async () => {
    pane.keys('2', '!');
    await pane.waitFor((x) => x.includes('Custom commands — Images') && /1 tagof/.test(x) && !x.includes('whoisit'), 'the images menu');
    pane.keys('1');
    await pane.waitFor((x) => x.includes('image=bb:latest') && x.includes('[exited with 0]'), 'the image tag');
    pane.keys('q', '1');
    await pane.waitFor((x) => x.includes('Containers — 1 of 3'), 'back to containers');
  });

  test(`${w}×${h}: a attaches to a tty container's main process; ctrl-p ctrl-q detaches, it keeps running`, async () => {
    await select('tty');
    pane.keys('a');
    await pane.waitFor((x) => /─ tty — attach/.test(x) && x.includes('/ # '), 'the container\'s own shell prompt');
    pane.tmux(['send-keys', '-l', 'echo attached-$((6*7))']);
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('attached-42'), 'its output');
    // the main process is sh: it is the container, no exec'd process answers
    pane.tmux(['send-keys', '-l', 'echo pid=$$']);
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('pid=1'), 'pid 1 answered');
    pane.keys('C-p', 'C-q');
    const s = await pane.waitFor((x) => x.includes('detached from tty: it keeps running'), 'detached');
    assert.match(rowOf(s, 'tty'), /running/);
    assert.is(t.ok(['inspect', '-f', '{{.State.Running}}', 'tty']), 'true');
  });

  test(`${w}×${h}: a container without a tty: its output, and typed lines to its stdin`, async () => {
    await select('cat');
    pane.keys('a');
    await pane.waitFor((x) => /─ cat — attach/.test(x) && /no tty: typed lines go to its stdin/.test(x), 'the attach pane');
    pane.tmux(['send-keys', '-l', 'ping']);
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('got:ping'), 'the line reached it and its answer came back');
    // leaving keeps the attachment; the list marks the row and the pane list has it
    pane.keys('C-]');
    let s = await pane.waitFor((x) => x.includes('left the attachment (attach cat)'), 'left the pane');
    assert.match(rowOf(s, 'cat'), /»cat/, `the row is marked:\n${s}`);
    pane.keys('Escape', '/', 'Enter');
    await pane.waitFor((x) => x.includes('Containers — 3 of 3'), 'every row');
    await select('box');
    pane.keys('e');
    await pane.waitFor((x) => /─ box — shell/.test(x) && x.includes('/ # '), 'a shell in box');
    pane.keys('C-]');
    pane.keys('O');
    s = await pane.waitFor((x) => x.includes('Open panes') && /attach tty/.test(x) === false && /1 attach cat/.test(x) && /2 sh in box/.test(x), 'the list of open panes');
    assert.not.ok(s.includes('whoisit'), 'ended panes are gone from the list');
    pane.keys('Escape', '`');
    await pane.waitFor((x) => /─ cat — attach/.test(x), 'the cycle key enters the first pane after the last one');
    pane.keys('C-]', '`');
    await pane.waitFor((x) => /─ box — shell/.test(x), 'and then the next');
    // ctrl-d on an empty line: EOF to the container's stdin, as a terminal's
    pane.keys('C-]', '`');
    await pane.waitFor((x) => /─ cat — attach/.test(x), 'back in cat');
    pane.keys('C-d');
    await pane.waitFor((x) => x.includes('stdin-closed') && x.includes('[the container exited with 0]'), 'the container saw EOF and ended');
    pane.keys('Enter');
    await pane.waitFor((x) => x.includes('attach cat ended with 0'), 'back in the list');
    t.ok(['start', 'cat']);
    // leave: the shell ends with berth
    pane.keys('q');
    await pane.waitFor((x) => x.includes('EXITED 0'), 'berth quit');
  });
}

test.run();
