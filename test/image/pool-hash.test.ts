// PoolHash, the sha256 that blobs and layers are hashed with on the thread pool:
// it must equal node:crypto's digest whatever the pieces (empty, pooled slices,
// many small updates queued before any ran, more than it lets queue), and the
// native side refuses what would reorder or reuse a hash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { PoolHash } from '../../src/engine/image/digest.js';
import { sha256Create, sha256Digest, sha256Update } from '../../src/native/index.js';

const expected = (...parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return `sha256:${h.digest('hex')}`;
};

test('no update at all is the empty digest', async () => {
  assert.is(await new PoolHash().digest(), expected());
});

test('small, empty and pooled pieces queued at once hash in order', async () => {
  const parts = [Buffer.from('a'), Buffer.alloc(0), Buffer.from('bc'), ...Array.from({ length: 200 }, (_, i) => Buffer.from(`piece ${i}\n`))];
  const h = new PoolHash();
  for (const p of parts) assert.is(h.update(p), undefined); // nothing like 8 MiB queued: no waiting
  assert.is(await h.digest(), expected(...parts));
});

test('past 8 MiB queued, update hands back a promise to wait on; the digest is the same', async () => {
  const parts = Array.from({ length: 12 }, () => randomBytes(1024 * 1024));
  const h = new PoolHash();
  let waited = 0;
  for (const p of parts) {
    const behind = h.update(p);
    if (behind) { waited++; await behind; }
  }
  assert.ok(waited > 0, 'a caller that never waited could queue a whole layer in memory');
  assert.is(await h.digest(), expected(...parts));
});

test('the native hash refuses a second update while one runs, and any use after its digest', async () => {
  const h = sha256Create();
  const running = sha256Update(h, randomBytes(1024));
  assert.throws(() => sha256Update(h, Buffer.from('x')), /still running/);
  assert.throws(() => sha256Digest(h), /still running/);
  await running;
  assert.is.not(sha256Digest(h), '');
  assert.throws(() => sha256Update(h, Buffer.from('x')), /after digest/);
  assert.throws(() => sha256Digest(h), /twice/);
});

test.run();
