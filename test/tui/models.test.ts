// Unit tests of the TUI's models: stats downsampling, the bounded log buffer,
// event tailing, the keymap and its generated help, config, inputs, JSON folds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatsHistory, Ring } from '../../src/tui/model/stats-history.js';
import { LogBuffer } from '../../src/tui/model/log-buffer.js';
import { JsonTree } from '../../src/tui/model/json-tree.js';
import { Keymap, DEFAULT_KEYMAP, keyName } from '../../src/tui/keys.js';
import { loadConfig, configPath } from '../../src/tui/config.js';
import { LineInput } from '../../src/tui/view/line-input.js';
import { emptyRunFields, splitWords, toCreateOptions, type RunFields } from '../../src/tui/model/run-spec.js';
import { resample, chartGrid } from '../../src/tui/view/charts.js';
import { fitColumns } from '../../src/tui/view/tables.js';
import { rowFilter } from '../../src/tui/view/filter.js';
import { loadTheme, themeNames } from '../../src/tui/theme.js';
import { Layout } from '../../src/engine/store/layout.js';
import { watchEvents, emitEvent, type EngineEvent } from '../../src/engine/events/index.js';
import type { StatsSample } from '../../src/engine/index.js';

const sample = (at: number, cpu: number, rx = 0, mem = 0): StatsSample => ({
  id: 'x', name: 'x', running: true, at,
  cpu: { usageNs: 0, systemNs: 0, onlineCpus: 2, percent: cpu },
  memory: { used: mem, limit: 1e9, percent: 0 }, pids: 1,
  blockIo: { read: 0, write: 0 }, net: { rx, tx: 0, interfaces: ['eth0'] },
});

test('ring keeps the newest items up to its capacity', () => {
  const r = new Ring<number>(3);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.equal(r.toArray(), [3, 4, 5]);
  assert.is(r.last(), 5);
});

test('stats history averages samples into buckets and keeps gaps as zeros', () => {
  const h = new StatsHistory({ bucketMs: 2000, capacity: 100 });
  const t0 = 1_000_000_000_000; // a multiple of 2000
  h.add(sample(t0, 10));
  h.add(sample(t0 + 1000, 30)); // same bucket: mean 20
  h.add(sample(t0 + 6000, 50)); // two empty buckets in between
  const w = h.window(8000, t0 + 6000);
  assert.equal(w.series.cpu, [20, 0, 0, 50]);
  assert.equal(w.starts, [t0, t0 + 2000, t0 + 4000, t0 + 6000]);
});

test('stats history turns cumulative counters into rates and survives a counter reset', () => {
  const h = new StatsHistory({ bucketMs: 1000 });
  const t0 = 2_000_000_000_000;
  h.add(sample(t0, 0, 1000));
  h.add(sample(t0 + 1000, 0, 3000)); // 2000 B in 1 s
  h.add(sample(t0 + 2000, 0, 10));   // restarted container: counters went down
  const w = h.window(3000, t0 + 2000);
  assert.equal(w.series.netRx, [0, 2000, 0]);
});

test('stats history keeps 10 minutes at one sample a second within its capacity', () => {
  const h = new StatsHistory(); // defaults: 2 s buckets, 1800 of them
  const t0 = 3_000_000_000_000;
  for (let i = 0; i < 900; i++) h.add(sample(t0 + i * 1000, i % 100));
  assert.ok(h.span(t0 + 899_000) >= 10 * 60 * 1000, 'at least 10 minutes kept');
  assert.is(h.bucketCount, 450, 'downsampled 2:1');
  const small = new StatsHistory({ bucketMs: 1000, capacity: 10 });
  for (let i = 0; i < 50; i++) small.add(sample(t0 + i * 1000, i));
  assert.is(small.bucketCount, 10, 'bounded by capacity');
  assert.is(small.window(10_000, t0 + 49_000).series.cpu[9], 49);
});

test('chart resampling averages down to the points that fit', () => {
  assert.equal(resample([1, 3, 5, 7], 2), [2, 6]);
  assert.equal(resample([1, 2], 5), [1, 2]);
  assert.is(resample(Array.from({ length: 300 }, () => 4), 67).length, 67);
});

test('log buffer is bounded by lines and by bytes, oldest dropped first', () => {
  const b = new LogBuffer(3, 1000);
  for (let i = 0; i < 5; i++) b.push(`t${i}`, 'stdout', `line ${i}`);
  assert.is(b.length, 3);
  assert.is(b.dropped, 2);
  assert.equal(b.lines().map((l) => l.text), ['line 2', 'line 3', 'line 4']);
  const c = new LogBuffer(100, 25);
  for (let i = 0; i < 5; i++) c.push('t', 'stdout', `0123456789`); // 10 bytes each
  assert.ok(c.byteSize <= 25, `bytes ${c.byteSize}`);
  assert.is(c.length, 2);
  const big = new LogBuffer(10, 100_000);
  big.push('t', 'stdout', 'x'.repeat(50_000));
  assert.ok(big.byteSize < 10_000, 'a huge line is cut');
});

test('log buffer holds a chatty container to its bound', () => {
  const b = new LogBuffer(5000, 4 * 1024 * 1024);
  for (let i = 0; i < 200_000; i++) b.push('2026-01-01T00:00:00Z', 'stdout', `chatty line ${i} ${'y'.repeat(40)}`);
  assert.is(b.length, 5000);
  assert.is(b.at(4999)!.text.startsWith('chatty line 199999'), true);
  assert.is(b.dropped, 195_000);
});

test('log search finds matches by sequence, wraps with n/N, and survives drops', () => {
  const b = new LogBuffer(4);
  for (const t of ['a foo', 'b', 'c FOO', 'd']) b.push('t', 'stdout', t);
  assert.equal(b.search('foo'), [0, 2]);
  assert.is(b.nextMatch('foo', 0, 1), 2);
  assert.is(b.nextMatch('foo', 2, 1), 0, 'wraps to the first');
  assert.is(b.nextMatch('foo', 0, -1), 2, 'wraps to the last');
  b.push('t', 'stdout', 'e foo'); // drops "a foo" (seq 0)
  assert.equal(b.search('foo'), [2, 4]);
  assert.is(b.indexOf(0), undefined);
  assert.is(b.indexOf(4), 3);
  assert.is(b.nextMatch('nothing', 0, 1), undefined);
});

test('watchEvents tails events.jsonl from its end, line by line, across writers', async () => {
  const root = mkdtempSync('/tmp/berth-test-events-');
  try {
    const layout = new Layout(root);
    mkdirSync(root, { recursive: true });
    emitEvent(layout, { type: 'container', action: 'create', id: 'old' }); // before the watch: not delivered
    const ac = new AbortController();
    const got: EngineEvent[] = [];
    const done = (async () => {
      for await (const ev of watchEvents(layout, { signal: ac.signal, pollMs: 5000 })) {
        got.push(ev);
        if (got.length === 3) ac.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    emitEvent(layout, { type: 'container', action: 'start', id: 'a' });
    // a torn write: half a line, then the rest (another process mid-append)
    appendFileSync(layout.eventsLog, '{"time":"2026-01-01T00:00:00Z","type":"container","act');
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(layout.eventsLog, 'ion":"die","id":"b"}\nnot json\n');
    emitEvent(layout, { type: 'image', action: 'tag', id: 'c' });
    const timeout = setTimeout(() => ac.abort(), 3000); // fs.watch must have woken us long before
    await done;
    clearTimeout(timeout);
    assert.equal(got.map((e) => `${e.action}:${e.id}`), ['start:a', 'die:b', 'tag:c']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the keymap resolves by context, takes overrides, and generates the help', () => {
  const k = new Keymap({ 'containers.stop': ['x'], quit: ['Q'], nope: ['z'] });
  assert.is(k.resolve('x', ['containers', 'list', 'global'])?.action, 'stop', 'override wins');
  assert.is(k.resolve('x', ['images', 'list', 'global'])?.action, 'prune', 'other contexts keep their keys');
  assert.is(k.resolve('s', ['containers', 'list', 'global']), undefined, 'the old key is gone');
  assert.is(k.resolve('Q', ['global'])?.action, 'quit');
  // x now hides prune in the containers list: reported, naming both
  assert.equal(k.warnings, ['config keys: no action "nope"', 'key conflict: "x" is bound to containers.stop and list.prune (containers.stop wins; remap one in the config)']);
  assert.equal(new Keymap().warnings, [], 'the defaults have no conflicts');
  const help = k.helpLines().join('\n');
  for (const b of DEFAULT_KEYMAP) assert.ok(help.includes(b.help), `help lists "${b.help}"`);
  assert.match(k.helpLines().find((l) => l.includes('stop (marked or selected)')) ?? '', /^\s+x\s+containers\.stop\s+stop/, 'help shows the remapped key and the action it reaches');
  assert.is(keyName('K', { full: 'S-k' }), 'K');
  assert.is(keyName('\r', { full: 'return' }), 'enter');
  assert.is(keyName(undefined, { full: 'C-d' }), 'C-d');
});

test('config: XDG path, defaults, bad files reported not fatal', () => {
  assert.is(configPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' }), '/x/cfg/berth/config.json');
  assert.is(configPath({ HOME: '/home/u' }), '/home/u/.config/berth/config.json');
  const dir = mkdtempSync('/tmp/berth-test-cfg-');
  try {
    const p = join(dir, 'config.json');
    assert.equal(loadConfig(p).config.theme, 'dark');
    writeFileSync(p, JSON.stringify({ theme: 'light', refreshMs: 2000, mouse: false, keys: { quit: 'Q' } }));
    const c = loadConfig(p).config;
    assert.equal([c.theme, c.refreshMs, c.mouse, c.keys.quit], ['light', 2000, false, ['Q']]);
    writeFileSync(p, '{broken');
    const bad = loadConfig(p);
    assert.is(bad.config.theme, 'dark');
    assert.ok(bad.warning?.includes('defaults used'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('themes: dark, light and high-contrast exist and are complete', () => {
  for (const n of ['dark', 'light', 'high-contrast']) assert.ok(themeNames().includes(n), n);
  const hc = loadTheme('high-contrast');
  assert.is(hc.name, 'high-contrast');
  assert.ok(hc.state.running && hc.chart.cpu && hc.selectedBg);
  assert.throws(() => loadTheme('nope'), /no theme "nope"/);
});

test('line input edits like a shell line', () => {
  const i = new LineInput('');
  for (const c of 'hello world') i.key(c === ' ' ? 'space' : c, c);
  assert.is(i.value, 'hello world');
  i.key('C-w', undefined);
  assert.is(i.value, 'hello ');
  i.key('backspace', undefined);
  i.key('home', undefined);
  i.key('>', '>');
  assert.is(i.value, '>hello');
  assert.is(i.key('enter', '\r'), 'submit');
  assert.is(i.key('escape', undefined), 'cancel');
});

test('run form fields become create options with docker syntax', () => {
  assert.equal(splitWords(`sh -c 'echo "a b"; exit 3' x\\ y`), ['sh', '-c', 'echo "a b"; exit 3', 'x y']);
  const f = (o: Partial<RunFields>): RunFields => ({ ...emptyRunFields('bb'), ...o });
  // one value per word, as one flag each on a command line: a comma is part of a value (-e A=1,B=2)
  const o = toCreateOptions(f({ name: 'n1', command: 'echo hi', env: "A=1,B=2 'C=x y'", volumes: 'v1:/data', memory: '64m', cpus: '0.5' }));
  assert.equal([o.image, o.name, o.cmd, o.env], ['bb', 'n1', ['echo', 'hi'], ['A=1,B=2', 'C=x y']]);
  assert.is(o.mounts?.[0].target, '/data');
  assert.equal(o.resources, { memory: 64 * 1024 * 1024, nanoCpus: 500_000_000 });
  assert.throws(() => toCreateOptions(f({ image: '' })), /image/);
  const all = toCreateOptions(f({ ports: '8080:80 127.0.0.1::53/udp', network: 'web', workdir: '/tmp', user: '1000:1000', entrypoint: 'sh',
    labels: 'a=1 b "c=d e"', restart: 'on-failure:3', rm: '', it: 'on' }));
  assert.equal(all.network?.mode, 'web');
  assert.equal(all.network?.ports?.map((p) => `${p.hostIp}:${p.hostPort}:${p.containerPort}/${p.proto}`), [':8080:80/tcp', '127.0.0.1:0:53/udp']);
  assert.equal([all.workingDir, all.user, all.entrypoint, all.restart, all.autoRemove, all.tty, all.openStdin], ['/tmp', '1000:1000', 'sh', 'on-failure:3', false, true, true]);
  assert.equal(all.labels, { a: '1', b: '', c: 'd e' });
  assert.equal(toCreateOptions(f({})).network, { mode: 'bridge' }, 'empty: the default bridge, as docker');
  // the same strings `berth run` refuses, in the same words
  const form = (memory: string, cpus: string) => () => toCreateOptions(f({ memory, cpus }));
  assert.throws(form('12q', ''), /^invalid argument "12q" for "--memory" flag: invalid size: '12q'$/);
  assert.throws(form('', '1e9'), /^invalid argument "1e9" for "--cpus" flag: not a number$/);
  assert.throws(form('', '0.0000000001'), /value is too precise/);
  assert.throws(() => toCreateOptions(f({ ports: '99999:80' })), /invalid/);
  assert.throws(() => toCreateOptions(f({ labels: "'a=1" })), /^labels: unclosed '$/);
  assert.is(toCreateOptions(f({ env: 'HOME_NOT_SET_X', memory: '1.5g', cpus: '.25' })).resources?.nanoCpus, 250_000_000);
  // "K" alone goes to the engine as it is: it takes berth's value there, or is left out when unset (-e K)
  assert.equal(toCreateOptions(f({ env: 'NOPE_UNSET' })).env, ['NOPE_UNSET']);
});

test('inspect JSON folds and unfolds by path', () => {
  const t = new JsonTree();
  t.set({ Id: 'x', State: { Running: true, Pid: 3 }, Env: ['A=1'] });
  assert.is(t.lines.length, 10);
  const state = t.lines.find((l) => l.key === 'State')!;
  t.toggle(state.path);
  assert.ok(t.lines.some((l) => l.text === '"State": { … 2 keys },'));
  assert.is(t.lines.length, 7);
  t.set({ Id: 'y', State: { Running: false, Pid: 0 }, Env: [] }); // a reload keeps the fold
  assert.ok(t.lines.some((l) => l.folded && l.key === 'State'));
  t.unfoldAll();
  assert.ok(!t.lines.some((l) => l.folded));
});

test('columns shrink, then drop least important first, and never pass the width', () => {
  const cols = [{ width: 20, min: 12, drop: 0 }, { width: 20, min: 10, drop: 3 }, { width: 8, drop: 0 }, { width: 14, min: 7, drop: 2 }, { width: 10, min: 8, drop: 4, flex: true }];
  const sum = (w: Array<number | undefined>): number => w.reduce<number>((a, x) => (x === undefined ? a : a + x + 1), -1);
  assert.equal(fitColumns(cols, 200), [20, 20, 8, 14, 10 + 200 - 76], 'room to spare goes to the flex column');
  assert.equal(fitColumns(cols, 76), [20, 20, 8, 14, 10]);
  assert.equal(fitColumns(cols, 60), [20, 10, 8, 10, 8], 'the least important shrink first');
  assert.equal(fitColumns(cols, 40), [20, undefined, 8, 10, undefined], 'then drop, before a column that never drops is cut');
  assert.equal(fitColumns(cols, 25), [16, undefined, 8, undefined, undefined], 'the last shown column is cut');
  for (let w = 1; w <= 120; w++) assert.ok(sum(fitColumns(cols, w)) <= Math.max(w, 1), `fits in ${w}`);
  assert.equal(chartGrid(160, 26), { cols: 2, rows: 2 });
  assert.equal(chartGrid(78, 8), { cols: 2, rows: 1 });
  assert.equal(chartGrid(30, 8), { cols: 1, rows: 1 });
  assert.equal(chartGrid(20, 4), { cols: 0, rows: 0 });
});

test('the list filter: text, regex, ! inverts, label=', () => {
  const f = (q: string, fields: string[], labels: Record<string, string> = {}): boolean => rowFilter(q)(fields, labels);
  assert.ok(f('', ['x']));
  assert.ok(f('WEB', ['my-web-1']), 'case-insensitive text');
  assert.ok(f('^web-\\d$', ['web-3']) && !f('^web-\\d$', ['web-33']), 'a regex');
  assert.ok(f('[oops', ['a [oops b']), 'an unfinished regex is plain text');
  assert.ok(!f('!web', ['web-1']) && f('!web', ['db']), '! inverts');
  assert.ok(f('label=tier', ['x'], { tier: 'a' }) && !f('label=tier', ['x'], {}));
  assert.ok(f('label=tier=a', ['x'], { tier: 'a' }) && !f('label=tier=a', ['x'], { tier: 'b' }));
  assert.ok(f('!label=tier=a', ['x'], { tier: 'b' }));
});

test.run();
