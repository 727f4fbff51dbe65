// `system check` finds what crashes and kills leave (each planted here the way
// a killed command or monitor leaves it), `--repair` fixes what is safe and
// says so, what needs a person stays reported; `info` counts the problems;
// `system boot` settles containers whose processes are gone, then starts those
// whose restart policy brings them back after a reboot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { waitFor } from '../helpers/procs.js';

const t = new TestRoot('berth-test-check-');
const alive = (pid: number): boolean => { try { process.kill(pid, 0); return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'); } catch { return false; } };
const runOf = (id: string) => JSON.parse(readFileSync(join(t.root, 'containers', id, 'container.json'), 'utf8')).run;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('a clean root: no problems, exit 0; info says none', () => {
  assert.is(t.ok(['system', 'check']), 'No problems found');
  assert.match(t.ok(['info']), /^Problems: none found$/m);
});

test('planted problems are found (exit 1), repaired with --repair, and gone after', () => {
  // a container whose record vanished while it runs (what the old rm race left)
  const orphan = t.ok(['run', '-d', 'bb', 'sleep', '300']);
  t.seen.push(orphan);
  const orphanRun = runOf(orphan);
  unlinkSync(join(t.root, 'containers', orphan, 'container.json')); // the directory stays, without a record
  // a container whose monitor and init were killed (a crash): its exit never collected
  const lost = t.ok(['run', '-d', '--name', 'lost', 'bb', 'sleep', '300']);
  t.seen.push(lost);
  const lostRun = runOf(lost);
  process.kill(lostRun.monitorPid, 'SIGKILL');
  process.kill(lostRun.pid, 'SIGKILL');
  assert.ok(waitFor(() => !alive(lostRun.pid), 5000));
  // a killed create's staging directory, a dead writer's temp file, a blob with wrong bytes
  mkdirSync(join(t.root, 'containers', '.new-' + 'f'.repeat(64)));
  writeFileSync(join(t.root, 'images', '.images.json.tmp-999999-0123abcd'), '{');
  const blob = join(t.root, 'blobs', 'sha256', 'e'.repeat(64));
  writeFileSync(blob, 'not what the name says');

  const r = t.berth(['system', 'check']);
  assert.is(r.code, 1, 'problems: exit 1');
  assert.match(r.stdout, /container lost \([0-9a-f]{12}\): its monitor died and nothing of it runs/);
  assert.match(r.stdout, new RegExp(`containers/${orphan}: a container directory without a record`));
  assert.match(r.stdout, new RegExp(`cgroup ${orphan.slice(0, 12)} .*processes and cgroups of no container`));
  assert.match(r.stdout, new RegExp(`berth-monitor ${orphanRun.monitorPid} .*runs for a container that has no record`));
  assert.match(r.stdout, /\.new-f{64}: left by a create or rm that was killed/);
  assert.match(r.stdout, /\.images\.json\.tmp-999999-0123abcd: half-written by process 999999/);
  assert.match(r.stdout, new RegExp(`blobs/sha256/${'e'.repeat(64)}: its content hashes to`));

  const fixed = t.berth(['system', 'check', '--repair']);
  assert.match(fixed.stdout, /Repaired container lost .*collected the exit/);
  assert.match(fixed.stdout, /Repaired berth-monitor \d+ .*killed/);
  assert.match(fixed.stdout, new RegExp(`Remains: blobs/sha256/${'e'.repeat(64)}`), 'a damaged blob needs a person');
  assert.is(fixed.code, 1);
  assert.ok(waitFor(() => !alive(orphanRun.pid) && !alive(orphanRun.monitorPid), 5000), 'the orphan\'s processes are gone');
  const st = JSON.parse(t.ok(['inspect', 'lost']))[0].State;
  assert.is(st.ExitCode, 255);
  assert.match(st.Error, /monitor died/);

  // info: quick (no blob hashing), and it counts what it finds
  writeFileSync(join(t.root, 'images', '.images.json.tmp-999999-4567abcd'), '{');
  const info = t.ok(['info']);
  assert.match(info, /^Problems: 1 \(berth system check --repair/m);
  assert.match(info, /^ .*\.images\.json\.tmp-999999-4567abcd: half-written/m);
  assert.not.match(info, /blobs\/sha256/, 'info is quick: no blob hashing');
  unlinkSync(join(t.root, 'images', '.images.json.tmp-999999-4567abcd'));
  unlinkSync(blob);
  assert.is(t.ok(['system', 'check']), 'No problems found');
  t.ok(['rm', 'lost']);
});

test('a layer no image uses is a problem past --max; younger ones are not', () => {
  const id = t.ok(['run', '-d', '--name', 'c1', 'bb', 'sh', '-c', 'echo x > /f; sleep 300']);
  t.seen.push(id);
  t.ok(['commit', 'c1', 'snap']);
  t.ok(['rm', '-f', 'c1']);
  const layers = readdirSync(join(t.root, 'layers'));
  // the image record goes, its layer stays: what a load killed before its commit leaves
  const file = JSON.parse(readFileSync(join(t.root, 'images', 'images.json'), 'utf8'));
  file.images = file.images.filter((i: { repoTags: string[] }) => !i.repoTags.some((x) => x.includes('snap')));
  writeFileSync(join(t.root, 'images', 'images.json'), JSON.stringify(file));
  assert.is(layers.length, 2);
  const young = t.berth(['system', 'check']);
  assert.is(young.stdout.trim(), 'No problems found', 'younger than 24h: possibly a pull in progress');
  const r = t.berth(['system', 'check', '--max', '0', '--repair']);
  assert.match(r.stdout, /layer sha256:[0-9a-f]{64}: no image or container uses it/);
  assert.match(r.stdout, /No problems remain/);
  assert.is(readdirSync(join(t.root, 'layers')).length, 1);
  assert.is(t.berth(['system', 'check', '--max', 'soon']).code, 125, 'a bad --max is refused');
});

test('system boot settles containers whose processes are gone and says what it did', () => {
  const id = t.ok(['run', '-d', '--name', 'rebooted', 'bb', 'sleep', '300']);
  t.seen.push(id);
  const run = runOf(id);
  process.kill(run.monitorPid, 'SIGKILL');
  process.kill(run.pid, 'SIGKILL');
  assert.ok(waitFor(() => !alive(run.pid), 5000));
  const r = t.berth(['system', 'boot']);
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, /Repaired container rebooted .*collected the exit/);
  assert.is(t.ok(['system', 'check']), 'No problems found');
  t.ok(['rm', 'rebooted']);
});

test('system boot starts the containers a reboot ended whose policy is always or unless-stopped', () => {
  const always = t.ok(['run', '-d', '--name', 'boot-always', '--restart', 'always', 'bb', 'sleep', '300']);
  const plain = t.ok(['run', '-d', '--name', 'boot-plain', 'bb', 'sleep', '300']);
  t.seen.push(always, plain);
  for (const id of [always, plain]) { // what a reboot does: every process gone, nothing collected
    const run = runOf(id);
    process.kill(run.monitorPid, 'SIGKILL');
    process.kill(run.pid, 'SIGKILL');
    assert.ok(waitFor(() => !alive(run.pid), 5000));
  }
  const r = t.berth(['system', 'boot']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^Started container boot-always \(restart policy\)$/m);
  assert.not.match(r.stdout, /Started container boot-plain/);
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'boot-always']), 'running');
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'boot-plain']), 'exited');
  assert.is(t.ok(['inspect', '-f', '{{.RestartCount}}', 'boot-always']), '0', 'a start at boot is not a restart by the policy');
  t.ok(['rm', '-f', 'boot-always', 'boot-plain']);
});

test.run();
