// Hostile images are bounded: a layer that expands past BERTH_MAX_LAYER_SIZE is refused
// as it expands (import and load here, pull in test/registry/hostile.test.ts), and no
// write goes below the free space berth keeps (BERTH_MIN_FREE_SPACE, or its default),
// shown on a real small filesystem: the test's root is a 32 MiB tmpfs. Import reads its
// input once: a gzip is kept as it came, so a 20 MiB layer fits beside its files where
// a decompressed copy would not. Nothing is left in tmp/ or the store after a refusal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { scratch, tarOf } from './tars.js';

const t = new TestRoot('berth-test-bounds-');
const s = scratch('berth-test-bounds-files-');
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m,mode=0700', 'berth-test-bounds', t.root]);

test.after(() => {
  execFileSync('umount', [t.root]);
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const MiB = 1024 * 1024;
const ls = (sub: string) => (existsSync(join(t.root, sub)) ? readdirSync(join(t.root, sub)) : []);
const used = () => { const st = statfsSync(t.root); return (st.blocks - st.bfree) * st.bsize; };
const zeros = async (name: string, mib: number) => gzipSync(await tarOf([{ name, content: Buffer.alloc(mib * MiB) }]));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function refused(args: string[], env: Record<string, string>, why: RegExp): void {
  const r = t.berth(args, { env });
  assert.is(r.code, 1, r.stderr); // import and load: docker's status for an engine refusal (run would be 125)
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, why);
  assert.equal(ls('tmp'), [], 'nothing left in tmp/');
  assert.equal(ls('layers'), []);
  assert.equal(ls('blobs/sha256'), []);
}

test('import: a gzip that expands past BERTH_MAX_LAYER_SIZE is refused as it expands', async () => {
  const file = join(s.dir, 'bomb.tar.gz');
  writeFileSync(file, await zeros('zeros', 8));
  refused(['import', file, 'bomb'], { BERTH_MAX_LAYER_SIZE: '1m' },
    /^Error: layer: it expands to more than 1m uncompressed \(BERTH_MAX_LAYER_SIZE\): refused$/m);
  refused(['import', file, 'bomb'], { BERTH_MAX_LAYER_SIZE: 'lots' }, /invalid BERTH_MAX_LAYER_SIZE "lots": expected a size such as 512m or 20g/);
});

test('import: a file bigger than the free space is refused before it is written; the disk is as it was', async () => {
  const file = join(s.dir, 'big.tar.gz');
  writeFileSync(file, await zeros('big', 100));
  const before = used();
  refused(['import', file, 'big'], {}, /^Error: layer: big: not enough disk space: [\d.]+MB free, 105MB needed, and berth keeps .* free \(BERTH_MIN_FREE_SPACE\)$/m);
  assert.ok(used() - before < MiB, `the tmpfs holds ${used() - before} bytes more than before`);
  // the margin is the user's to set: with 40 MiB kept free (more than there is), even a busybox import is refused
  refused(['import', busyboxTar(), 'bb'], { BERTH_MIN_FREE_SPACE: '40m' }, /not enough disk space/);
});

test('import streams once: a gzipped 20 MiB layer fits on 32 MiB (a decompressed copy beside the files would not)', async () => {
  const gz = await zeros('twenty', 20);
  const file = join(s.dir, 'twenty.tar.gz');
  writeFileSync(file, gz);
  const r = t.berth(['import', file, 'twenty'], { env: { BERTH_MIN_FREE_SPACE: '1m' } });
  assert.is(r.code, 0, r.stderr);
  const manifestLayers = JSON.parse(t.ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'twenty']));
  assert.is(manifestLayers.length, 1);
  assert.ok(ls('blobs/sha256').includes(sha(gz)), 'the gzip is kept as it came');
  assert.equal(ls('tmp'), []);
  t.ok(['rmi', 'twenty']);
  assert.equal(ls('blobs/sha256'), []);
});

test('load: a layer member that expands past BERTH_MAX_LAYER_SIZE is refused', async () => {
  const tar = await tarOf([{ name: 'zeros', content: Buffer.alloc(8 * MiB) }]);
  const layer = gzipSync(tar);
  const diffId = sha(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] } }));
  const file = join(s.dir, 'bomb-archive.tar');
  writeFileSync(file, await tarOf([
    { name: `${sha(config)}.json`, content: config },
    { name: 'layer.tar.gz', content: layer },
    { name: 'manifest.json', content: JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['bomb:1'], Layers: ['layer.tar.gz'] }]) },
  ]));
  refused(['load', '-i', file], { BERTH_MAX_LAYER_SIZE: '1m' }, /layer: it expands to more than 1m uncompressed \(BERTH_MAX_LAYER_SIZE\)/);
});

test.run();
