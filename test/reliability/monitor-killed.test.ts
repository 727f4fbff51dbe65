// Issue 14: a SIGKILLed monitor must not make berth lie. The init and its
// cgroup are the truth: the container stays "running" while its processes
// live, `stop` and `kill` reach them, and `start` does not run a second copy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { cgroupPids, waitFor } from '../helpers/procs.js';

const t = new TestRoot('berth-test-monkill-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

interface Run { pid: number; monitorPid: number; cgroupPaths: string[] }
const runOf = (id: string): Run => JSON.parse(readFileSync(join(t.root, 'containers', id, 'container.json'), 'utf8')).run;
const state = (name: string) => JSON.parse(t.ok(['inspect', name]))[0].State;
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** Runs `sleep 600` detached and SIGKILLs its monitor; returns the id and the run facts. */
function runAndKillMonitor(name: string): { id: string; run: Run } {
  const id = t.ok(['run', '-d', '--name', name, 'bb', 'sleep', '600']);
  t.seen.push(id);
  const run = runOf(id);
  process.kill(run.monitorPid, 'SIGKILL');
  assert.ok(waitFor(() => !alive(run.monitorPid) || readFileSync(`/proc/${run.monitorPid}/stat`, 'utf8').includes(') Z'), 5000), 'the monitor died');
  return { id, run };
}

test('after its monitor is killed, a container whose init lives is running, and stop stops it', () => {
  const { run } = runAndKillMonitor('km1');
  assert.ok(alive(run.pid), 'the init outlives its monitor');
  const st = state('km1');
  assert.is(st.Status, 'running', 'its processes live: running, not "exited (255)"');
  assert.is(st.Running, true);
  assert.match(t.ok(['ps', '--filter', 'name=km1', '--format', '{{.Status}}']), /^Up/);
  t.ok(['stop', '-t', '1', 'km1']);
  assert.ok(waitFor(() => cgroupPids(run.cgroupPaths).length === 0, 5000), `stop reached the processes: ${cgroupPids(run.cgroupPaths).join(' ')} still run`);
  assert.is(state('km1').Running, false);
  t.ok(['rm', 'km1']);
});

test('start does not run a second copy while the first still runs', () => {
  const { run } = runAndKillMonitor('km2');
  t.ok(['start', 'km2']); // docker: starting a running container is a no-op
  const after = cgroupPids(run.cgroupPaths);
  assert.equal(after, [run.pid], 'one init, the first one');
  assert.is(runOf(t.ok(['inspect', '-f', '{{.Id}}', 'km2'])).pid, run.pid, 'the record still names the first init');
  t.ok(['kill', 'km2']);
  assert.ok(waitFor(() => !alive(run.pid) || readFileSync(`/proc/${run.pid}/stat`, 'utf8').includes(') Z'), 5000), 'kill reached the init');
  assert.ok(waitFor(() => state('km2').Running === false, 5000), 'then it is stopped');
  t.ok(['start', 'km2']);
  assert.is(state('km2').Running, true, 'once stopped, it starts again');
  t.ok(['rm', '-f', 'km2']);
});

test('rm -f of a container whose monitor died kills its processes and removes its cgroups', () => {
  const { run } = runAndKillMonitor('km3');
  t.ok(['rm', '-f', 'km3']);
  assert.ok(waitFor(() => !alive(run.pid) || readFileSync(`/proc/${run.pid}/stat`, 'utf8').includes(') Z'), 5000), 'the init is gone');
  assert.equal(cgroupPids(run.cgroupPaths), []);
});

test('a --rm container whose monitor died is removed once its processes end (docker: --rm removes it)', () => {
  const id = t.ok(['run', '-d', '--rm', '--name', 'km4', 'bb', 'sleep', '600']);
  t.seen.push(id);
  const run = runOf(id);
  process.kill(run.monitorPid, 'SIGKILL');
  assert.ok(waitFor(() => !alive(run.monitorPid) || readFileSync(`/proc/${run.monitorPid}/stat`, 'utf8').includes(') Z'), 5000), 'the monitor died');
  process.kill(run.pid, 'SIGKILL'); // the container ends with no monitor to record it or remove it
  assert.ok(waitFor(() => cgroupPids(run.cgroupPaths).length === 0, 5000), 'its processes ended');
  assert.ok(waitFor(() => t.ok(['ps', '-a', '-q', '--filter', 'name=km4']) === '', 10_000), 'the next ps notices the lost exit, and it is removed');
});

test.run();
