// unpackLayer: the malicious corpus (every entry refused with `layer: <entry>:
// <why>`, nothing written outside the unpack dir), and honest layers unpacked
// faithfully: modes incl. setuid/sticky, owners, mtimes, symlinks as-is,
// hardlinks, fifos, implicit parents, whiteouts, PAX records, gzip, the diffID,
// big files (flushed as soon as written), device nodes skipped, a later entry for a
// path winning over an earlier one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, readFileSync, readlinkSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BerthError } from '../../src/engine/errors.js';
import { unpackLayer, type UnpackOptions } from '../../src/engine/image/unpack.js';
import { MTIME, corpus, mkdirp, rejection, scratch, tarOf, tree, type Entry } from './tars.js';

const s = scratch('berth-test-unpack-');
test.after(s.remove);

let n = 0;
/** A fresh, deep unpack dir: `..` escapes would land in its parents, which must stay empty. */
function freshDest(): { base: string; dest: string } {
  const base = mkdirp(join(s.dir, `case-${n++}`));
  return { base, dest: mkdirp(join(base, 'p1', 'p2', 'dest')) };
}

const unpack = async (data: Buffer, dest: string, opts: UnpackOptions = {}) => unpackLayer(Readable.from([data]), dest, opts);

for (const c of corpus(s.victim)) {
  test(`refused: ${c.label}`, async () => {
    const { base, dest } = freshDest();
    let err: unknown;
    try {
      await unpack(await tarOf(c.entries), dest);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BerthError, `expected a BerthError, got ${err}`);
    const e = err as BerthError;
    assert.is(e.code, 'INVALID_ARGUMENT');
    assert.ok(e.message.startsWith(`layer: ${c.entry}: `), e.message);
    assert.match(e.message, c.why);
    assert.not.match(e.message, /\n/);
    assert.equal(readdirSync(s.victim), [], 'the victim dir stays empty');
    const outside = tree(base).filter((p) => !p.startsWith('p1/p2/dest/') && !['p1', 'p1/p2', 'p1/p2/dest'].includes(p));
    assert.equal(outside, [], 'nothing written beside the unpack dir');
  });
}

test('refused: garbage and truncated archives, xz', async () => {
  const { dest } = freshDest();
  assert.match((await rejection(() => unpack(Buffer.alloc(1024, 0x41), dest))).message, /layer: not a valid tar archive/);
  const good = await tarOf([{ name: 'f', content: 'x'.repeat(5000) }]);
  assert.match((await rejection(() => unpack(good.subarray(0, 1536), freshDest().dest))).message, /layer: not a valid tar archive: Unexpected end of data/);
  const xz = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(100)]);
  assert.match((await rejection(() => unpack(xz, freshDest().dest))).message, /xz-compressed: only gzip and uncompressed/);
  assert.match((await rejection(() => unpack(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), freshDest().dest))).message, /corrupt gzip data/);
});

const honest: Entry[] = [
  { name: './', type: 'directory', mode: 0o755 },
  { name: 'bin', type: 'directory', mode: 0o755 },
  { name: 'bin/tool', content: '#!/bin/sh\necho hi\n', mode: 0o4755, uid: 0, gid: 0 },
  { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
  { name: 'bin/rel', type: 'symlink', linkname: '../../../../../etc/shadow' },
  { name: 'bin/tool-again', type: 'link', linkname: 'bin/tool' },
  { name: 'tmp', type: 'directory', mode: 0o1777 },
  { name: 'home/user', type: 'directory', mode: 0o750, uid: 1000, gid: 1001 },
  { name: 'home/user/notes', content: 'mine', mode: 0o640, uid: 1000, gid: 1001 },
  { name: 'ro', type: 'directory', mode: 0o555 },
  { name: 'ro/inside', content: 'written before the dir became read-only' },
  { name: 'deep/a/b/file', content: 'implicit parents' },
  { name: 'pipe', type: 'fifo', mode: 0o600 },
  { name: 'gone/.wh.old', content: '' },
  { name: 'opaque/.wh..wh..opq', content: '' },
  { name: '.wh..wh.plnk', type: 'directory' },
  { name: 'sgid', type: 'directory', mode: 0o2775, gid: 50 },
  { name: 'home', type: 'directory', mode: 0o711 },
  { name: `long/${'n'.repeat(120)}`, content: 'pax', pax: { uid: '3000000', gid: '3000001', mtime: '1600000000.5' } },
];

test('an honest layer is unpacked faithfully', async () => {
  const { dest } = freshDest();
  const data = await tarOf(honest);
  const r = await unpack(data, dest);
  assert.is(r.diffId, `sha256:${createHash('sha256').update(data).digest('hex')}`, 'diffID = sha256 of the tar');
  const st = (p: string) => lstatSync(join(dest, p));
  const mode = (p: string) => st(p).mode & 0o7777;

  assert.is(mode('bin/tool'), 0o4755, 'setuid kept');
  assert.is(readFileSync(join(dest, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
  assert.is(st('bin/tool').mtime.getTime(), MTIME.getTime(), 'file mtime');
  assert.is(readlinkSync(join(dest, 'bin/sh')), '/bin/busybox', 'absolute symlink target as-is');
  assert.is(readlinkSync(join(dest, 'bin/rel')), '../../../../../etc/shadow', 'escaping symlink kept, never followed');
  assert.is(st('bin/sh').mtime.getTime(), MTIME.getTime(), 'symlink mtime (lutimes)');
  assert.is(st('bin/tool-again').ino, st('bin/tool').ino, 'hardlink shares the inode');
  assert.is(mode('tmp'), 0o1777, 'sticky dir');
  assert.is(mode('sgid'), 0o2775, 'setgid dir');
  assert.is(st('sgid').gid, 50);
  assert.is(mode('home/user'), 0o750);
  assert.is(st('home/user').uid, 1000);
  assert.is(st('home/user').gid, 1001);
  assert.is(st('home/user/notes').uid, 1000);
  assert.is(mode('home'), 0o711, 'a directory declared after its content gets its own mode');
  assert.is(mode('ro'), 0o555, 'read-only dir applied after its content');
  assert.is(st('ro').mtime.getTime(), MTIME.getTime(), 'dir mtime survives its content');
  assert.ok(existsSync(join(dest, 'ro/inside')));
  assert.is(mode('deep'), 0o755, 'implicit parent');
  assert.is(mode('deep/a/b'), 0o755);
  assert.ok(st('pipe').isFIFO());
  assert.is(mode('pipe'), 0o600);
  const wh = st('gone/old');
  assert.ok(wh.isCharacterDevice(), 'whiteout = char device');
  assert.is(wh.rdev, 0, 'whiteout is 0:0');
  assert.not.ok(existsSync(join(dest, 'gone/.wh.old')));
  assert.equal(r.opaqueDirs, ['opaque']);
  assert.equal(readdirSync(join(dest, 'opaque')), [], 'the opaque marker is not a file');
  assert.not.ok(existsSync(join(dest, '.wh..wh.plnk')), 'aufs bookkeeping skipped');
  const pax = st(`long/${'n'.repeat(120)}`);
  assert.is(pax.uid, 3000000, 'PAX uid');
  assert.is(pax.gid, 3000001, 'PAX gid');
  assert.is(pax.mtime.getTime(), 1600000000500, 'PAX sub-second mtime');
  assert.is(r.size, honest.reduce((sum, e) => sum + (e.content ? Buffer.byteLength(e.content) : 0), 0), 'size = regular file bytes');
});

test('gzip is detected by magic bytes; the diffID is of the uncompressed tar', async () => {
  const data = await tarOf(honest);
  const plain = await unpack(data, freshDest().dest);
  const gz = await unpack(gzipSync(data), freshDest().dest);
  assert.is(gz.diffId, plain.diffId);
  // a stored blob is known to be plain: no sniffing
  const raw = await unpack(data, freshDest().dest, { uncompressed: true });
  assert.is(raw.diffId, plain.diffId);
});

test('big files (flushed early, a few at a time) keep their content, mode and mtime; the size counts every byte', async () => {
  const files = Array.from({ length: 7 }, (_, i) => ({ name: `big/f${i}`, content: Buffer.alloc((1 << 20) + i * 4099, i + 1), mode: 0o640 + i }));
  const data = await tarOf([...files, { name: 'small', content: 'x' }]);
  const { dest } = freshDest();
  const r = await unpack(gzipSync(data), dest);
  for (const [i, f] of files.entries()) {
    const p = join(dest, f.name);
    assert.ok(readFileSync(p).equals(f.content), `${f.name} content`);
    assert.is(lstatSync(p).mode & 0o7777, 0o640 + i);
    assert.is(lstatSync(p).mtime.getTime(), MTIME.getTime());
  }
  assert.is(r.size, files.reduce((n, f) => n + f.content.length, 1));
});

test('device nodes are skipped and listed (a hardlink to one too); a 0:0 char device stays a whiteout', async () => {
  const { dest } = freshDest();
  const r = await unpack(await tarOf([
    { name: './dev/', type: 'directory', mode: 0o755 },
    { name: './dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: './dev/loop9', type: 'block-device', devmajor: 7, devminor: 9, mode: 0o660, gid: 6 },
    { name: './dev/null2', type: 'link', linkname: './dev/null' },
    { name: './gone', type: 'character-device', devmajor: 0, devminor: 0, mode: 0o600 },
    { name: './f', content: 'x' },
  ]), dest);
  assert.equal(r.skippedDevices, ['./dev/null', './dev/loop9']);
  assert.equal(readdirSync(join(dest, 'dev')), []);
  const wh = lstatSync(join(dest, 'gone'));
  assert.ok(wh.isCharacterDevice() && wh.rdev === 0, 'the overlay-form whiteout is kept');
  assert.is(readFileSync(join(dest, 'f'), 'utf8'), 'x');
});

test('a path named twice: the later entry wins (docker), and only it counts in the size', async () => {
  const { base, dest } = freshDest();
  const r = await unpack(await tarOf([
    { name: 'twice', content: 'first, longer' },
    { name: 'twice', content: 'second' },
    { name: 'l', type: 'symlink', linkname: `${s.victim}/l` },
    { name: 'l', content: 'a file now' },
    { name: 'd', type: 'symlink', linkname: s.victim },
    { name: 'd', type: 'directory', mode: 0o750 },
    { name: 'd/in', content: 'inside' },
    { name: 'tree', type: 'directory' },
    { name: 'tree/deep/file', content: 'gone with its directory' },
    { name: 'tree', type: 'symlink', linkname: 'twice' },
    { name: 'h', type: 'link', linkname: 'twice' },
    { name: 'twice', content: '3rd' },
    { name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 },
    { name: 'dev', type: 'directory' },
  ]), dest);
  assert.is(readFileSync(join(dest, 'twice'), 'utf8'), '3rd');
  assert.is(readFileSync(join(dest, 'h'), 'utf8'), 'second', 'the hardlink keeps the file it was made to');
  assert.is(readFileSync(join(dest, 'l'), 'utf8'), 'a file now');
  assert.ok(lstatSync(join(dest, 'd')).isDirectory());
  assert.is(lstatSync(join(dest, 'd')).mode & 0o7777, 0o750);
  assert.is(readFileSync(join(dest, 'd/in'), 'utf8'), 'inside');
  assert.is(readlinkSync(join(dest, 'tree')), 'twice');
  assert.ok(lstatSync(join(dest, 'dev')).isDirectory());
  assert.equal(r.skippedDevices, ['dev']);
  assert.equal(readdirSync(s.victim), [], 'nothing written through the symlinks that were replaced');
  assert.equal(tree(base).filter((p) => !p.startsWith('p1')), []);
  assert.is(r.size, 'second'.length + 'a file now'.length + 'inside'.length + '3rd'.length);
});

test('root-owned entries stay root\'s in a setgid unpack dir (the chown berth skips for entries it already owns)', async () => {
  if (process.getuid?.() !== 0) return;
  const { dest } = freshDest();
  chownSync(dest, 0, 50);
  chmodSync(dest, 0o2755);
  await unpack(await tarOf([
    { name: 'f', content: 'x', uid: 0, gid: 0 },
    { name: 'd', type: 'directory', uid: 0, gid: 0 },
    { name: 'd/l', type: 'symlink', linkname: 'f', uid: 0, gid: 0 },
    { name: 'g', content: 'y', uid: 0, gid: 50 },
  ]), dest);
  for (const p of ['f', 'd', 'd/l']) assert.is(lstatSync(join(dest, p)).gid, 0, p);
  assert.is(lstatSync(join(dest, 'g')).gid, 50);
});

test('the layer root takes the owner its "./" entry gives, whoever made the unpack dir', async () => {
  if (process.getuid?.() !== 0) return;
  const { dest } = freshDest();
  chownSync(dest, 0, 50);
  await unpack(await tarOf([{ name: './', type: 'directory', mode: 0o755, uid: 0, gid: 0 }, { name: 'f', content: 'x' }]), dest);
  assert.is(lstatSync(dest).gid, 0);
});

test('a directory may be declared twice (metadata merges); its content stays', async () => {
  const { dest } = freshDest();
  await unpack(await tarOf([
    { name: 'd', type: 'directory', mode: 0o700 },
    { name: 'd/f', content: 'x' },
    { name: 'd', type: 'directory', mode: 0o751 },
  ]), dest);
  assert.is(lstatSync(join(dest, 'd')).mode & 0o7777, 0o751);
  assert.is(readFileSync(join(dest, 'd/f'), 'utf8'), 'x');
});

test.run();
