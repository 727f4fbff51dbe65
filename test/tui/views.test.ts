// The views at a laptop's 80×24: every container on one line, any window size
// drawable with the stats tab open, the networks view, the details following a
// row that appears in an empty view, sorting, filters, hiding stopped
// containers, and a finished pull's window giving the keyboard back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthLine, endTui, listRows } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-views-');
let pane: TmuxPane;
const RUNNING = ['alpha', 'bravo', 'charlie'];
const CREATED = ['delta', 'echo', 'foxtrot', 'golf', 'hotel'];

const rowOf = (s: string, name: string): string => listRows(s).find((l) => l.includes(` ${name} `)) ?? '';
/** Container names in list order. */
const order = (s: string): string[] => listRows(s).slice(1).map((l) => /^[x│][● ] ?(\S+)/.exec(l)?.[1] ?? '').filter((n) => [...RUNNING, ...CREATED].includes(n));

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  for (const n of RUNNING) t.seen.push(t.ok(['run', '-d', '--network', 'none', '--name', n, '--label', `tier=${n === 'alpha' ? 'front' : 'back'}`, 'bb', 'sleep', '1000']));
  for (const n of CREATED) t.seen.push(t.ok(['create', '--network', 'none', '--name', n, 'bb', 'true']));
  pane = new TmuxPane(80, 24);
});

test.after(() => endTui(t, [pane]));

test('80×24: every container is on screen, one line each, with its state', async () => {
  pane.type(berthLine(t));
  const s = await pane.waitFor((x) => x.includes('Containers — 8 of 8') && RUNNING.every((n) => /running/.test(rowOf(x, n))), 'the list at 80×24');
  for (const n of [...RUNNING, ...CREATED]) assert.match(rowOf(s, n), n === 'alpha' || n === 'bravo' || n === 'charlie' ? /running/ : /created/, `${n}'s row`);
  // header + 8 rows, nothing wrapped onto a second line
  assert.is(listRows(s).length, 9, `one line per container:\n${s}`);
  for (const l of s.split('\n')) assert.ok(l.length <= 80, `no line wider than the window: ${l}`);
});

test('no window size breaks drawing with the stats tab open; 80×24 still shows charts', async () => {
  pane.keys('/', 'a', 'l', 'p', 'h', 'a', 'Enter', 'c');
  await pane.waitFor((x) => /alpha — stats/.test(x) && x.includes('CPU %'), 'alpha\'s charts at 80×24');
  for (const [w, h] of [[70, 20], [50, 16], [40, 12], [30, 10], [20, 8], [12, 6], [60, 14], [100, 30], [80, 24]]) {
    pane.tmux(['resize-window', '-x', String(w), '-y', String(h)]);
    await new Promise((r) => setTimeout(r, 400));
    const s = pane.screen();
    assert.not.ok(/✖|_canvas|out of range|undefined/.test(s), `drawing failed at ${w}×${h}:\n${s}`);
    assert.ok(s.trim().length > 0, `a blank screen at ${w}×${h}`);
  }
  await pane.waitFor((x) => /alpha — stats/.test(x) && x.includes('CPU %') && x.includes('Memory used'), 'the charts back at 80×24');
  pane.keys('Escape', 'l', 'Escape', 'Escape');
  await pane.waitFor((x) => x.includes('Containers — 8 of 8'), 'the whole list');
});

test('> sorts by a column, I reverses it, < back to the engine\'s order', async () => {
  pane.keys('>');
  let s = await pane.waitFor((x) => x.includes('sorted by NAME'), 'sorted by name');
  assert.equal(order(s), [...RUNNING, ...CREATED].sort(), 'ascending names');
  pane.keys('I');
  s = await pane.waitFor((x) => order(x)[0] === 'hotel', 'descending');
  assert.equal(order(s), [...RUNNING, ...CREATED].sort().reverse());
  pane.keys('<');
  s = await pane.waitFor((x) => x.includes('unsorted'), 'unsorted');
  assert.is(order(s)[0], 'hotel', 'newest first (ps order)');
});

test('filters: a regular expression, ! inverts, label=KEY=VALUE', async () => {
  pane.keys('/', ...'^(alpha|golf)$'.split(''), 'Enter');
  let s = await pane.waitFor((x) => x.includes('2 of 8'), 'a regex filter');
  assert.equal(order(s).sort(), ['alpha', 'golf']);
  pane.keys('Escape', '/', ...'!created'.split(''), 'Enter');
  s = await pane.waitFor((x) => x.includes('3 of 8'), 'an inverted filter');
  assert.equal(order(s).sort(), RUNNING);
  pane.keys('Escape', '/', ...'label=tier=back'.split(''), 'Enter');
  s = await pane.waitFor((x) => x.includes('2 of 8'), 'a label filter');
  assert.equal(order(s).sort(), ['bravo', 'charlie']);
  pane.keys('Escape');
  await pane.waitFor((x) => x.includes('Containers — 8 of 8'), 'the filter cleared');
});

test('A hides stopped containers and shows them again', async () => {
  pane.keys('A');
  let s = await pane.waitFor((x) => x.includes('3 of 3') && x.includes('stopped containers hidden'), 'only running ones');
  assert.equal(order(s).sort(), RUNNING);
  pane.keys('A');
  s = await pane.waitFor((x) => x.includes('Containers — 8 of 8'), 'all again');
});

test('PORTS shows a container\'s published ports as ps does, also for one started while berth watches', async () => {
  pane.tmux(['resize-window', '-x', '180', '-y', '30']);
  await pane.waitFor((x) => x.includes('PORTS'), 'the PORTS column in a wide window');
  const web = t.ok(['run', '-d', '--name', 'web', '-p', '127.0.0.1:18080:80', 'bb', 'sleep', '1000']);
  t.seen.push(web);
  const s = await pane.waitFor((x) => /127\.0\.0\.1:18080->80\/tcp/.test(rowOf(x, 'web')), 'web\'s published port in its row');
  assert.match(rowOf(s, 'web'), /running/);
  t.ok(['rm', '-f', 'web']);
  pane.tmux(['resize-window', '-x', '80', '-y', '24']);
  await pane.waitFor((x) => x.includes('Containers — 8 of 8') && !x.includes('PORTS'), 'back at 80×24, where PORTS is the first column to go');
});

test('the networks view: list, inspect, a new one appears, remove and prune', async () => {
  t.ok(['network', 'create', '--subnet', '10.77.0.0/24', 'tui-net']);
  pane.keys('4');
  let s = await pane.waitFor((x) => x.includes('Networks — ') && /tui-net\s+bridge\s+10\.77\.0\.0\/24\s+10\.77\.0\.1/.test(rowOf(x, 'tui-net')), 'tui-net with its subnet and gateway');
  assert.match(s.split('\n').find((l) => l.includes('NAME')) ?? '', /NAME\s+DRIVER\s+SUBNET\s+GATEWAY\s+CONTAINERS/);
  // a network made while the view is open shows up from its event
  t.ok(['network', 'create', '--subnet', '10.78.0.0/24', 'late-net']);
  s = await pane.waitFor((x) => !!rowOf(x, 'late-net'), 'late-net appears');
  pane.keys('/', ...'tui-net'.split(''), 'Enter');
  s = await pane.waitFor((x) => /tui-net — inspect/.test(x) && x.includes('"Name": "tui-net"'), 'its inspect document');
  pane.keys('d');
  await pane.waitFor((x) => x.includes('Remove network tui-net?'), 'the question');
  pane.keys('y');
  await pane.waitFor((x) => x.includes('removed 1 network') && !rowOf(x, 'tui-net'), 'tui-net removed');
  assert.is(t.berth(['network', 'inspect', 'tui-net']).code, 1);
  pane.keys('Escape', 'x');
  await pane.waitFor((x) => x.includes('Prune unused networks?'), 'the prune question');
  pane.keys('y');
  await pane.waitFor((x) => /pruned 1 unused network: late-net/.test(x) && !rowOf(x, 'late-net'), 'late-net pruned');
  pane.keys('n');
  await pane.waitFor((x) => x.includes('new network (NAME [SUBNET])'), 'the create prompt');
  pane.keys(...'made-net 10.79.0.0/24'.split(''), 'Enter');
  await pane.waitFor((x) => x.includes('created network made-net') && /10\.79\.0\.0\/24/.test(rowOf(x, 'made-net')), 'made-net created from the TUI');
  assert.match(t.ok(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', 'made-net']), /10\.79\.0\.0\/24/);
  t.ok(['network', 'rm', 'made-net']);
  await pane.waitFor((x) => !rowOf(x, 'made-net'), 'made-net gone after rm from the CLI');
});

test('a row that appears in an empty view gets its own details, not the last view\'s', async () => {
  pane.keys('2');
  await pane.waitFor((x) => /bb:latest — inspect/.test(x) && x.includes('RepoTags'), 'the image\'s inspect');
  pane.keys('3');
  await pane.waitFor((x) => x.includes('Volumes — 0 of 0') && x.includes('nothing selected'), 'an empty volumes view');
  t.ok(['volume', 'create', 'fresh-vol']);
  const s = await pane.waitFor((x) => /fresh-vol — inspect/.test(x) && x.includes('"Mountpoint"'), 'the new volume\'s own inspect');
  assert.not.ok(s.includes('RepoTags'), `the image's document is gone:\n${s}`);
  t.ok(['volume', 'rm', 'fresh-vol']);
});

test('n creates a volume from the volumes view', async () => {
  pane.keys('n', ...'tui-made-vol'.split(''), 'Enter');
  await pane.waitFor((x) => x.includes('created volume tui-made-vol') && !!rowOf(x, 'tui-made-vol'), 'the new volume listed');
  assert.match(t.ok(['volume', 'ls', '-q']), /tui-made-vol/);
});

test('a finished pull\'s window closes on any key', async () => {
  pane.keys('P');
  await pane.waitFor((x) => x.includes('pull image'), 'the pull prompt');
  // nothing listens there: the pull fails at once, and its window says so
  pane.keys(...'127.0.0.1:9/none/such:v1'.split(''), 'Enter');
  await pane.waitFor((x) => /Pull .* — failed \(any key closes\)/.test(x), 'the failed pull');
  pane.keys('j');
  await pane.waitFor((x) => !x.includes('Pull 127.0.0.1:9') && x.includes('Volumes — '), 'the window closed by j');
});

test('q quits to an intact terminal', async () => {
  pane.keys('q');
  await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
  assert.not.ok(pane.alternateOn());
});

test.run();
