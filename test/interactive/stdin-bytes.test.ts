// stdin is bytes too, and both directions move at once: random data of sizes that cross
// every buffer boundary (4 KiB attach frames, 64 KiB pipes, the monitor's 8 KiB log
// records) goes through `run -i … cat` and `exec -i … cat` and comes back exactly (sha256),
// while cat's output is read back through the same monitor. The monitor used to write each
// stdin frame with a 1 s wait and drop it on timeout: a 1 MiB input took a minute and came
// back short, 50 MiB never finished.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-stdin-bytes-');
const data = mkdtempSync('/tmp/berth-test-stdin-bytes-data-');
const KiB = 1024, MiB = 1024 * KiB;
const SIZES = [0, 1, 4095, 4096, 4097, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, MiB, 50 * MiB];
const out = join(data, 'out');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  for (const n of SIZES) writeFileSync(join(data, `r${n}`), randomBytes(n));
  t.seen.push(t.ok(['run', '-d', '--name', 'box', 'bb', 'sleep', '1000']));
});

test.after(() => {
  rmSync(data, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function roundTrip(args: string[], n: number, how: string): void {
  const input = join(data, `r${n}`);
  // generous for 50 MiB on a loaded machine; a stall (the old 1 s per frame) takes far longer
  const r = t.berthFiles(args, out, { input, timeoutMs: 120_000 });
  assert.is(r.code, 0, `${how}, ${n} bytes: exit ${r.code}: ${r.stderr}`);
  const got = readFileSync(out), want = readFileSync(input);
  if (got.length !== want.length || sha(got) !== sha(want)) {
    assert.unreachable(`${how}, ${n} bytes: got ${got.length} bytes, sha256 ${sha(got).slice(0, 12)} (want ${sha(want).slice(0, 12)})`);
  }
}

for (const n of SIZES) {
  test(`${n} bytes through run -i cat and exec -i cat, unchanged`, () => {
    roundTrip(['run', '--rm', '-i', 'bb', 'cat'], n, 'run -i');
    roundTrip(['exec', '-i', 'box', 'cat'], n, 'exec -i');
  });
}

test('stdin is delivered before its EOF: wc counts every byte of 1 MiB', () => {
  const r = t.berthFiles(['run', '--rm', '-i', 'bb', 'sh', '-c', 'wc -c; echo eof-seen'], out, { input: join(data, `r${MiB}`) });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(out, 'utf8').trim().split(/\s+/).join(' '), `${MiB} eof-seen`);
});

test.run();
