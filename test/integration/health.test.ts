// Health checks without a daemon, on real containers with short intervals:
// --health-* flags and the image's HEALTHCHECK (inherited, overridden, disabled),
// docker's rules (retries count consecutive failures, the start period forgives,
// the timeout kills the probe, output cut at 4096 bytes, the last 5 results),
// State.Health in inspect, the status in ps and its health= filter, the
// health_status events, and the checker process's life: it ends with its run
// (stop, rm -f, a killed monitor) and `system check` finds one that did not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { pause, waitFor } from '../helpers/procs.js';
import { packageRoot } from '../../src/native/index.js';

const t = new TestRoot('berth-test-health-');

interface Health { Status: string; FailingStreak: number; Log: { Start: string; End: string; ExitCode: number; Output: string }[] }

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});
test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const run = (args: string[]): string => {
  const id = t.ok(['run', '-d', '--network', 'none', ...args]);
  t.seen.push(id);
  return id;
};
const inspect = (name: string) => JSON.parse(t.ok(['inspect', name]))[0];
const health = (name: string): Health | undefined => inspect(name).State.Health;
const status = (name: string): string => t.ok(['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Status}}']);
function until(what: string, ok: () => boolean, ms = 20_000): void {
  if (!waitFor(ok, ms, 50)) throw new Error(`timed out waiting for ${what}`);
}
/** Pids of the health checkers of these containers (by their arguments, as a user's ps shows them). */
function checkers(...ids: string[]): number[] {
  const out = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((l) => l.includes('health-main.js') && l.includes(t.root) && ids.some((id) => l.includes(id)))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
const healthEvents = (id: string): string[] =>
  readFileSync(join(t.root, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.id === id && e.action.startsWith('health_status')).map((e) => e.action);

/** bb with a HEALTHCHECK in its config, as a Dockerfile's would be: saved, edited, loaded. */
function imageWithHealthcheck(tag: string, hc: object): void {
  const dir = mkdtempSync(join(t.root, 'img-'));
  const archive = join(dir, 'in.tar');
  t.ok(['save', '-o', archive, 'bb']);
  const x = join(dir, 'x');
  execFileSync('mkdir', [x]);
  execFileSync('tar', ['-xf', archive, '-C', x]);
  const manifest = JSON.parse(readFileSync(join(x, 'manifest.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(x, manifest[0].Config), 'utf8'));
  config.config.Healthcheck = hc;
  const bytes = Buffer.from(JSON.stringify(config));
  const name = `${createHash('sha256').update(bytes).digest('hex')}.json`;
  unlinkSync(join(x, manifest[0].Config));
  writeFileSync(join(x, name), bytes);
  manifest[0].Config = name;
  manifest[0].RepoTags = [tag];
  writeFileSync(join(x, 'manifest.json'), JSON.stringify(manifest));
  const out = join(dir, 'out.tar');
  execFileSync('tar', ['-cf', out, '-C', x, 'manifest.json', name, ...manifest[0].Layers]);
  t.ok(['load', '-i', out]);
  rmSync(dir, { recursive: true, force: true });
}

test('--health-cmd: starting, unhealthy after --health-retries failures in a row, healthy at the first success; ps, filter, events', () => {
  // the first probe comes an interval after the start: until then, starting
  const waiting = run(['--name', 'waiting', '--health-cmd', 'true', '--health-interval', '1h', 'bb', 'sleep', '1000']);
  assert.equal(health('waiting'), { Status: 'starting', FailingStreak: 0, Log: [] });
  assert.match(status('waiting'), /^Up .* \(health: starting\)$/);
  assert.is(t.ok(['ps', '-q', '--no-trunc', '--filter', 'health=starting']), waiting);
  t.ok(['rm', '-f', 'waiting']);
  const id = run(['--name', 'web', '--health-cmd', 'echo probing; test -f /tmp/ok', '--health-interval', '300ms', '--health-retries', '2', 'bb', 'sleep', '1000']);
  until('unhealthy', () => health('web')?.Status === 'unhealthy');
  const h = health('web')!;
  assert.ok(h.FailingStreak >= 2, `streak ${h.FailingStreak}`);
  assert.ok(h.Log.length >= 2 && h.Log.length <= 5, `log of ${h.Log.length}`);
  for (const r of h.Log) {
    assert.is(r.ExitCode, 1);
    assert.is(r.Output, 'probing\n');
    assert.ok(Date.parse(r.End) >= Date.parse(r.Start));
  }
  assert.match(status('web'), /^Up .* \(unhealthy\)$/);
  assert.is(t.ok(['ps', '-q', '--no-trunc', '--filter', 'health=unhealthy']), id);
  assert.is(t.ok(['ps', '-q', '--filter', 'health=healthy']), '');
  t.ok(['exec', 'web', 'touch', '/tmp/ok']);
  until('healthy', () => health('web')?.Status === 'healthy');
  assert.is(health('web')!.FailingStreak, 0);
  assert.match(status('web'), /^Up .* \(healthy\)$/);
  assert.is(t.ok(['ps', '-q', '--no-trunc', '--filter', 'health=healthy']), id);
  until('a full log', () => health('web')!.Log.length === 5);
  pause(700);
  assert.is(health('web')!.Log.length, 5, 'the last 5 results only');
  assert.equal(healthEvents(id), ['health_status: unhealthy', 'health_status: healthy']);
  assert.equal(inspect('web').Config.Healthcheck, { Test: ['CMD-SHELL', 'echo probing; test -f /tmp/ok'], Interval: 300e6, Retries: 2 });
  // a container without a check: "none"
  const plain = run(['--name', 'plain', 'bb', 'sleep', '1000']);
  assert.is(t.ok(['ps', '-q', '--no-trunc', '--filter', 'health=none']), plain);
  assert.is(inspect('plain').State.Health, undefined);
  assert.is(t.ok(['inspect', '-f', '{{if .State.Health}}yes{{else}}no{{end}} {{if .Config.Healthcheck}}yes{{else}}no{{end}}', 'plain']), 'no no');
  assert.match(status('plain'), /^Up [^(]*$/);
  t.ok(['rm', '-f', 'web', 'plain']);
});

test('--health-timeout kills the probe: exit code -1 and docker\'s message; output is cut at 4096 bytes with "..."', () => {
  run(['--name', 'slow', '--health-cmd', 'sleep 30', '--health-timeout', '250ms', '--health-interval', '200ms', '--health-retries', '1', 'bb', 'sleep', '1000']);
  until('unhealthy', () => health('slow')?.Status === 'unhealthy');
  const r = health('slow')!.Log[0];
  assert.is(r.ExitCode, -1);
  assert.is(r.Output, 'Health check exceeded timeout (250ms)');
  const took = Date.parse(r.End) - Date.parse(r.Start);
  assert.ok(took >= 250 && took < 2000, `the probe was given up after ${took} ms`);
  // the killed probe is gone from the container
  until('the probe killed', () => !t.ok(['top', 'slow', '-o', 'pid,args']).includes('sleep 30'), 5000);

  run(['--name', 'loud', '--health-cmd', 'head -c 5000 /dev/zero | tr "\\0" a', '--health-interval', '200ms', 'bb', 'sleep', '1000']);
  until('a result', () => (health('loud')?.Log.length ?? 0) > 0);
  const h = health('loud')!;
  assert.is(h.Status, 'healthy');
  assert.is(h.Log[0].Output, 'a'.repeat(4096) + '...');
  t.ok(['rm', '-f', 'slow', 'loud']);
});

test('--health-start-period: failures inside it do not count while starting; after it they do', () => {
  const started = Date.now();
  run(['--name', 'boot', '--health-cmd', 'false', '--health-start-period', '6s', '--health-start-interval', '200ms',
    '--health-interval', '200ms', '--health-retries', '1', 'bb', 'sleep', '1000']);
  until('a first result', () => (health('boot')?.Log.length ?? 0) > 0);
  const h = health('boot')!;
  const runStart = Date.parse(inspect('boot').State.StartedAt);
  assert.ok(h.Log.every((r) => Date.parse(r.Start) - runStart < 6000), `the first probe came ${Date.now() - started} ms after the run: too late for this test`);
  assert.is(h.Status, 'starting');
  assert.is(h.FailingStreak, 0);
  until('unhealthy after the start period', () => health('boot')?.Status === 'unhealthy');
  assert.ok(Date.now() - runStart >= 6000, 'unhealthy only after the start period');
  t.ok(['rm', '-f', 'boot']);
});

test("the image's HEALTHCHECK: inherited (CMD form), a flag overrides one field, --no-healthcheck disables it", () => {
  const hc = { Test: ['CMD', '/bin/sh', '-c', 'echo from-image'], Interval: 200e6, Retries: 4 };
  imageWithHealthcheck('bbhc:1', hc);
  assert.equal(JSON.parse(t.ok(['image', 'inspect', 'bbhc:1']))[0].Config.Healthcheck, hc);
  run(['--name', 'inherit', 'bbhc:1', 'sleep', '1000']);
  assert.equal(inspect('inherit').Config.Healthcheck, hc);
  until('healthy', () => health('inherit')?.Status === 'healthy');
  assert.is(health('inherit')!.Log[0].Output, 'from-image\n');

  run(['--name', 'override', '--health-retries', '7', 'bbhc:1', 'sleep', '1000']);
  assert.equal(inspect('override').Config.Healthcheck, { ...hc, Retries: 7 });

  const none = run(['--name', 'off', '--no-healthcheck', 'bbhc:1', 'sleep', '1000']);
  // docker's merge: the image's timings stay, only the test is replaced
  assert.equal(inspect('off').Config.Healthcheck, { ...hc, Test: ['NONE'] });
  assert.is(inspect('off').State.Health, undefined);
  assert.is(t.ok(['ps', '-q', '--no-trunc', '--filter', 'health=none']), none);
  const ids = t.ok(['ps', '-q', '--no-trunc']).split('\n');
  assert.is(checkers(...ids).length, ids.length - 1, 'one checker per container with a check, none for --no-healthcheck');
  t.ok(['rm', '-f', 'inherit', 'override', 'off']);
});

test('a pause stops the probes and says unhealthy (docker\'s); the first probe after unpause says healthy', () => {
  run(['--name', 'nap', '--health-cmd', 'true', '--health-interval', '200ms', 'bb', 'sleep', '1000']);
  until('healthy', () => health('nap')?.Status === 'healthy');
  t.ok(['pause', 'nap']);
  assert.is(health('nap')!.Status, 'unhealthy');
  assert.match(status('nap'), /^Up .* \(Paused\)$/);
  const last = health('nap')!.Log.at(-1)!.Start;
  pause(600);
  assert.is(health('nap')!.Log.at(-1)!.Start, last, 'no probe while paused');
  t.ok(['unpause', 'nap']);
  until('healthy after the unpause', () => health('nap')?.Status === 'healthy');
  t.ok(['rm', '-f', 'nap']);
});

test('the checker lives as long as its run: stop (then unhealthy, as docker), start (starting, log kept), rm -f, a killed monitor', () => {
  // probes every 3 s while starting, then hourly: "starting" after the restart lasts 3 s
  const id = run(['--name', 'life', '--health-cmd', 'true', '--health-start-period', '1h', '--health-start-interval', '3s', '--health-interval', '1h',
    'bb', 'sleep', '1000']);
  until('healthy', () => health('life')?.Status === 'healthy');
  assert.is(checkers(id).length, 1);
  t.ok(['stop', '-t', '0', 'life']);
  assert.equal(checkers(id), [], 'no checker once stopped');
  assert.is(health('life')!.Status, 'unhealthy');
  assert.match(status('life'), /^Exited/);
  const kept = health('life')!.Log;
  assert.is(kept.length, 1);
  t.ok(['start', 'life']);
  assert.equal(health('life'), { Status: 'starting', FailingStreak: 0, Log: kept }, 'starting again, the log kept across runs');
  until('healthy again', () => health('life')?.Status === 'healthy');
  assert.is(checkers(id).length, 1, 'one checker for the new run');
  t.ok(['rm', '-f', 'life']);
  assert.equal(checkers(id), [], 'none after rm -f');

  const orphan = run(['--name', 'orphan', '--health-cmd', 'true', '--health-interval', '200ms', 'bb', 'sleep', '1000']);
  until('a checker', () => checkers(orphan).length === 1);
  process.kill(inspect('orphan').Berth.MonitorPid, 'SIGKILL');
  until('the checker gone with its monitor', () => checkers(orphan).length === 0, 5000);
  t.ok(['rm', '-f', 'orphan']);
});

test('system check finds a checker whose run is over, and --repair kills it', () => {
  const id = run(['--name', 'done', '--health-cmd', 'true', '--health-interval', '200ms', 'bb', 'true']);
  until('exited', () => inspect('done').State.Status === 'exited');
  const startedAt = inspect('done').State.StartedAt;
  // a checker for that run that escaped its collector: started while the container's lock is
  // held (it waits for it, as a start's checker does) and stopped there, so it cannot notice
  const holder = spawn('flock', [join(t.root, 'containers', id, 'lock'), 'sleep', '30'], { stdio: 'ignore', detached: true });
  until('the lock held', () => spawnSync('flock', ['-n', join(t.root, 'containers', id, 'lock'), 'true']).status !== 0, 5000);
  const main = join(packageRoot, 'dist', 'bundle', 'health-main.js');
  const stray = spawn(process.execPath, ['--', main, t.root, id, startedAt], { stdio: 'ignore', detached: true });
  until('the checker started', () => checkers(id).includes(stray.pid!), 5000);
  process.kill(stray.pid!, 'SIGSTOP');
  process.kill(-holder.pid!, 'SIGKILL'); // flock and its sleep, which holds the lock too
  const found = t.berth(['system', 'check']);
  assert.is(found.code, 1, found.stdout);
  assert.match(found.stdout, `health checker ${stray.pid} (container ${id.slice(0, 12)})`);
  t.ok(['system', 'check', '--repair']);
  until('the checker killed', () => checkers(id).length === 0, 5000);
  t.ok(['rm', '-f', 'done']);
});

test('bad health flags: docker\'s messages, exit 125, no container made', () => {
  const before = t.ok(['ps', '-a', '-q']);
  for (const [args, msg] of [
    [['--health-interval', '5'], 'invalid argument "5" for "--health-interval" flag: time: invalid duration "5"'],
    [['--health-timeout', '-1s'], '--health-timeout cannot be negative'],
    [['--health-retries', 'x'], 'invalid argument "x" for "--health-retries" flag: strconv.ParseInt: parsing "x": invalid syntax'],
    [['--health-retries', '-1'], '--health-retries cannot be negative'],
    [['--no-healthcheck', '--health-cmd', 'true'], '--no-healthcheck conflicts with --health-* options'],
    [['--health-interval', '100us'], 'Interval in Healthcheck cannot be less than 1ms'],
    [['--health-start-period', '10ns'], 'StartPeriod in Healthcheck cannot be less than 1ms'],
  ] as const) {
    for (const verb of ['run', 'create']) {
      const r = t.berth([verb, '--network', 'none', ...args, 'bb', 'true']);
      assert.is(r.code, 125, `${verb} ${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.trim().endsWith(msg), `${verb} ${args.join(' ')}: ${r.stderr}`);
      assert.is(r.stderr.trim().split('\n').length, 1);
    }
  }
  assert.is(t.ok(['ps', '-a', '-q']), before);
});

test.run();
