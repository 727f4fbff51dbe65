// Issue 20's "done when", as a user does it, with real engines: with dockerd and
// podman running, berth shows three engines; the user switches to dockerd, finds
// the busy container (sorted by CPU), watches its chart, searches its logs,
// opens a shell in it, switches back to the embedded engine with the shell kept
// (still running in dockerd, its screen there when they return), and quits to
// an intact terminal. Skipped only where dockerd or podman is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { hasDockerd, hasPodman, startDockerd, startPodman, type TestEngine } from '../helpers/engines.js';
import { TmuxPane, berthPane, endTui } from '../helpers/tmux.js';

if (!hasDockerd() || !hasPodman()) {
  console.log('  NOTE: dockerd or podman is not installed (scripts/setup.sh installs both): engine tests skipped');
  test.skip('three engines: switch, chart, logs search, shell kept, quit', () => {});
} else {
  const t = new TestRoot('berth-test-tui-engines-');
  let pane: TmuxPane | undefined;
  let dockerd: TestEngine | undefined, podman: TestEngine | undefined;
  const header = (s: string): string => s.split('\n')[0];

  test.before(async () => {
    t.ok(['import', busyboxTar(), 'bb']);
    t.seen.push(t.ok(['run', '-d', '--network', 'none', '--name', 'home', 'bb', 'sleep', '100000']));
    const tar = join(t.root, 'bb.tar');
    t.ok(['save', 'bb', '-o', tar]);
    [dockerd, podman] = await Promise.all([startDockerd(), startPodman()]);
    await Promise.all([dockerd.load(tar), podman.load(tar)]);
    await dockerd.run('quiet', 'bb', ['sleep', '100000']);
    // busy: some CPU every tenth of a second, a line each time, a "needle" every 20th
    await dockerd.run('busy', 'bb', ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "tick $i"; [ $((i % 20)) -eq 0 ] && echo "needle $i"; seq 1 4000 >/dev/null; usleep 100000; done']);
    await podman.run('pod-one', 'bb', ['sleep', '100000']);
    pane = berthPane(t, 160, 45, { args: `tui -H ${dockerd.host} -H ${podman.host}` });
  });

  test.after(() => endTui(t, [pane], async () => {
    await dockerd?.stop();
    await podman?.stop();
  }));

  test('three engines: switch, chart, logs search, shell kept, quit', async () => {
    const p = pane!;
    let s = await p.waitFor((x) => /\[berth\] dockerd podman/.test(header(x)) && x.includes('home'), 'three engines, the embedded one shown');

    p.keys('E');
    s = await p.waitFor((x) => /berth \[dockerd\] podman/.test(header(x)) && /│\s+busy\s/.test(x) && /│\s+quiet\s/.test(x), "dockerd's containers");
    assert.not.ok(/│\s+home\s/.test(s), 'the embedded engine\'s container is not in dockerd\'s list');

    // find the busy one: sort by CPU %, highest first
    for (let i = 0; i < 5; i++) p.keys('>');
    await p.waitFor((x) => x.includes('sorted by CPU %'), 'sorted by CPU');
    p.keys('I');
    await p.waitFor((x) => {
      const rows = x.split('\n').filter((l) => /│\s+(busy|quiet)\s/.test(l));
      return x.includes('CPU %↓') && rows.length === 2 && /│\s+busy\s/.test(rows[0]);
    }, 'the busy container first', 30_000);
    p.keys('g', 'c');
    await p.waitFor((x) => /─ busy — stats/.test(x) && x.includes('CPU % (100% = one CPU') && /history: \d+s kept/.test(x), 'its charts');

    // the log is a request to the endpoint: searched once its lines are in (a search typed
    // before them finds nothing yet, and says so)
    p.keys('l');
    await p.waitFor((x) => /─ busy — logs/.test(x) && /needle \d+/.test(x), 'its log, with a needle in it');
    p.keys('/', ...'needle'.split(''), 'Enter');
    await p.waitFor((x) => /─ busy — logs/.test(x) && /match 1\/\d+ for "needle"/.test(x) && /needle \d+/.test(x), 'a match in its logs');

    p.keys('e');
    await p.waitFor((x) => /─ busy — shell/.test(x) && x.includes('/ # '), 'a shell in it');
    p.tmux(['send-keys', '-l', 'echo shell-$((6*7))']);
    p.keys('Enter');
    await p.waitFor((x) => x.includes('shell-42'), 'the shell answers');
    p.keys('C-]');

    p.keys(':', ...'engine berth'.split(''), 'Enter');
    s = await p.waitFor((x) => /\[berth\] dockerd podman/.test(header(x)) && /│\s+home\s/.test(x), 'back on the embedded engine');
    assert.not.ok(/│\s+busy\s/.test(s));
    // the shell still runs in dockerd meanwhile
    const info = await dockerd!.docker.getContainer('busy').inspect();
    const execs = await Promise.all((info.ExecIDs ?? []).map((id) => dockerd!.docker.getExec(id).inspect()));
    assert.ok(execs.some((e) => e.Running && e.ProcessConfig.entrypoint === '/bin/sh'), `a running sh exec in busy: ${JSON.stringify(execs.map((e) => [e.ProcessConfig.entrypoint, e.Running]))}`);

    // and is there, as it was, on the way back
    p.keys('E');
    await p.waitFor((x) => /berth \[dockerd\] podman/.test(header(x)) && /─ busy — /.test(x), 'dockerd again, busy still selected');
    p.keys('e');
    await p.waitFor((x) => /─ busy — shell/.test(x) && x.includes('shell-42'), 'the same shell, its screen kept');
    p.keys('C-]', 'q');
    s = await p.waitFor((x) => x.includes('EXITED 0'), 'berth quits');
    assert.not.ok(p.alternateOn(), 'the alternate screen is left');
  });
}

test.run();
