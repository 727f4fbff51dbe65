// The stats charts tell the truth: no sample yet is "no data", not a flat 0 %;
// the time axis starts at the first sample; the y axis has even ticks with its
// top labelled; the memory limit and CPU quota are drawn (and scale the axis).
// Real TUI in tmux (160×45 and 80×24), real containers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { niceScale } from '../../src/tui/view/charts.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-charts-');
let pane: TmuxPane;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.seen.push(t.ok(['create', '--name', 'never', 'bb', 'true']));
  t.seen.push(t.ok(['run', '-d', '--name', 'capped', '--memory', '64m', '--cpus', '0.5', 'bb', 'sleep', '100000']));
  pane = berthPane(t, 160, 45);
});

test.after(() => endTui(t, [pane]));

test('niceScale: even steps, a round top at or above the maximum', () => {
  assert.equal(niceScale(67.1), { top: 80, step: 20, steps: 4 });
  assert.equal(niceScale(50), { top: 60, step: 20, steps: 3 });
  assert.equal(niceScale(0), { top: 1, step: 0.25, steps: 4 });
  assert.equal(niceScale(0.35), { top: 0.4, step: 0.1, steps: 4 });
  for (const v of [0.01, 1, 3.3, 99, 101, 12345]) {
    const s = niceScale(v);
    assert.ok(s.top >= v && s.steps <= 4 && Math.abs(s.top - s.step * s.steps) < 1e-9, `${v}: ${JSON.stringify(s)}`);
  }
});

async function select(name: string): Promise<string> {
  // esc: the details back to the list, then the filter cleared. One at a time, each seen on
  // screen: a busy TUI reads keys sent close together as one chunk, where ESC + "/" is alt-/
  for (let i = 0; i < 6 && /— filter "/.test(pane.screen()); i++) {
    pane.keys('Escape');
    await new Promise((r) => setTimeout(r, 400));
  }
  pane.keys('/');
  await pane.waitFor((x) => x.split('\n').some((l) => l.startsWith('/')), 'the filter prompt');
  pane.keys(...name.split(''), 'Enter');
  await pane.waitFor((x) => x.includes(`filter "${name}"`), 'the filter');
  pane.keys('c');
  return pane.waitFor((x) => new RegExp(`─ ${name} — stats`).test(x), `${name}'s stats`);
}

test('a container never sampled: "no data", and no chart of zeros', async () => {
  await pane.waitFor((x) => x.includes('Containers — 2 of 2'), 'the list');
  const s = await select('never');
  await pane.waitFor((x) => x.includes('no data: nothing was sampled'), 'no data said');
  assert.not.match(pane.screen(), /CPU % \(/, `no chart drawn:\n${s}`);
});

test('limits are drawn and scale the axis; ticks are even with the top labelled; the axis starts at the first sample', async () => {
  await select('capped');
  const s = await pane.waitFor((x) => /quota 50%/.test(x) && /limit 67\.1 MB/.test(x), 'the quota and limit in the titles', 15_000);
  // the legends name the limit lines
  assert.match(s, /quota/);
  // CPU: quota 50 % → 0, 20, 40, 60; memory: 67.1 MB → 0, 20, 40, 60, 80 (each top labelled)
  // a y label sits at the left edge of its chart's box, against the axis
  const label = (v: string): boolean => new RegExp(`│${v} *[⢸⡇]`).test(s);
  for (const v of ['80', '60', '40', '20']) assert.ok(label(v), `tick ${v} labelled:\n${s}`);
  // a few seconds of history: the time axis does not reach back minutes
  assert.not.match(s, /-[1-9]:\d\d/, `no time before the first sample:\n${s}`);
  assert.match(s, /-0:\d\d/);
});

test('80×24: the stats tab draws what fits, the top ticks labelled', async () => {
  pane.tmux(['resize-window', '-x', '80', '-y', '24']);
  await pane.waitFor((x) => /capped — stats/.test(x) && !/─{100}/.test(x), 'resized');
  const s = await pane.waitFor((x) => /CPU % /.test(x.split('\n').slice(12).join('\n')) || /too small for charts/.test(x), 'a chart or the reason');
  assert.not.match(s, /Cannot read properties/);
  // the top ticks still labelled in the small charts: quota 50 % → 60, limit 67.1 MB → 80
  await pane.waitFor((x) => /│60 *⢸/.test(x) && /│80 *⢸/.test(x), 'the top ticks at 80×24');
  pane.keys('q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
});

test.run();
