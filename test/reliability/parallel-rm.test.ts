// Issue 14: 16 parallel `rm -f` used to fail now and then with ENOTEMPTY on
// containers/<id> (a directory holding only its lock file stayed), and an
// `rm -f` of a container a racing command had just removed failed. Docker's
// `rm -f` treats a container that is already gone as removed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { strayContainerEntries } from '../helpers/procs.js';

const t = new TestRoot('berth-test-prm-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

function berthAsync(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['--', berthBin, '--root', t.root, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code: code ?? 137, stderr }));
  });
}

test('16 parallel rm -f of 16 running containers, two rounds: all succeed, nothing stays', async () => {
  for (let round = 0; round < 2; round++) {
    const ids = await Promise.all(Array.from({ length: 16 }, async () => {
      const r = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'run', '-d', 'bb', 'sleep', '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      r.stdout.on('data', (d) => (out += d));
      await new Promise((res) => r.on('close', res));
      return out.trim();
    }));
    ids.forEach((id) => t.seen.push(id));
    assert.is(ids.filter((i) => /^[0-9a-f]{64}$/.test(i)).length, 16, 'all started');
    // each rm races another rm of the same container and a ps -a
    const results = await Promise.all([
      ...ids.map((id) => berthAsync(['rm', '-f', id])),
      ...ids.map((id) => berthAsync(['rm', '-f', id])),
      ...ids.slice(0, 4).map(() => berthAsync(['ps', '-a'])),
    ]);
    const failed = results.filter((r) => r.code !== 0);
    assert.equal(failed.map((r) => r.stderr.trim()), [], `round ${round}: every rm -f and ps succeeds`);
    assert.is(t.ok(['ps', '-a', '-q']), '', `round ${round}: all gone`);
    assert.equal(strayContainerEntries(t.root), [], `round ${round}: no directory stays`);
  }
});

test('rm -f of a container that does not exist: the error is said, the exit status is 0 (docker)', () => {
  const r = t.berth(['rm', '-f', 'no-such-container']);
  assert.is(r.code, 0);
  assert.match(r.stderr, /no such container/i);
  const plain = t.berth(['rm', 'no-such-container']);
  assert.ok(plain.code !== 0, 'without -f it is an error');
});

test.run();
