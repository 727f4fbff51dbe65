// A lost connection to an endpoint (its daemon restarts) is shown — once in the
// status line, crossed in the header — and retried; the workstation keeps
// answering keys meanwhile; once the daemon is back everything is read again
// (what happened while it was away has no events for us) and the mark goes.
// Started with --engine dockerd: the embedded engine, not shown first, is read too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { hasDockerd, startDockerd, type TestEngine } from '../helpers/engines.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

const header = (s: string): string => s.split('\n')[0];
const status = (s: string): string => s.trimEnd().split('\n').pop() ?? '';

if (!hasDockerd()) {
  console.log('  NOTE: dockerd is not installed (scripts/setup.sh installs it): skipped');
  test.skip('a lost connection is shown, retried and recovered', () => {});
} else {
  const t = new TestRoot('berth-test-tui-lost-');
  let pane: TmuxPane | undefined;
  let dockerd: TestEngine | undefined;

  test.before(async () => {
    t.ok(['import', busyboxTar(), 'bb']);
    const tar = join(t.root, 'bb.tar');
    t.ok(['save', 'bb', '-o', tar]);
    dockerd = await startDockerd();
    await dockerd.load(tar);
    await dockerd.run('survivor', 'bb', ['sleep', '100000']);
    pane = berthPane(t, 160, 45, { args: `tui -H ${dockerd.host} --engine dockerd` });
  });

  test.after(() => endTui(t, [pane], () => dockerd?.stop()));

  test('a lost connection is shown, retried and recovered', async () => {
    const p = pane!, d = dockerd!;
    await p.waitFor((x) => /\[dockerd\]/.test(header(x)) && /│\s+survivor\s+\S+\s+running/.test(x), 'dockerd shown first (--engine)');

    await d.kill(); // dockerd stops its containers and closes its connections
    let s = await p.waitFor((x) => /\[dockerd✗\]/.test(header(x)), 'the header marks it', 30_000);
    assert.match(status(s), /engine dockerd: .*\(retrying\)/, 'the status line says it once');

    // keys still act at once while it is away
    p.keys('2');
    await p.waitFor((x) => x.includes('─ Images —'), 'another view', 5_000);
    p.keys('1', 'E');
    s = await p.waitFor((x) => /\[berth\] dockerd✗/.test(header(x)), 'the embedded engine, dockerd still crossed', 5_000);
    assert.match(header(s), /Images \(1\)/, 'the embedded engine was read although dockerd was shown first');

    await d.start();
    s = await p.waitFor((x) => /\[berth\] dockerd(?!✗)/.test(header(x)), 'the mark gone once it is back', 30_000);
    p.keys('E');
    // read again: the restart stopped the container, which no event of ours saw
    await p.waitFor((x) => /\[dockerd\]/.test(header(x)) && /│\s+survivor\s+\S+\s+exited/.test(x), 'the list read again');
    p.keys('q');
    await p.waitFor((x) => x.includes('EXITED 0'), 'berth quits');
    assert.not.ok(p.alternateOn());
  });
}

test.run();
