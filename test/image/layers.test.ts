// The layer store below the import: chain IDs per the OCI spec, a stack of
// layers (top first for overlay), a layer present is not unpacked again, a
// digest mismatch is refused, opaque whiteouts become overlayfs' xattr, and
// failures leave no temp dir behind.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BerthError } from '../../src/engine/errors.js';
import { LayerStore, chainIdOf } from '../../src/engine/image/layers.js';
import { Layout } from '../../src/engine/store/layout.js';
import { rejection, scratch, tarOf } from './tars.js';

const s = scratch('berth-test-layers-');
test.after(s.remove);
const layout = new Layout(join(s.dir, 'root'));
layout.ensure();
const layers = new LayerStore(layout);
const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test('chain IDs: the base is its diffID, then sha256("<parent> <diff>")', () => {
  const a = `sha256:${'a'.repeat(64)}`;
  const b = `sha256:${'b'.repeat(64)}`;
  assert.is(chainIdOf(null, a), a);
  assert.is(chainIdOf(a, b), `sha256:${createHash('sha256').update(`${a} ${b}`).digest('hex')}`);
});

test('a two-layer stack; a layer already present is not unpacked again', async () => {
  const base = await tarOf([{ name: 'etc/os', content: 'base' }]);
  const top = await tarOf([{ name: 'etc/.wh.os', content: '' }, { name: 'app', content: 'top' }]);
  let opened = 0;
  const open = (b: Buffer) => () => { opened++; return Readable.from([b]); };

  const l0 = await layers.prepare(null, digest(base), open(base));
  await l0.commit();
  const l1 = await layers.prepare(l0.record.chainId, digest(top), open(top));
  await l1.commit();
  assert.is(l1.record.chainId, chainIdOf(digest(base), digest(top)));
  assert.equal(layers.get(l1.record.chainId), { chainId: l1.record.chainId, diffId: digest(top), parent: digest(base), size: 3 });
  assert.is(readFileSync(join(layers.diffDir(l1.record.chainId), 'app'), 'utf8'), 'top');
  assert.is(opened, 2);

  const again = await layers.prepare(null, digest(base), open(base));
  await again.commit();
  await again.discard();
  assert.is(opened, 2, 'present: not read, not unpacked');
  assert.equal(readdirSync(layout.tmpDir), []);
});

test('refused: content that does not hash to its diffID, a missing parent; opaque dirs above a parent get the overlay xattr', async () => {
  const t1 = await tarOf([{ name: 'f', content: 'x' }]);
  const wrong = `sha256:${'0'.repeat(64)}`;
  const e1 = await rejection(() => layers.prepare(null, wrong, () => Readable.from([t1])));
  assert.ok(e1 instanceof BerthError && e1.code === 'CORRUPT', e1.message);
  assert.match(e1.message, /hashes to sha256:[a-f0-9]{64}, expected sha256:0+/);

  const opq = await tarOf([{ name: 'd/.wh..wh..opq', content: '' }]);
  const e2 = await rejection(() => layers.prepare(digest(t1), digest(opq), () => Readable.from([opq])));
  assert.match(e2.message, /parent layer .* is missing/);
  const base = await layers.prepare(null, digest(t1), () => Readable.from([t1]));
  await base.commit();
  // an opaque dir above a parent becomes overlayfs' trusted.overlay.opaque=y (python3 reads xattrs; Node cannot)
  const above = await layers.prepare(digest(t1), digest(opq), () => Readable.from([opq]));
  await above.commit();
  const dir = join(layers.diffDir(above.record.chainId), 'd');
  const xattr = execFileSync('python3', ['-c', 'import os,sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque", follow_symlinks=False).decode())', dir], { encoding: 'utf8' });
  assert.is(xattr.trim(), 'y');
  assert.equal(readdirSync(dir), [], 'the marker itself is not extracted');
  await layers.remove(above.record.chainId);
  // a base layer may carry an opaque marker: there is nothing below it to hide
  const ok = await layers.prepare(null, digest(opq), () => Readable.from([opq]));
  await ok.discard();
  assert.equal(readdirSync(layout.tmpDir), [], 'no temp dir left by failures or discards');
});

test('remove deletes a layer whole', async () => {
  const t2 = await tarOf([{ name: 'gone', content: 'x' }]);
  const l = await layers.prepare(null, digest(t2), () => Readable.from([t2]));
  await l.commit();
  assert.ok(layers.has(l.record.chainId));
  await layers.remove(l.record.chainId);
  assert.not.ok(layers.has(l.record.chainId));
  assert.not.ok(existsSync(layout.layer(l.record.chainId.slice(7))));
  assert.equal(readdirSync(layout.tmpDir), []);
});

test.run();
