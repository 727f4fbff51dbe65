// The layer tar reader (tar-reader.ts) on archives made by real tools: the same tree
// whatever pieces the bytes arrive in (1 byte, odd sizes, a header split across two
// chunks), sparse files in pieces too, GNU long names and link names, PAX overrides of path, linkpath and size,
// base-256 numbers; and refused: truncation in a header, in data and in padding, bad
// checksums, fields that are not numbers, negative base-256, oversized PAX headers,
// v7 headers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, ftruncateSync, lstatSync, openSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BerthError } from '../../src/engine/errors.js';
import { unpackLayer } from '../../src/engine/image/unpack.js';
import { mkdirp, rejection, scratch, tarOf, tree } from './tars.js';

const s = scratch('berth-test-tar-reader-');
test.after(s.remove);

let n = 0;
const dest = () => mkdirp(join(s.dir, `out-${n++}`));
/** Unpacks `tar` fed in pieces of `size` bytes (the last one shorter); 'cycle': of 1, 2, ... 13 bytes in turn, so
 * that the splits fall at every offset of the headers without a piece per byte. */
const unpackIn = async (tar: Buffer, size: number | 'cycle', into = dest()) => {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < tar.length; i++) {
    const n = size === 'cycle' ? 1 + (i % 13) : size;
    pieces.push(tar.subarray(at, at + n));
    at += n;
  }
  const r = await unpackLayer(Readable.from(pieces), into, { uncompressed: true });
  return { dir: into, r };
};

/** What an unpacked tree holds: each path's kind, mode, and content or link target. */
function describe(dir: string): string[] {
  return tree(dir).map((p) => {
    const st = lstatSync(join(dir, p));
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(join(dir, p))}`
      : st.isFile() ? createHash('sha256').update(readFileSync(join(dir, p))).digest('hex').slice(0, 12) : st.isDirectory() ? 'dir' : 'other';
    return `${p} ${(st.mode & 0o7777).toString(8)} ${what}`;
  });
}

/** A source tree with names and link targets past ustar's 100 and 155 bytes, and files around the block size. */
const src = mkdirp(join(s.dir, 'src'));
const longDir = mkdirp(join(src, 'd'.repeat(90), 'e'.repeat(90)));
writeFileSync(join(longDir, 'f'.repeat(120)), 'long name');
for (const size of [0, 1, 511, 512, 513, 1024, 5000]) writeFileSync(join(src, `f${size}`), Buffer.alloc(size, size % 251));
chmodSync(join(src, 'f513'), 0o4711);
{ // a sparse file: data in two places, holes around them
  const fd = openSync(join(src, 'sparse'), 'w');
  writeSync(fd, Buffer.alloc(3000, 0x41), 0, 3000, 70000);
  writeSync(fd, Buffer.alloc(10, 0x42), 0, 10, 150000);
  ftruncateSync(fd, 300000);
  closeSync(fd);
}
symlinkSync('t'.repeat(150), join(src, 'longlink'));
symlinkSync('/bin/busybox', join(src, 'sh'));
const gnuTar = (...args: string[]) => execFileSync('tar', ['--numeric-owner', '--sort=name', '--sparse', ...args, '-C', src, '-cf', '-', '.']);

// 1-byte pieces cost a hash update each: once, on the archive with the most kinds of block
for (const [label, tar, sizes] of [['GNU tar, gnu format (L/K long names, a sparse \'S\' entry)', gnuTar('--format=gnu'), [1, 'cycle', 511, 513, 1000]],
  ['GNU tar, posix format (PAX, a PAX 0.1 sparse entry)', gnuTar('--format=posix', '--sparse-version=0.1'), ['cycle', 511, 513, 1000]],
  ['GNU tar, posix format (PAX, a PAX 1.0 sparse entry)', gnuTar('--format=posix', '--sparse-version=1.0'), ['cycle', 511, 513, 1000]],
  ['busybox tar', execFileSync('busybox', ['tar', '-C', src, '-cf', '-', '.']), ['cycle', 511, 513]]] as const) {
  test(`${label}: the same tree whatever pieces the bytes come in`, async () => {
    const whole = await unpackIn(tar, tar.length);
    const want = describe(whole.dir);
    assert.ok(want.includes(`${'d'.repeat(90)}/${'e'.repeat(90)}/${'f'.repeat(120)} 644 ${createHash('sha256').update('long name').digest('hex').slice(0, 12)}`), want.join('\n'));
    assert.ok(want.includes(`longlink 777 -> ${'t'.repeat(150)}`));
    assert.ok(want.includes(`sparse 644 ${createHash('sha256').update(readFileSync(join(src, 'sparse'))).digest('hex').slice(0, 12)}`));
    assert.ok(want.includes(`f513 4711 ${createHash('sha256').update(Buffer.alloc(513, 513 % 251)).digest('hex').slice(0, 12)}`));
    assert.is(whole.r.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    for (const size of sizes) {
      const piecewise = await unpackIn(tar, size);
      assert.equal(describe(piecewise.dir), want, `in ${size}-byte pieces`);
      assert.is(piecewise.r.diffId, whole.r.diffId);
      assert.is(piecewise.r.size, whole.r.size);
    }
  });
}

const python = (script: string): Buffer => execFileSync('python3', ['-c', `import io, sys, tarfile\n${script}`]);

test('PAX records override the header\'s path, linkpath and size', async () => {
  const tar = python(`
b = io.BytesIO()
with tarfile.open(fileobj=b, mode='w', format=tarfile.PAX_FORMAT) as t:
    i = tarfile.TarInfo('header-name'); i.size = 3; i.pax_headers = {'path': 'pax/name'}
    t.addfile(i, io.BytesIO(b'abc'))
    l = tarfile.TarInfo('l'); l.type = tarfile.SYMTYPE; l.linkname = 'header-target'; l.pax_headers = {'linkpath': 'pax-target'}
    t.addfile(l)
sys.stdout.buffer.write(b.getvalue())`);
  const { dir } = await unpackIn(tar, 100);
  assert.is(readFileSync(join(dir, 'pax/name'), 'utf8'), 'abc');
  assert.is(readlinkSync(join(dir, 'l')), 'pax-target');
  // a PAX size wins over the header's: here the header says 0 and the data is 5000 bytes
  const sized = await tarOf([{ name: 'big', content: Buffer.alloc(5000, 7), pax: { size: '5000' } }, { name: 'after', content: 'ok' }]);
  const h = 512 + Math.ceil(parseInt(sized.toString('latin1', 124, 135), 8) / 512) * 512; // the entry's own header, after the PAX one
  sized.write('00000000000\0', h + 124, 'latin1');
  fixChecksum(sized, h);
  const out = (await unpackIn(sized, 333)).dir;
  assert.is(lstatSync(join(out, 'big')).size, 5000);
  assert.is(readFileSync(join(out, 'after'), 'utf8'), 'ok');
});

test('base-256 numbers: a GNU tar with a large uid, and a size written in base-256', async () => {
  const tar = python(`
b = io.BytesIO()
with tarfile.open(fileobj=b, mode='w', format=tarfile.GNU_FORMAT) as t:
    i = tarfile.TarInfo('f'); i.size = 4; i.uid = 3000000000; i.gid = 3000000001
    t.addfile(i, io.BytesIO(b'data'))
sys.stdout.buffer.write(b.getvalue())`);
  assert.is(tar[108] & 0x80, 0x80, 'python wrote the uid in base-256');
  const { dir } = await unpackIn(tar, 512);
  if (process.getuid?.() === 0) assert.is(lstatSync(join(dir, 'f')).uid, 3000000000);
  assert.is(readFileSync(join(dir, 'f'), 'utf8'), 'data');
  const sized = await tarOf([{ name: 'g', content: 'x'.repeat(700) }]);
  sized.fill(0, 124, 136);
  sized[124] = 0x80;
  sized.writeUInt16BE(700, 134);
  fixChecksum(sized, 0);
  assert.is(readFileSync(join((await unpackIn(sized, 100)).dir, 'g'), 'utf8'), 'x'.repeat(700));
});

const refused = async (tar: Buffer, why: RegExp, piece = 64) => {
  const e = await rejection(() => unpackIn(tar, piece));
  assert.ok(e instanceof BerthError, String(e));
  assert.is((e as BerthError).code, 'INVALID_ARGUMENT');
  assert.match(e.message, why);
};

test('refused: an archive cut short in a header, in data, in padding, or after an extended header', async () => {
  const tar = await tarOf([{ name: 'a', content: 'x'.repeat(700) }, { name: 'b', content: 'y' }]);
  // a: header 0-511, data 512-1211, padding to 1536; b: header 1536-2047
  await refused(tar.subarray(0, 300), /^layer: not a valid tar archive: Unexpected end of data \(in a header\)$/);
  await refused(tar.subarray(0, 1000), /Unexpected end of data \(in an entry's data\)/);
  await refused(tar.subarray(0, 1300), /Unexpected end of data \(in the padding after an entry's data\)/);
  await refused(tar.subarray(0, 1700), /Unexpected end of data \(in a header\)/);
  const pax = await tarOf([{ name: 'p', content: 'z', pax: { 'SCHILY.xattr.user.x': 'v' } }]);
  await refused(pax.subarray(0, 1024), /Unexpected end of data \(after an extended header, before its entry\)/);
});

test('refused: bad checksums, fields that are not numbers, negative base-256, v7 headers, oversized PAX headers', async () => {
  const one = async () => tarOf([{ name: 'a', content: 'x' }]);
  const bad = await one();
  bad[0] = 0x62; // the name changes, the checksum does not
  await refused(bad, /not a valid tar archive: a header block with a bad checksum/);
  for (const [what, off, len, value] of [['size', 124, 12, '0000000001x\0'], ['mode', 100, 8, '00\x00644 \0'], ['uid', 108, 8, '-000001\0']] as const) {
    const t = await one();
    t.write(value.padEnd(len, '\0'), off, 'latin1');
    fixChecksum(t, 0);
    await refused(t, new RegExp(`the ${what} field of the header of "a" is not a number`));
  }
  const neg = await one();
  neg.fill(0xff, 124, 136);
  fixChecksum(neg, 0);
  await refused(neg, /the size field of the header of "a" is not a number/);
  const v7 = await one();
  v7.fill(0, 257, 265);
  fixChecksum(v7, 0);
  await refused(v7, /a header of an unknown format/);
  const huge = await tarOf([{ name: 'h', content: 'x', pax: { comment: 'c'.repeat(2 * 1024 * 1024) } }]);
  await refused(huge, /an extended header of \d+ bytes, larger than berth accepts/, 1 << 20);
  // PAX headers add up for their entry: three of 600 KiB each are over the 1 MiB bound together
  const one600k = await tarOf([{ name: 'p', content: '', pax: { comment: 'c'.repeat(600 * 1024) } }]);
  const paxPart = one600k.subarray(0, one600k.length - 512 - 1024); // the 'x' header and its records, without the entry and the end
  await refused(Buffer.concat([paxPart, paxPart, paxPart, one600k]), /PAX headers of \d+ bytes for one entry, more than berth accepts/, 1 << 20);
  // a GNU sparse entry whose extension blocks never end
  const gnuS = Buffer.from(await tarOf([{ name: 's', content: '' }]).then((t) => t.subarray(0, 512)));
  gnuS[156] = 0x53; // 'S'
  gnuS[482] = 1; // extended
  fixChecksum(gnuS, 0);
  const ext = Buffer.alloc(512);
  ext[504] = 1;
  await refused(Buffer.concat([gnuS, ...Array.from({ length: 2100 }, () => ext)]), /the sparse map of "s" is larger than berth accepts/, 1 << 16);
  const nonDecimal = await tarOf([{ name: 'n', content: 'x', pax: { size: '0x10' } }]);
  await refused(nonDecimal, /the PAX size of "n" is not a number/);
});

// Docker reads layers with Go's archive/tar; a layer must not unpack to one tree there and
// another here (a scanner or `docker` would see files berth does not run, or the other way)
test('read as docker reads: no data after link, symlink, device, fifo and directory headers', async () => {
  for (const type of ['symlink', 'link', 'directory', 'fifo', 'character-device'] as const) {
    const tar = await tarOf([{ name: 'target', content: 't' }, { name: 'x', type, linkname: 'target' }, { name: 'f', content: 'ok' }]);
    const h = 1024; // target: header and one block of data; then x's header
    tar.write('00000001000\0', h + 124, 'latin1'); // x says 512 bytes follow it: Go reads none
    fixChecksum(tar, h);
    const { dir } = await unpackIn(tar, 'cycle');
    assert.is(readFileSync(join(dir, 'f'), 'utf8'), 'ok', type);
  }
});

test('read as docker reads: the archive ends at two zero blocks, and one zero block before a header is refused', async () => {
  const first = await tarOf([{ name: 'a', content: 'A' }]); // a's header, data, then the two zero blocks
  const second = await tarOf([{ name: 'b', content: 'B' }]);
  const { dir } = await unpackIn(Buffer.concat([first, second]), 'cycle');
  assert.equal(tree(dir), tree((await unpackIn(first, 100)).dir), 'nothing after the end of the archive is unpacked');
  // one zero block, then a header: Go's reader fails on it
  await refused(Buffer.concat([first.subarray(0, 1536), second]), /a zero block before a header/);
  // one zero block and the input ends: read as the end
  assert.is(readFileSync(join((await unpackIn(first.subarray(0, 1536), 'cycle')).dir, 'a'), 'utf8'), 'A');
});

/** Recomputes the checksum of the header at `off` after a test changed it. */
function fixChecksum(b: Buffer, off: number): void {
  b.fill(0x20, off + 148, off + 156);
  let sum = 0;
  for (let i = off; i < off + 512; i++) sum += b[i];
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, off + 148, 'latin1');
}

test.run();
