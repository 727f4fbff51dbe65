// `cp ... -` and `cp - ...`: tar streams out of and into the fake root, read
// and written by GNU tar as the independent party, and hostile archives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import * as tar from 'tar-stream';
import { copyInTar, copyOutTar } from '../../src/engine/copy/index.js';
import { describe, openFds, rejects, tempDirs } from './fixture.js';

const dirs = tempDirs('tar');
const fdsAtStart = openFds();
test.after(dirs.removeAll);

function fakeRoot(): string {
  const root = dirs.mk('root');
  mkdirSync(join(root, 'app/sub'), { recursive: true });
  writeFileSync(join(root, 'app/sub/a.txt'), 'alpha');
  writeFileSync(join(root, 'app/big'), Buffer.alloc(700_000, 'z'));
  chmodSync(join(root, 'app/sub/a.txt'), 0o604);
  chownSync(join(root, 'app/sub/a.txt'), 1000, 1000);
  symlinkSync('sub/a.txt', join(root, 'app/link'));
  // whole seconds: a ustar header keeps no fraction
  for (const p of ['app/sub/a.txt', 'app/big', 'app/sub', 'app']) utimesSync(join(root, p), new Date(1e12), new Date(1e12));
  return root;
}

async function tarOf(root: string, src: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({ write(c, _e, cb) { chunks.push(c); cb(); } });
  await copyOutTar(root, src, out);
  return Buffer.concat(chunks);
}

const gnuList = (t: Buffer) => execFileSync('tar', ['-tf', '-'], { input: t, encoding: 'utf8' }).split('\n').filter(Boolean).sort();

test('out: GNU tar reads the archive back into the same tree, owners and times included', async () => {
  const root = fakeRoot();
  const t = await tarOf(root, '/app');
  assert.equal(gnuList(t), ['app/', 'app/big', 'app/link', 'app/sub/', 'app/sub/a.txt']);
  const x = dirs.mk('x');
  execFileSync('tar', ['-C', x, '--same-owner', '-xpf', '-'], { input: t });
  assert.equal(describe(join(x, 'app'), { owners: true, times: true }), describe(join(root, 'app'), { owners: true, times: true }));
  assert.equal(gnuList(await tarOf(root, '/app/.')), ['big', 'link', 'sub/', 'sub/a.txt']);
  assert.equal(gnuList(await tarOf(root, '/app/sub/a.txt')), ['a.txt']);
});

test('out: a symlink to a host file goes in as a symlink entry', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  writeFileSync(join(host, 'secret'), 'HOST SECRET');
  symlinkSync(join(host, 'secret'), join(root, 'leak'));
  const t = await tarOf(root, '/leak');
  assert.not.ok(t.includes('HOST SECRET'));
  assert.match(execFileSync('tar', ['-tvf', '-'], { input: t, encoding: 'utf8' }), `leak -> ${join(host, 'secret')}`);
  await rejects(() => tarOf(root, '/nope'), 'NOT_FOUND', /in container: \/nope/);
});

test('in: a GNU tar archive unpacks into an existing directory, hard links kept', async () => {
  const src = dirs.mk('src');
  mkdirSync(join(src, 'd/e'), { recursive: true });
  writeFileSync(join(src, 'd/e/f'), 'file');
  linkSync(join(src, 'd/e/f'), join(src, 'd/hard'));
  symlinkSync('e/f', join(src, 'd/soft'));
  chmodSync(join(src, 'd/e'), 0o750);
  const t = execFileSync('tar', ['-C', src, '-cf', '-', 'd']);
  const root = fakeRoot();
  const r = await copyInTar(Readable.from([t]), root, '/app');
  assert.equal(describe(join(root, 'app/d')), describe(join(src, 'd')));
  assert.is(statSync(join(root, 'app/d/hard')).ino, statSync(join(root, 'app/d/e/f')).ino);
  assert.is(r.entries, 5);
});

test('in: the destination must be an existing directory', async () => {
  const root = fakeRoot();
  const t = execFileSync('tar', ['-C', root, '-cf', '-', 'app/link']);
  await rejects(() => copyInTar(Readable.from([t]), root, '/nope'), 'NOT_FOUND', /in container: \/nope/);
  await rejects(() => copyInTar(Readable.from([t]), root, '/app/big'), 'INVALID_ARGUMENT', /must be a directory/);
});

test('round trip: out of one root and into another with archive keeps everything', async () => {
  const root = fakeRoot();
  const other = dirs.mk('other');
  await copyInTar(Readable.from([await tarOf(root, '/app')]), other, '/', { archive: true });
  assert.equal(describe(join(other, 'app'), { owners: true, times: true }), describe(join(root, 'app'), { owners: true, times: true }));
});

/** A tar made entry by entry (hostile ones included). */
async function craft(entries: { name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string; body?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname }, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

test('in: hostile archives cannot write or link outside the destination', async () => {
  const root = fakeRoot();
  mkdirSync(join(root, 'dest'));
  const host = dirs.mk('host');
  writeFileSync(join(host, 'secret'), 'HOST SECRET');
  const untouched = () => {
    assert.equal(readdirSync(host), ['secret']);
    assert.is(statSync(join(host, 'secret')).nlink, 1, 'a hard link to the host file was made');
  };
  const put = async (t: Buffer) => copyInTar(Readable.from([t]), root, '/dest');

  await rejects(async () => put(await craft([{ name: '../escape', body: 'x' }])), 'INVALID_ARGUMENT', /outside the destination/);
  assert.equal(readdirSync(root).sort(), ['app', 'dest']);

  await rejects(async () => put(await craft([
    { name: 'l', type: 'symlink', linkname: host },
    { name: 'l/planted', body: 'x' },
  ])), 'INVALID_ARGUMENT', /through a symlink/);
  untouched();

  await rejects(async () => put(await craft([{ name: 'h', type: 'link', linkname: '../../etc/passwd' }])), 'INVALID_ARGUMENT');
  await rejects(async () => put(await craft([{ name: 'h2', type: 'link', linkname: join(host, 'secret') }])), 'NOT_FOUND');
  untouched();

  // a symlink the container planted in the destination
  symlinkSync(host, join(root, 'dest/planted'));
  await rejects(async () => put(await craft([{ name: 'planted/x', body: 'x' }])), 'INVALID_ARGUMENT', /through a symlink/);
  untouched();

  // absolute names are taken relative to the destination
  await put(await craft([{ name: '/abs/file', body: 'inside' }]));
  assert.is(readFileSync(join(root, 'dest/abs/file'), 'utf8'), 'inside');
});

test('every file descriptor the copies opened is closed again, failures included', () => {
  assert.equal(openFds(), fdsAtStart);
});

test.run();
