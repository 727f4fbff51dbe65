// Exits collected in the process that started the containers (Engine.open with
// collectExits: the TUI, the API service): recorded without a cleanup process per
// exit, and still collected by the monitor's cleanup when that process is gone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '../../src/engine/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { waitFor } from '../helpers/procs.js';

const t = new TestRoot('berth-test-collector-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const cmdline = (pid: number): string => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };

test('an engine that collects exits records each one itself: no cleanup process runs, --rm removes at once', async () => {
  const engine = Engine.open({ root: t.root, collectExits: true });
  const c = engine.containers;
  for (const autoRemove of [false, true]) {
    const rec = await c.create({ image: 'bb', cmd: ['sh', '-c', 'sleep 0.3; exit 3'], network: { mode: 'none' }, autoRemove });
    t.seen.push(rec.id);
    const run = (await c.start(rec.id)).run!;
    // the monitor would exec the cleanup (node … cleanup-main.js) in place: watch its pid until it is gone
    let cleanup = '';
    while (cmdline(run.monitorPid) !== '') {
      // its own argv names the cleanup too (after "--"): what it runs is argv[0]
      const argv = cmdline(run.monitorPid);
      if (argv !== '' && !argv.split('\0')[0].endsWith('berth-monitor')) cleanup = argv;
      await sleep(2); // the collector runs on this event loop meanwhile
    }
    // (the monitor waits 5 s for the lock, COLLECT_WAIT_S: a collection slower than that, as
    // under an fsync storm from other processes, lets the cleanup run too — harmlessly)
    assert.is(cleanup, '', 'the monitor ran no cleanup process');
    if (autoRemove) {
      assert.throws(() => c.find(rec.id), /No such container/, '--rm: removed by the collector');
    } else {
      const st = c.state(c.find(rec.id));
      assert.is(st.status, 'exited');
      assert.is(st.exit?.exitCode, 3);
      assert.is(await c.wait(rec.id), 3, 'wait returns the collected exit');
      await c.remove(rec.id);
    }
  }
});

test('wait and rm -f on a collected container: the exit code, and nothing left', async () => {
  const engine = Engine.open({ root: t.root, collectExits: true });
  const c = engine.containers;
  const a = await c.create({ image: 'bb', cmd: ['sh', '-c', 'exit 7'], network: { mode: 'none' } });
  const b = await c.create({ image: 'bb', cmd: ['sleep', '600'], network: { mode: 'none' } });
  t.seen.push(a.id, b.id);
  await c.start(a.id);
  await c.start(b.id);
  assert.is(await c.wait(a.id), 7);
  await c.remove(b.id, { force: true });
  assert.throws(() => c.find(b.id), /No such container/);
  await c.remove(a.id);
});

test('--rm: a waiter that saw it run gets its exit code after the collector removed it', async () => {
  // docker run --rm through the service: its wait looked while the container ran, then let the
  // attach sessions drain; the collector removed the container meanwhile
  const engine = Engine.open({ root: t.root, collectExits: true });
  const c = engine.containers;
  const rec = await c.create({ image: 'bb', cmd: ['sh', '-c', 'sleep 0.3; exit 5'], network: { mode: 'none' }, autoRemove: true });
  t.seen.push(rec.id);
  await c.start(rec.id);
  assert.ok(c.state(c.find(rec.id)).running, 'it runs');
  const gone = () => { try { c.find(rec.id); return false; } catch { return true; } };
  for (const end = Date.now() + 15_000; !gone() && Date.now() < end;) await sleep(10); // the collector runs on this loop
  assert.ok(gone(), '--rm: removed by the collector');
  assert.is(await c.wait(rec.id), 5, 'the exit code, not a missing container');
  assert.throws(() => c.find(rec.id), /No such container/, 'still removed');
});

test('--rm: a client attached in this process reads the log after the exit; the collector removes the container once it let go', async () => {
  // the API's docker run: its attach (in the service, the collecting process) reads the output
  // from the log, and may come round to it only after the run ended and the exit was there
  const engine = Engine.open({ root: t.root, collectExits: true });
  const c = engine.containers;
  const rec = await c.create({ image: 'bb', cmd: ['sh', '-c', 'echo kept; exit 4'], network: { mode: 'none' }, autoRemove: true });
  t.seen.push(rec.id);
  const ended = () => { try { return !c.state(c.find(rec.id)).running; } catch { return true; } };
  const gone = () => { try { c.find(rec.id); return false; } catch { return true; } };
  const lines = await c.attached(rec.id, async () => {
    await c.start(rec.id, { foreground: { stdin: false } });
    for (const end = Date.now() + 15_000; !ended() && Date.now() < end;) await sleep(10);
    await sleep(300); // the collector's watch has seen the exit file by now
    const st = c.state(c.find(rec.id));
    assert.equal([st.status, st.exit?.exitCode], ['exited', 4], 'the exit is collected at once; only the removal waits');
    const out: string[] = [];
    for await (const r of c.logs(rec.id, { follow: true })) out.push(r.data.toString());
    return out;
  });
  assert.equal(lines, ['kept']);
  for (const end = Date.now() + 15_000; !gone() && Date.now() < end;) await sleep(10);
  assert.ok(gone(), '--rm: removed by the collector once the client let go');
  assert.is(await c.wait(rec.id), 4);

  // a client that waits inside its own attach (as a build step does) has the code then: no deadlock
  const b = await c.create({ image: 'bb', cmd: ['sh', '-c', 'exit 6'], network: { mode: 'none' }, autoRemove: true });
  t.seen.push(b.id);
  const code = await c.attached(b.id, async () => {
    await c.start(b.id, { foreground: { stdin: false } });
    return c.wait(b.id);
  });
  assert.is(code, 6);
  const goneB = () => { try { c.find(b.id); return false; } catch { return true; } };
  for (const end = Date.now() + 15_000; !goneB() && Date.now() < end;) await sleep(10);
  assert.ok(goneB(), 'removed once that client let go');
});

test('when the collecting process dies, the monitor collects the exit (and does --rm) itself', () => {
  // a child engine starts a --rm container and exits while it still runs: the kernel drops its lock
  const script = `
    const { Engine } = await import(${JSON.stringify(new URL('../../src/engine/index.js', import.meta.url).href)});
    const c = Engine.open({ root: ${JSON.stringify(t.root)}, collectExits: true }).containers;
    const rec = await c.create({ image: 'bb', cmd: ['sleep', '0.5'], network: { mode: 'none' }, autoRemove: true, name: 'orphan' });
    await c.start(rec.id);
    console.log(rec.id);
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  t.seen.push(r.stdout.trim());
  assert.ok(waitFor(() => t.ok(['ps', '-a', '-q', '--filter', 'name=orphan']) === '', 15_000), 'removed by the monitor\'s cleanup');
});

test.run();
