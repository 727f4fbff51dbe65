// Bulk actions in the real TUI on real containers: rows marked with space, then
// stop / start / restart / remove act on all of them after one question that
// says how many and which; "no" changes nothing. At 160×45 and 80×24.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { TmuxPane, berthPane, endTui, listRows } from '../helpers/tmux.js';

const t = new TestRoot('berth-test-tui-bulk-');
let pane: TmuxPane;

const rowOf = (s: string, name: string): string => listRows(s).find((l) => new RegExp(`[ ●»]${name} `).test(l)) ?? '';
const running = (name: string): boolean => t.ok(['inspect', '-f', '{{.State.Running}}', name]) === 'true';

test.after(() => endTui(t, [pane]));

for (const [w, h] of [[160, 45], [80, 24]] as const) {
  test(`${w}×${h}: marked rows, one question naming them, every one acted on`, async () => {
    if (t.berth(['image', 'inspect', 'bb']).code) t.ok(['import', busyboxTar(), 'bb']);
    // created oldest first: the list shows them newest first, so c3 and c2 are the top rows
    for (const n of ['c1', 'c2', 'c3']) t.seen.push(t.ok(['run', '-d', '--network', 'none', '--name', n, 'bb', 'sleep', '100000']));
    pane?.kill();
    pane = berthPane(t, w, h);
    await pane.waitFor((x) => x.includes('Containers — 3 of 3') && ['c1', 'c2', 'c3'].every((n) => /running/.test(rowOf(x, n))), 'three running');
    pane.keys('g', 'Space', 'Space');
    let s = await pane.waitFor((x) => x.includes('2 marked'), 'two marked');
    assert.match(rowOf(s, 'c3'), /● c3/);
    assert.match(rowOf(s, 'c2'), /● c2/);
    pane.keys('s');
    s = await pane.waitFor((x) => x.includes('Stop 2 containers: c3, c2?'), 'one question with the count and the names');
    pane.keys('n');
    await pane.waitFor((x) => x.includes('cancelled'), 'cancelled');
    assert.ok(running('c3') && running('c2'), '"no" stopped nothing');
    pane.keys('s', 'y');
    await pane.waitFor((x) => /exit/.test(rowOf(x, 'c3')) && /exit/.test(rowOf(x, 'c2')) && x.includes('stopped 2 containers') && !x.includes('marked'), 'both stopped, the marks cleared');
    assert.ok(running('c1'), 'the unmarked one runs on');
    // start them again, then restart all three
    pane.keys('g', 'Space', 'Space', 'S');
    await pane.waitFor((x) => x.includes('Start 2 containers: c3, c2?'), 'the start question');
    pane.keys('y');
    await pane.waitFor((x) => x.includes('started 2 containers') && ['c1', 'c2', 'c3'].every((n) => /running/.test(rowOf(x, n))), 'all running');
    pane.keys('C-a', 'r');
    await pane.waitFor((x) => x.includes('Restart 3 containers: c3, c2, c1?'), 'the restart question');
    pane.keys('y');
    await pane.waitFor((x) => x.includes('restarted 3 containers'), 'restarted');
    // remove, the same way: d refuses running ones as rm without -f does, D kills them
    pane.keys('g', 'Space', 'Space', 'd');
    await pane.waitFor((x) => x.includes('Remove 2 containers: c3, c2?') && x.includes('refused'), 'the remove question, naming the refusal');
    pane.keys('n');
    await pane.waitFor((x) => x.includes('cancelled'), 'cancelled');
    pane.keys('D');
    await pane.waitFor((x) => x.includes('Force-remove 2 containers: c3, c2?') && x.includes('will be killed'), 'the force-remove question');
    pane.keys('y');
    await pane.waitFor((x) => x.includes('Containers — 1 of 1') && rowOf(x, 'c1') !== '', 'two removed');
    // by name: "c3" alone would also be an ID prefix (of an image, say)
    assert.is(t.ok(['ps', '-a', '--format', '{{.Names}}']), 'c1', 'c3 and c2 are gone');
    pane.keys('q');
    await pane.waitFor((x) => x.includes('EXITED 0'), 'quit');
    t.ok(['rm', '-f', 'c1']);
  });
}

test.run();
