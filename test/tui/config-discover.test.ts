// Configuration a user can find: the help overlay names every action as the
// config's "keys" remaps it, `berth tui --print-config` prints every setting
// and action's keys (a file to start from), the theme shown can be saved from
// the TUI, and the default theme draws no text a light terminal cannot show.
// Real TUI in tmux, 160×45 and 80×24.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-config-');
const xdg = mkdtempSync(join(tmpdir(), 'berth-test-xdg-'));
const file = join(xdg, 'berth', 'config.json');
let pane: TmuxPane | undefined;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['run', '-d', '--name', 'paint', 'bb', 'sleep', '100000']));
  t.seen.push(t.ok(['create', '--name', 'idle', 'bb', 'true']));
  mkdirSync(join(xdg, 'berth'));
  writeFileSync(file, JSON.stringify({ keys: { stop: ['f5'] }, mouse: false }));
});

test.after(() => endTui(t, [pane], () => rmSync(xdg, { recursive: true, force: true })));

const open = (w: number, h: number): TmuxPane => {
  pane?.kill();
  pane = berthPane(t, w, h, { env: { XDG_CONFIG_HOME: xdg } });
  return pane;
};

test('--print-config: every setting and every action\'s keys, by name; its output is a config berth takes', () => {
  const r = spawnSync(process.execPath, ['--', berthBin, 'tui', '--print-config'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: xdg } });
  assert.is(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout) as { theme: string; mouse: boolean; refreshMs: number; keys: Record<string, string[]> };
  assert.is(c.theme, 'dark');
  assert.is(c.mouse, false, 'the file\'s setting');
  assert.is(c.refreshMs, 1000, 'a default');
  assert.equal(c.keys['containers.stop'], ['f5'], 'the remapped key');
  assert.equal(c.keys['list.forceRemove'], ['D']);
  assert.equal(c.keys['global.theme.save'], []);
  assert.ok(Object.keys(c.keys).length > 60, 'every action');
  assert.match(r.stderr, new RegExp(`read from ${file}`));
  // fed back as the config file, it is taken without a warning
  const back = join(xdg, 'printed');
  mkdirSync(join(back, 'berth'), { recursive: true });
  writeFileSync(join(back, 'berth', 'config.json'), r.stdout);
  const again = spawnSync(process.execPath, ['--', berthBin, 'tui', '--print-config'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: back } });
  assert.is(again.stdout, r.stdout);
  assert.not.match(again.stderr, /berth: /, again.stderr);
});

test('the help overlay names each action as the config remaps it (160×45 and 80×24)', async () => {
  for (const [w, h] of [[160, 45], [80, 24]]) {
    const p = open(w, h);
    await p.waitFor((x) => x.includes('paint'), 'the list');
    p.keys('?');
    let s = await p.waitFor((x) => x.includes('Help'), 'the help');
    assert.match(s, /q ctrl-c +global\.quit +quit/);
    // further down: scroll to the containers' own actions
    for (let i = 0; i < 40 && !/f5 +containers\.stop/.test(s); i++) {
      p.keys('j', 'j', 'j', 'j', 'j');
      s = await p.waitFor(() => true, 'a frame');
      await new Promise((r) => setTimeout(r, 100));
      s = p.screen();
    }
    assert.match(s, /f5 +containers\.stop +stop/, `the remapped stop, by name, at ${w}×${h}:\n${s}`);
    p.keys('Escape', 'q');
    await p.waitFor((x) => x.includes('EXITED 0'), 'quit');
  }
});

test('a theme chosen in the TUI is saved to the config file, keeping the rest', async () => {
  const p = open(160, 45);
  await p.waitFor((x) => x.includes('paint'), 'the list');
  p.keys(':', ...'theme light'.split(''), 'Enter');
  await p.waitFor((x) => x.includes('theme light (:theme.save keeps it)'), 'the light theme');
  p.keys(':', ...'theme.save'.split(''), 'Enter');
  await p.waitFor((x) => x.includes(`theme light saved in ${file}`), 'saved');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')), { keys: { stop: ['f5'] }, mouse: false, theme: 'light' });
  p.keys('q');
  await p.waitFor((x) => x.includes('EXITED 0'), 'quit');
  const r = spawnSync(process.execPath, ['--', berthBin, 'tui', '--print-config'], { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: xdg } });
  assert.is((JSON.parse(r.stdout) as { theme: string }).theme, 'light', 'the next start uses it');
  writeFileSync(file, JSON.stringify({ keys: { stop: ['f5'] }, mouse: false }));
});

/** Every visible character's foreground and background (SGR state replayed from tmux's -e capture). */
function cells(screen: string): Array<{ ch: string; fg: string; bg: string }> {
  const out: Array<{ ch: string; fg: string; bg: string }> = [];
  let fg = 'default', bg = 'default';
  const re = /\x1b\[([0-9;]*)m|([^\x1b\n])/g;
  for (let m = re.exec(screen); m; m = re.exec(screen)) {
    if (m[2] !== undefined) { if (m[2] !== ' ') out.push({ ch: m[2], fg, bg }); continue; }
    const p = (m[1] || '0').split(';').map(Number);
    for (let i = 0; i < p.length; i++) {
      const n = p[i];
      if (n === 0) { fg = 'default'; bg = 'default'; }
      else if (n === 39) fg = 'default';
      else if (n === 49) bg = 'default';
      else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) fg = String(n);
      else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) bg = String(n);
      else if (n === 38 || n === 48) {
        const v = p[i + 1] === 5 ? `5;${p[i + 2]}` : `2;${p[i + 2]};${p[i + 3]};${p[i + 4]}`;
        i += p[i + 1] === 5 ? 2 : 4;
        if (n === 38) fg = v; else bg = v;
      }
    }
  }
  return out;
}

test('the default theme puts no white or yellow text on the terminal\'s own background (light terminals)', async () => {
  const p = open(160, 45);
  await p.waitFor((x) => x.includes('paint') && x.includes('idle'), 'the list');
  // white, bright white, yellow, bright yellow, and their 256-colour forms
  const unreadable = new Set(['37', '97', '33', '93', '5;7', '5;15', '5;3', '5;11', '5;226', '5;231']);
  for (const view of ['1', '2', '3', '4']) {
    p.keys(view);
    await new Promise((r) => setTimeout(r, 400));
    const bad = cells(p.screen(true)).filter((c) => c.bg === 'default' && unreadable.has(c.fg));
    assert.equal(bad.map((c) => `${c.ch}:${c.fg}`).slice(0, 20), [], `view ${view}: text a light background hides`);
  }
  p.keys('q');
  await p.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
