// Issue 14: a SIGKILLed `run -d` must never leave a container nobody can see.
// The CLI is killed at the two moments that used to leak — right after the
// container directory appears (before its record) and right after the monitor
// starts (before the run is recorded) — and at random delays; then every
// monitor alive must belong to a container `ps -a` lists, and `rm -f` of what
// is listed must leave no process, cgroup or directory behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin, leaks } from '../helpers/root.js';
import { idsFromEvents, idsOfMonitors, monitorsOf, pause, strayContainerEntries, waitFor } from '../helpers/procs.js';

const t = new TestRoot('berth-test-killrun-');
const seen = new Set<string>();

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  for (const id of [...idsFromEvents(t.root), ...idsOfMonitors(t.root)]) t.seen.push(id);
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const containersDir = () => join(t.root, 'containers');
// a container's directory by any name it has while made (.new-<id> while staged, then <id>)
const ids = () => (existsSync(containersDir()) ? readdirSync(containersDir()).filter((n) => /[0-9a-f]{64}$/.test(n)) : []);

/** Starts `run -d` and SIGKILLs it as soon as `when(newIds)` holds (or after `maxMs`). */
function runAndKill(name: string, when: (fresh: string[]) => boolean, maxMs = 5000): void {
  const before = new Set(ids());
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'run', '-d', '--name', name, 'bb', 'sleep', '300'], { stdio: 'ignore' });
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const fresh = ids().filter((i) => !before.has(i));
    if (when(fresh)) break;
    pause(1); // a busy loop would take one of the two cores from the CLI it waits for
  }
  child.kill('SIGKILL');
  // dead = gone or a zombie (node reaps it only when this synchronous test yields)
  waitFor(() => { try { return readFileSync(`/proc/${child.pid}/stat`, 'utf8').includes(') Z'); } catch { return true; } }, 5000);
}

/** The invariant: every monitor of this root belongs to a listed container, shown as running. */
function assertNothingInvisible(what: string): void {
  const listed = t.ok(['ps', '-a', '-q', '--no-trunc']).split('\n').filter(Boolean);
  listed.forEach((i) => seen.add(i));
  const running = new Set(t.ok(['ps', '-q', '--no-trunc']).split('\n').filter(Boolean));
  for (const id of idsOfMonitors(t.root)) {
    seen.add(id);
    if (existsSync(join(containersDir(), id, 'exit.json'))) continue; // its init is gone: on its way out
    assert.ok(listed.includes(id), `${what}: the monitor of ${id.slice(0, 12)} runs, but ps -a does not list it`);
    assert.ok(running.has(id), `${what}: ${id.slice(0, 12)} has a live monitor and init, but ps calls it stopped`);
  }
  assert.equal(strayContainerEntries(t.root), [], `${what}: container directories without a record after the next command`);
}

function removeAllAndCheck(what: string): void {
  const listed = t.ok(['ps', '-a', '-q', '--no-trunc']).split('\n').filter(Boolean);
  if (listed.length) t.ok(['rm', '-f', ...listed]);
  const gone = waitFor(() => monitorsOf(t.root).length === 0, 5000);
  assert.ok(gone, `${what}: monitors still run after rm -f of everything listed: ${monitorsOf(t.root).join(' ')}`);
  assert.equal(strayContainerEntries(t.root), [], `${what}: container directories left after rm -f`);
  // a monitor's cleanup command may still be finishing (it outlives `rm` by design)
  const clean = () => leaks(t.root, [...seen, ...idsFromEvents(t.root)]).length === 0;
  waitFor(clean, 10_000, 100);
  assert.equal(leaks(t.root, [...seen, ...idsFromEvents(t.root)]), [], `${what}: leftovers`);
}

test('killed right after the monitor starts: the container is listed (running), and rm -f removes all of it', () => {
  for (let i = 0; i < 3; i++) {
    runAndKill(`km${i}`, (fresh) => fresh.some((id) => existsSync(join(containersDir(), id, 'ctr.log'))));
    assertNothingInvisible(`kill #${i} at monitor start`);
  }
  removeAllAndCheck('after monitor-start kills');
});

test('killed while the container directory is made: no directory without a record stays', () => {
  for (let i = 0; i < 3; i++) {
    runAndKill(`kd${i}`, (fresh) => fresh.length > 0);
    assertNothingInvisible(`kill #${i} at create`);
  }
  removeAllAndCheck('after create kills');
});

test('killed at random delays (10-400 ms): nothing invisible, nothing left after rm -f', () => {
  for (let i = 0; i < 6; i++) {
    const at = Date.now() + 10 + Math.floor(Math.random() * 390);
    runAndKill(`kr${i}`, () => Date.now() >= at);
  }
  assertNothingInvisible('random kills');
  removeAllAndCheck('after random kills');
});

test.run();
