// What a killed import or pull leaves in <root>/tmp is removed by the next command that
// takes the images lock (here `tag`), while what a running one holds stays and `system
// df` counts it; a command that takes no lock (`images`) does not even look. A leftover
// export mount is detached, never deleted through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { scratch } from './tars.js';

const t = new TestRoot('berth-test-tmpsweep-');
const s = scratch('berth-test-tmpsweep-files-');
const children: ChildProcess[] = [];

test.after(() => {
  for (const c of children) c.kill('SIGKILL');
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const tmp = () => (existsSync(join(t.root, 'tmp')) ? readdirSync(join(t.root, 'tmp')).sort() : []);
const sleep = (s: number) => spawnSync('sleep', [String(s)]);

/** An import reading a stdin that is fed 1 MiB of a tar and then stalls: it holds a pending blob and a layer in tmp/. */
function stalledImport(): ChildProcess {
  const c = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'import', '-', 'stalled'], { stdio: ['pipe', 'ignore', 'ignore'] });
  children.push(c);
  c.stdin!.on('error', () => undefined); // EPIPE once it is killed
  c.stdin!.write(readFileSync(busyboxTar()).subarray(0, 1024 * 1024));
  return c;
}

const ownedBy = (pid: number) => tmp().filter((n) => n.includes(`-${pid}.`));

test('setup', () => {
  t.ok(['import', busyboxTar(), 'bb']);
  assert.equal(tmp(), []);
});

test('a SIGKILLed import\'s temp files go at the next locking command; a running one\'s stay, and df counts them', () => {
  const dead = stalledImport();
  for (let i = 0; i < 100 && ownedBy(dead.pid!).length < 2; i++) sleep(0.05);
  assert.is(ownedBy(dead.pid!).length, 2, `a blob and a layer: ${tmp()}`);
  dead.kill('SIGKILL');
  const live = stalledImport();
  for (let i = 0; i < 100 && ownedBy(live.pid!).length < 2; i++) sleep(0.05);
  for (let i = 0; i < 100 && existsSync(`/proc/${dead.pid}`); i++) sleep(0.05);

  // a leftover export mount of a dead process: rw, onto a directory that must keep its file
  const victim = join(s.dir, 'mounted');
  mkdirSync(victim);
  writeFileSync(join(victim, 'keep'), 'x');
  const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').slice(0, 8);
  const exportDir = join(t.root, 'tmp', `export-${gone}.1.${boot}-0123456789ab`);
  mkdirSync(exportDir);
  spawnSync('mount', ['--bind', victim, exportDir]);

  t.ok(['images']); // takes no lock: leaves tmp/ alone
  assert.is(ownedBy(dead.pid!).length, 2);

  const df = t.ok(['system', 'df']);
  assert.match(df, /^Temporary files +2 +2 +\S+ +0B$/m, df);
  assert.equal(ownedBy(dead.pid!), [], 'the killed import\'s blob and layer are gone');
  assert.is(ownedBy(live.pid!).length, 2, 'the running import keeps its own');
  assert.not.ok(existsSync(exportDir), 'the export leftover is gone');
  assert.is(readFileSync(join(victim, 'keep'), 'utf8'), 'x', 'nothing deleted through its mount');
  assert.not.ok(readFileSync('/proc/self/mountinfo', 'utf8').includes(exportDir), 'detached');

  live.kill('SIGKILL');
  for (let i = 0; i < 100 && existsSync(`/proc/${live.pid}`); i++) sleep(0.05);
  t.ok(['tag', 'bb', 'bb:again']); // the first locking command of a new process
  assert.equal(tmp(), []);
  assert.not.match(t.ok(['system', 'df']), /Temporary files/);
});

test.run();
