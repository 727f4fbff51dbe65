// --restart without a daemon: the monitor's exit hook restarts the container as
// docker's policy says, with docker's backoff (100 ms, doubled each time);
// RestartCount counts those restarts; stop and kill by the user end the policy,
// start hands the container back to it; update --restart changes it; and
// bootRestart() (what a boot unit calls) brings back always / unless-stopped
// containers as docker's daemon does at its start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Engine } from '../../src/engine/index.js';
import { stopContainer } from '../../src/engine/container/control.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-restart-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});
test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const state = (name: string) => t.ok(['inspect', '-f', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', name]);
function waitFor(what: string, ok: () => boolean, ms = 30_000, step = '0.1'): void {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    spawnSync('sleep', [step]);
  }
}
/** The container's start and die events, in order, with their times (ms). */
function lifeEvents(id: string): { action: string; at: number }[] {
  return readFileSync(join(t.root, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.id === id && (e.action === 'start' || e.action === 'die')).map((e) => ({ action: e.action, at: Date.parse(e.time) }));
}

test('on-failure:3: three restarts, each after twice the last delay from 100 ms, then it stays exited', () => {
  const id = t.ok(['run', '-d', '--name', 'fails', '--restart', 'on-failure:3', 'bb', 'sh', '-c', 'exit 3']);
  t.seen.push(id);
  waitFor('3 restarts', () => state('fails') === '3 exited 3');
  spawnSync('sleep', ['1']);
  assert.is(state('fails'), '3 exited 3', 'no fourth restart');
  const ev = lifeEvents(id);
  assert.equal(ev.map((e) => e.action), ['start', 'die', 'start', 'die', 'start', 'die', 'start', 'die']);
  for (let k = 0; k < 3; k++) {
    const waited = ev[2 * k + 2].at - ev[2 * k + 1].at;
    assert.ok(waited >= 100 * 2 ** k, `restart ${k + 1} came ${waited} ms after the exit, before its ${100 * 2 ** k} ms`);
  }
  assert.is(t.ok(['inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'fails']), 'on-failure:3');
  // exit 0 is not a failure
  const ok = t.ok(['run', '-d', '--name', 'succeeds', '--restart', 'on-failure', 'bb', 'true']);
  t.seen.push(ok);
  waitFor('the exit', () => state('succeeds') === '0 exited 0');
  spawnSync('sleep', ['0.5']);
  assert.is(state('succeeds'), '0 exited 0');
});

test('a foreground run collects the first exit itself: the restart still happens', () => {
  const r = t.berth(['run', '--name', 'fg', '--restart', 'on-failure:2', 'bb', 'sh', '-c', 'echo ran; exit 4']);
  assert.is(r.code, 4);
  assert.is(r.stdout, 'ran\n');
  t.seen.push(t.ok(['ps', '-aq', '--no-trunc', '--filter', 'name=fg']));
  waitFor('2 restarts', () => state('fg') === '2 exited 4');
  assert.is(t.ok(['logs', 'fg']), 'ran\nran\nran');
  t.ok(['rm', 'fg']);
});

test('always: restarts after exit 0 (restarting in between); stop ends it; start hands it back', () => {
  const id = t.ok(['run', '-d', '--name', 'loop', '--restart', 'always', 'bb', 'sh', '-c', 'sleep 0.2']);
  t.seen.push(id);
  waitFor('2 restarts', () => Number(state('loop').split(' ')[0]) >= 2);
  waitFor('a restarting state', () => / restarting /.test(`${state('loop')} `) || /Restarting \(0\)/.test(t.ok(['ps', '-a', '--filter', 'name=loop'])), 60_000);
  t.ok(['stop', '-t', '1', 'loop']);
  const stopped = state('loop');
  assert.match(stopped, / exited /);
  spawnSync('sleep', ['2']);
  assert.is(state('loop'), stopped, 'no restart after a stop by the user');
  t.ok(['start', 'loop']);
  assert.match(state('loop'), /^0 /, 'a start by the user counts from 0 (docker)');
  waitFor('the policy again', () => Number(state('loop').split(' ')[0]) > 0);
  t.ok(['rm', '-f', 'loop']);
});

test('stop with a record read before a restart by the policy: the new run is stopped, not the old one', async () => {
  const id = t.ok(['run', '-d', '--name', 'stale', '--restart', 'always', 'bb', 'sh', '-c', 'test -f /again && exec sleep 1000; touch /again']);
  t.seen.push(id);
  const engine = Engine.open({ root: t.root });
  // polled in-process: the window between the exit and the restart is the 100 ms backoff
  let before = engine.containers.find('stale');
  waitFor('the first exit', () => !engine.containers.state(before = engine.containers.find('stale')).running, 30_000, '0.005');
  // `before` is what a slow `stop` read: the finished run
  waitFor('the restart', () => / running /.test(state('stale')));
  await stopContainer(engine.layout, before, 1);
  assert.match(state('stale'), / exited /, 'stop ends the run the policy began');
  spawnSync('sleep', ['1']);
  assert.match(state('stale'), / exited /, 'and no restart follows');
  t.ok(['rm', '-f', 'stale']);
});

test('unless-stopped: kill by the user ends it; a restart by hand counts from 0 again (docker)', () => {
  const id = t.ok(['run', '-d', '--name', 'svc', '--restart', 'unless-stopped', 'bb', 'sleep', '1000']);
  t.seen.push(id);
  t.ok(['restart', '-t', '0', 'svc']);
  assert.is(state('svc'), '0 running 0');
  t.ok(['kill', 'svc']);
  waitFor('the exit', () => / exited /.test(state('svc')));
  spawnSync('sleep', ['1']);
  assert.is(state('svc'), '0 exited 137');
  t.ok(['rm', 'svc']);
});

test('update --restart: a container gets a policy after create; with --rm it cannot', () => {
  const id = t.ok(['create', '--name', 'later', 'bb', 'sh', '-c', 'exit 1']);
  t.seen.push(id);
  t.ok(['update', '--restart', 'on-failure:1', 'later']);
  t.ok(['start', 'later']);
  waitFor('one restart', () => state('later') === '1 exited 1');
  t.ok(['rm', 'later']);
  const rm = t.berth(['run', '-d', '--rm', '--restart', 'always', 'bb', 'true']);
  assert.is(rm.code, 125);
  assert.is(rm.stderr, 'berth: conflicting options: cannot specify both --restart and --rm\n');
  const bad = t.berth(['run', '-d', '--restart', 'sometimes', 'bb', 'true']);
  assert.is(bad.code, 125);
  assert.is(bad.stderr, "berth: invalid restart policy 'sometimes'\n");
  const count = t.berth(['run', '-d', '--restart', 'always:3', 'bb', 'true']);
  assert.is(count.code, 125);
  assert.is(count.stderr, "berth: maximum retry count cannot be used with restart policy 'always'\n");
  const auto = t.ok(['create', '--rm', '--name', 'auto', 'bb', 'true']);
  t.seen.push(auto);
  const u = t.berth(['update', '--restart', 'always', 'auto']);
  assert.is(u.code, 1);
  assert.is(u.stderr, `Error: Cannot update container ${auto}: Restart policy cannot be updated because AutoRemove is enabled for the container\n`);
  t.ok(['rm', 'auto']);
});

test('bootRestart: always (even stopped by hand) and unless-stopped (not stopped by hand) come back; others not', async () => {
  const always = t.ok(['run', '-d', '--name', 'b-always', '--restart', 'always', 'bb', 'sleep', '1000']);
  const unless = t.ok(['run', '-d', '--name', 'b-unless', '--restart', 'unless-stopped', 'bb', 'sleep', '1000']);
  const none = t.ok(['run', '-d', '--name', 'b-none', 'bb', 'sleep', '1000']);
  const never = t.ok(['create', '--name', 'b-never', '--restart', 'always', 'bb', 'sleep', '1000']);
  t.seen.push(always, unless, none, never);
  t.ok(['stop', '-t', '0', 'b-always', 'b-unless', 'b-none']);
  const engine = Engine.open({ root: t.root });
  assert.equal(await engine.containers.bootRestart(), [always]);
  assert.match(state('b-always'), / running /);
  assert.match(state('b-unless'), / exited /);
  assert.match(state('b-never'), / created /, 'never started: not started at boot (docker: HasBeenStartedBefore)');
  t.ok(['start', 'b-unless']);
  t.ok(['rm', '-f', 'b-always', 'b-unless', 'b-none', 'b-never']);
});

test.run();
