// The runner's sweep of killed runs (test/helpers/stale-roots.ts): a test file SIGKILLed
// while its container runs leaves a monitor, the container's processes and cgroups and its
// root; the sweep removes exactly those, and leaves the roots of live runs alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestRoot, leaks } from '../helpers/root.js';
import { monitorsOf, idsOfMonitors, waitFor } from '../helpers/procs.js';
import { staleRoots, sweepRoot } from '../helpers/stale-roots.js';

const t = new TestRoot('berth-test-sweep-');
const helpers = fileURLToPath(new URL('../helpers/', import.meta.url));

test.after(() => {
  assert.equal(t.cleanup(), []);
});

/** A test file's process that makes a root, starts a container in it, and is then killed. */
async function killedRun(): Promise<{ root: string; id: string }> {
  const script = `
    const { TestRoot } = await import(${JSON.stringify(join(helpers, 'root.js'))});
    const { busyboxTar } = await import(${JSON.stringify(join(helpers, 'fixtures.js'))});
    const t = new TestRoot('berth-test-killed-');
    t.ok(['import', busyboxTar(), 'bb']);
    const id = t.ok(['run', '-d', '--network', 'none', 'bb', 'sleep', '300']);
    console.log(JSON.stringify({ root: t.root, id }));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  for (let i = 0; i < 600 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  return JSON.parse(out) as { root: string; id: string };
}

test('a killed run\'s root is stale, and the sweep leaves nothing of it', async () => {
  const { root, id } = await killedRun();
  assert.ok(staleRoots().includes(root), 'the root of the killed process is stale');
  assert.not.ok(staleRoots().includes(t.root), 'this (live) file\'s root is not');
  assert.equal(idsOfMonitors(root), [id], 'its container still runs under its monitor');
  const cgroupsBefore = leaks(root, [id]).filter((l) => l.startsWith('cgroup:'));
  assert.ok(cgroupsBefore.length > 0, 'the container has cgroups');
  const sleeper = Number(readFileSync(join(cgroupsBefore[0].slice('cgroup: '.length), 'cgroup.procs'), 'utf8').split('\n').find(Boolean) ?? 0);

  assert.equal(sweepRoot(root), []);
  assert.not.ok(existsSync(root), 'the root is gone');
  assert.ok(waitFor(() => monitorsOf(root).length === 0, 5000), 'no monitor is left');
  assert.ok(!sleeper || waitFor(() => !existsSync(`/proc/${sleeper}`) || readFileSync(`/proc/${sleeper}/stat`, 'utf8').includes(') Z'), 5000), 'the container\'s process is gone');
  assert.equal(leaks(root, [id]), [], 'no cgroup, mount or process names it');
  assert.ok(existsSync(t.root), 'a live run\'s root stays');
});

test.run();
