// Issue 14: a full disk must not lose a container's exit code. The root is a
// small tmpfs; the disk is filled while the container runs; when it exits 3,
// berth must say 3 — not 255 "the container monitor died" — and a command that
// needs space must say the disk is full, in one line. And `ps` answers on a full disk
// even when a killed network verb left a repair to do, which a later command makes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { waitFor } from '../helpers/procs.js';

const t = new TestRoot('berth-test-full-');
const fill = join(t.root, 'fill');

test.before(() => {
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', t.root], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`mount tmpfs: ${m.stderr}`);
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  rmSync(fill, { force: true });
  const ids = t.berth(['ps', '-a', '-q', '--no-trunc']).stdout.split('\n').filter(Boolean);
  if (ids.length) t.berth(['rm', '-f', ...ids]);
  spawnSync('sleep', ['0.5']); // a monitor's cleanup may still hold files on the tmpfs
  spawnSync('umount', ['-l', t.root]);
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** Writes zeros until the filesystem is full. */
function fillDisk(): void {
  const fd = openSync(fill, 'w');
  const buf = Buffer.alloc(1 << 16);
  try {
    for (;;) writeSync(fd, buf);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

const state = (name: string) => JSON.parse(t.ok(['inspect', name]))[0].State;

test('a container that exits 3 on a full disk is reported as exited 3', () => {
  const id = t.ok(['run', '-d', '--name', 'full3', 'bb', 'sh', '-c', 'sleep 2; exit 3']);
  t.seen.push(id);
  fillDisk();
  assert.ok(waitFor(() => state('full3').Running === false, 15_000), 'the container exits');
  const st = state('full3');
  assert.is(st.ExitCode, 3, `exit code kept on a full disk (error: ${st.Error})`);
  assert.is(st.Error ?? '', '', 'no "monitor died" error');
  assert.match(t.ok(['ps', '-a', '--filter', 'name=full3', '--format', '{{.Status}}']), /^Exited \(3\)/);
});

test('on a full disk a start that needs space fails with one line saying so', () => {
  const r = t.berth(['run', '-d', 'bb', 'true']);
  assert.is(r.code, 125);
  assert.match(r.stderr, /no space left on device/i);
  assert.is(r.stderr.trim().split('\n').length, 1, 'one line');
});

test('once space is freed, the exit is collected and the container removed cleanly', () => {
  rmSync(fill, { force: true });
  assert.is(state('full3').ExitCode, 3);
  t.ok(['rm', 'full3']);
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('a network connect killed mid-way, then ps on a full disk: ps answers; the next ps with space repairs', () => {
  t.ok(['network', 'create', 'fulla']);
  t.ok(['network', 'create', 'fullb']);
  const id = t.ok(['run', '-d', '--name', 'fullnet', '--network', 'fulla', 'bb', 'sleep', '600']);
  t.seen.push(id);
  const killed = t.berth(['network', 'connect', 'fullb', 'fullnet'], { env: { BERTH_CRASH_AT: 'network-connect:attached' } });
  assert.is(killed.code, 137, `killed at its crash point: ${killed.stderr}`);
  const intent = join(t.root, 'networks', 'edits', `${id}.json`);
  assert.ok(existsSync(intent), 'the connect left its intent');
  const endpoints = () => Object.keys(JSON.parse(t.ok(['network', 'inspect', 'fullb']))[0].Containers);
  assert.equal(endpoints(), [id], 'and an endpoint the record does not name');
  fillDisk();
  try {
    assert.match(t.ok(['ps', '-a', '--format', '{{.Names}} {{.State}}']), /^fullnet running$/m, 'ps answers on a full disk');
    assert.ok(existsSync(intent), 'its repair could not be written: left for the next command');
  } finally {
    rmSync(fill, { force: true });
  }
  t.ok(['ps', '-a']);
  assert.not.ok(existsSync(intent), 'the next ps with space settled the connect');
  assert.equal(endpoints(), [], 'by undoing it: fullb holds no endpoint');
  assert.not.match(t.berth(['system', 'check', '--quick']).stdout, /fullnet|fullb|endpoint/, 'system check finds nothing of it');
  t.ok(['rm', '-f', 'fullnet']);
  t.ok(['network', 'rm', 'fulla', 'fullb']);
});

test.run();
