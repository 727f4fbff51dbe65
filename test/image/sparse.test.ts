// Sparse files in layers, as GNU tar writes them in all four encodings (GNU 'S' entries
// with extension blocks, PAX 0.0, 0.1 and 1.0): unpacked byte for byte, holes kept as
// holes, the diffID of the tar as read; a map that lies is refused; an entry of a type
// berth does not unpack is named by its real typeflag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BerthError } from '../../src/engine/errors.js';
import { unpackLayer } from '../../src/engine/image/unpack.js';
import { mkdirp, rejection, scratch, tarOf } from './tars.js';

const s = scratch('berth-test-sparse-');
test.after(s.remove);

const MiB = 1024 * 1024;
const src = mkdirp(join(s.dir, 'src'));
const file = join(src, 'disk.img');
// 64 MiB with data in 9 places (more than the 4 a GNU header holds) and a hole at the end
{
  const fd = openSync(file, 'w');
  for (let i = 0; i < 9; i++) writeSync(fd, Buffer.alloc(4096 + i, 0x41 + i), 0, 4096 + i, i * 7 * MiB + 123);
  closeSync(fd);
  execFileSync('truncate', ['-s', String(64 * MiB), file]);
}
const original = readFileSync(file);

let n = 0;
const unpack = async (tar: Buffer) => {
  const dest = mkdirp(join(s.dir, `out-${n++}`));
  return { dest, r: await unpackLayer(Readable.from([tar]), dest) };
};

for (const [label, args] of [
  ['GNU', ['--format=gnu']],
  ['PAX 0.0', ['--format=posix', '--sparse-version=0.0']],
  ['PAX 0.1', ['--format=posix', '--sparse-version=0.1']],
  ['PAX 1.0', ['--format=posix', '--sparse-version=1.0']],
] as const) {
  test(`${label} sparse entries: the same bytes, the holes stay holes`, async () => {
    const tar = execFileSync('tar', ['--sparse', ...args, '-C', src, '-cf', '-', 'disk.img'], { maxBuffer: 256 * MiB });
    assert.ok(tar.length < 2 * MiB, `the tar is sparse itself (${tar.length} bytes)`);
    const { dest, r } = await unpack(tar);
    const out = join(dest, 'disk.img');
    assert.is(statSync(out).size, 64 * MiB);
    assert.ok(readFileSync(out).equals(original), 'byte for byte');
    assert.ok(statSync(out).blocks * 512 < 4 * MiB, `allocated ${statSync(out).blocks * 512} bytes: holes kept`);
    assert.is(r.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    assert.is(r.size, 64 * MiB, 'a sparse file counts as its size (docker\'s layer size)');
  });
}

test('a sparse map that does not add up to the entry\'s data is refused', async () => {
  const tar = await tarOf([{ name: 'f', content: 'abcd', pax: { 'GNU.sparse.map': '0,2,100,3', 'GNU.sparse.size': '200' } }]);
  const e = await rejection(() => unpack(tar));
  assert.ok(e instanceof BerthError);
  assert.is(e.message, 'layer: f: its sparse map holds 5 bytes of data, the entry 4');
  const overlap = await tarOf([{ name: 'g', content: 'abcd', pax: { 'GNU.sparse.map': '10,2,11,2', 'GNU.sparse.size': '200' } }]);
  assert.match((await rejection(() => unpack(overlap))).message, /^layer: g: its sparse map has overlapping or out-of-file segments$/);
});

test('an entry type berth does not unpack is named by its typeflag', async () => {
  const withType = async (flag: string) => {
    const tar = await tarOf([{ name: 'x', content: '' }]);
    tar[156] = flag.charCodeAt(0);
    tar.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tar[i];
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    return (await rejection(() => unpack(tar))).message;
  };
  assert.is(await withType('D'), 'layer: x: unsupported entry type \'D\' (a GNU dump directory)');
  assert.is(await withType('Q'), 'layer: x: unsupported entry type \'Q\'');
});

test.run();
