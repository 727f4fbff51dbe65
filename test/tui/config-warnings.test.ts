// A config file's mistakes are warnings, not a refusal to start: a theme that
// does not exist is reported like broken JSON, and two actions on one key (one
// of them unreachable) are named at start-up. Real TUI in tmux.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthLine, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-config-');
const home = mkdtempSync(join(tmpdir(), 'berth-test-tui-xdg-'));
const file = join(home, 'berth', 'config.json');
let pane: TmuxPane;
let runs = 0;

test.before(() => {
  mkdirSync(join(home, 'berth'));
  pane = new TmuxPane(200, 30, { XDG_CONFIG_HOME: home });
});

test.after(() => endTui(t, [pane], () => rmSync(home, { recursive: true, force: true })));

/** Runs berth with `config` and returns its first screen once `what` shows. */
async function startWith(config: object, pred: (s: string) => boolean, what: string): Promise<string> {
  writeFileSync(file, JSON.stringify(config));
  runs++;
  pane.type(`clear; ${berthLine(t, '', `-${runs}`)}`);
  return pane.waitFor((x) => x.includes('Containers — 0 of 0') && pred(x), what);
}

async function quit(): Promise<void> {
  pane.keys('q');
  await pane.waitFor((x) => x.includes(`EXITED-${runs} 0`), 'berth quit');
}

test('a theme the config names but does not exist: a warning, the dark theme, berth runs', async () => {
  const s = await startWith({ theme: 'no-such-theme' }, (x) => x.includes('no theme "no-such-theme"'), 'the theme warning');
  assert.ok(s.includes(file), 'the warning names the config file');
  assert.ok(s.includes('dark theme used'));
  await quit();
});

test('a remapped key that hides another action is reported, naming both', async () => {
  const s = await startWith({ keys: { quit: ['j'] } }, (x) => x.includes('key conflict'), 'the conflict warning');
  assert.match(s, /key conflict: "j" is bound to list\.down and global\.quit/);
  // quit is still reachable by command
  pane.keys(':', 'q', 'Enter');
  await pane.waitFor((x) => x.includes(`EXITED-${runs} 0`), 'berth quit by :q');
});

test('two actions of one context on one key are reported', async () => {
  const s = await startWith({ keys: { 'containers.stop': ['l'] } }, (x) => x.includes('key conflict'), 'the conflict warning');
  assert.match(s, /key conflict: "l" is bound to containers\.logs and containers\.stop/);
  await quit();
});

test('custom commands under no view, or without a command: reported, the others kept', async () => {
  const s = await startWith({ customCommands: { container: [{ name: 'a', command: 'true' }], images: [{ name: 'b' }, { name: 'ok', command: 'true' }] } },
    (x) => x.includes('customCommands'), 'the warnings');
  assert.match(s, /customCommands\.container: no such view; customCommands\.images: an entry without "name" and "command" \(ignored\)/);
  pane.keys('2', '!');
  await pane.waitFor((x) => /1 ok/.test(x), 'the good entry is offered');
  pane.keys('Escape');
  await quit();
});

test('the default keymap starts without warnings', async () => {
  const s = await startWith({}, () => true, 'the first frame');
  await new Promise((r) => setTimeout(r, 500));
  assert.not.ok(pane.screen().includes('key conflict'), s);
  await quit();
});

test.run();
