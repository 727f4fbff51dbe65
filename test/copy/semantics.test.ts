// docker cp's rules, with a temp directory as the container's root: files,
// directories, "/." contents, symlinks kept as links, modes, mtimes, owners.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { copyIn, copyOut } from '../../src/engine/copy/index.js';
import { mknod } from '../../src/native/index.js';
import { describe, openFds, rejects, tempDirs } from './fixture.js';

const dirs = tempDirs('sem');
const fdsAtStart = openFds();
test.after(dirs.removeAll);

const T = new Date('2020-01-02T03:04:05Z');

/** A fake container root: /etc/hosts, /app/{bin/run, data/a.txt, link-rel, link-abs, empty/}, /fifo. */
function fakeRoot(): string {
  const root = dirs.mk('root');
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
  mkdirSync(join(root, 'app/bin'), { recursive: true });
  mkdirSync(join(root, 'app/data'));
  mkdirSync(join(root, 'app/empty'));
  writeFileSync(join(root, 'app/bin/run'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'app/bin/run'), 0o750);
  writeFileSync(join(root, 'app/data/a.txt'), 'alpha');
  chmodSync(join(root, 'app/data/a.txt'), 0o640);
  chownSync(join(root, 'app/data/a.txt'), 1000, 1001);
  symlinkSync('data/a.txt', join(root, 'app/link-rel'));
  symlinkSync('/etc/hosts', join(root, 'app/link-abs'));
  chmodSync(join(root, 'app/empty'), 0o711);
  for (const p of ['app/bin/run', 'app/data/a.txt', 'app/bin', 'app/data', 'app/empty', 'app']) utimesSync(join(root, p), T, T);
  return root;
}

test('file out to a new name: content, mode and mtime kept; owned by us unless archive', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  const r = await copyOut(root, '/app/data/a.txt', join(host, 'copy.txt'));
  assert.is(readFileSync(join(host, 'copy.txt'), 'utf8'), 'alpha');
  const st = statSync(join(host, 'copy.txt'));
  assert.is(st.mode & 0o7777, 0o640);
  assert.is(st.mtime.getTime(), T.getTime());
  assert.is(`${st.uid}:${st.gid}`, `${process.getuid!()}:${process.getgid!()}`);
  assert.equal(r, { entries: 1, bytes: 5, skipped: [] });
  await copyOut(root, 'app/data/a.txt', join(host, 'kept.txt'), { archive: true });
  const kept = statSync(join(host, 'kept.txt'));
  assert.is(`${kept.uid}:${kept.gid}`, '1000:1001');
});

test('file out into an existing directory, and over an existing file', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  await copyOut(root, '/etc/hosts', host);
  assert.is(readFileSync(join(host, 'hosts'), 'utf8'), '127.0.0.1 localhost\n');
  writeFileSync(join(host, 'old'), 'old content that is longer');
  await copyOut(root, '/app/data/a.txt', join(host, 'old'));
  assert.is(readFileSync(join(host, 'old'), 'utf8'), 'alpha');
});

test('a destination ending in / must be an existing directory', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  await rejects(() => copyOut(root, '/etc/hosts', join(host, 'nodir/')), 'NOT_FOUND', /destination directory does not exist/);
  writeFileSync(join(host, 'file'), 'x');
  await rejects(() => copyOut(root, '/etc/hosts', join(host, 'file/')), 'INVALID_ARGUMENT', /not a directory/);
  assert.is(readFileSync(join(host, 'file'), 'utf8'), 'x');
});

test('directory out: to a new name, into a directory, and its contents with /.', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  const expected = [
    'bin d 755', 'bin/run f 750 "#!/bin/sh\\necho hi\\n"', 'data d 755', 'data/a.txt f 640 "alpha"',
    'empty d 711', 'link-abs l -> /etc/hosts', 'link-rel l -> data/a.txt',
  ];
  await copyOut(root, '/app', join(host, 'new'));
  assert.equal(describe(join(host, 'new')), expected);
  assert.is(statSync(join(host, 'new/data')).mtime.getTime(), T.getTime(), 'directory mtimes are set after their content');
  assert.is(statSync(join(host, 'new')).mtime.getTime(), T.getTime());

  mkdirSync(join(host, 'into'));
  await copyOut(root, '/app', join(host, 'into'));
  assert.equal(describe(join(host, 'into/app')), expected);

  mkdirSync(join(host, 'contents'));
  chmodSync(join(host, 'contents'), 0o700);
  await copyOut(root, '/app/.', join(host, 'contents'));
  assert.equal(describe(join(host, 'contents')), expected);
  assert.is(statSync(join(host, 'contents')).mode & 0o7777, 0o700, 'copying contents leaves the destination directory itself alone');

  await copyOut(root, '/app/', join(host, 'slash'));
  assert.equal(describe(join(host, 'slash')), expected);
});

test('a directory cannot replace a file, nor a file a directory', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  writeFileSync(join(host, 'f'), 'x');
  await rejects(() => copyOut(root, '/app', join(host, 'f')), 'INVALID_ARGUMENT', /cannot copy a directory to a file/);
  mkdirSync(join(host, 'd/hosts'), { recursive: true });
  await rejects(() => copyOut(root, '/etc/hosts', join(host, 'd')), 'INVALID_ARGUMENT', /cannot overwrite directory/);
  mkdirSync(join(host, 'm'));
  writeFileSync(join(host, 'm/app'), 'a file where the directory goes');
  await rejects(() => copyOut(root, '/app', join(host, 'm')), 'INVALID_ARGUMENT', /cannot overwrite non-directory/);
});

test('errors: missing source, and a trailing / on a file', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  await rejects(() => copyOut(root, '/nope', host), 'NOT_FOUND', /^no such file or directory in container: \/nope$/);
  await rejects(() => copyOut(root, '/nope/deeper/x', host), 'NOT_FOUND', /in container: \/nope\/deeper\/x$/);
  await rejects(() => copyOut(root, '/etc/hosts/', host), 'INVALID_ARGUMENT', /not a directory/);
  await rejects(() => copyIn(join(host, 'missing'), root, '/'), 'NOT_FOUND', /no such file or directory: /);
  await rejects(() => copyIn(join(root, 'etc/hosts'), root, '/nodir/x'), 'NOT_FOUND', /^no such file or directory in container: \/nodir\/x$/);
});

test('a symlink source is copied as the link; with a trailing / it is followed (in-root)', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  await copyOut(root, '/app/link-rel', join(host, 'l1'));
  assert.is(readlinkSync(join(host, 'l1')), 'data/a.txt');
  symlinkSync('/app/data', join(root, 'datalink'));
  await copyOut(root, '/datalink/', join(host, 'followed'));
  assert.equal(describe(join(host, 'followed')), ['a.txt f 640 "alpha"']);
});

test('the whole root copies its contents', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  await copyOut(root, '/', join(host, 'all'));
  assert.ok(existsSync(join(host, 'all/etc/hosts')));
  assert.ok(existsSync(join(host, 'all/app/bin/run')));
});

test('set-id bits: dropped when copying out, kept with archive and when copying in', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  chmodSync(join(root, 'app/bin/run'), 0o4755);
  await copyOut(root, '/app/bin/run', join(host, 'run'));
  assert.is(statSync(join(host, 'run')).mode & 0o7777, 0o755);
  await copyOut(root, '/app/bin/run', join(host, 'run-a'), { archive: true });
  assert.is(statSync(join(host, 'run-a')).mode & 0o7777, 0o4755);
  await copyIn(join(host, 'run-a'), root, '/etc/run');
  assert.is(statSync(join(root, 'etc/run')).mode & 0o7777, 0o4755);
});

test('fifos are copied as fifos; devices are skipped and reported', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  mkdirSync(join(root, 'dev'));
  mknod(join(root, 'dev/fifo'), 0o010000 | 0o620, 0, 0);
  chmodSync(join(root, 'dev/fifo'), 0o620); // mknod's mode went through the umask
  mknod(join(root, 'dev/null'), 0o020000 | 0o666, 1, 3);
  const r = await copyOut(root, '/dev', join(host, 'dev'));
  assert.ok(lstatSync(join(host, 'dev/fifo')).isFIFO());
  assert.is(lstatSync(join(host, 'dev/fifo')).mode & 0o7777, 0o620);
  assert.not.ok(existsSync(join(host, 'dev/null')));
  assert.equal(r.skipped, ['dev/null']);
});

test('copy in: the same rules; owned by us (container root) unless archive', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  mkdirSync(join(host, 'tree/sub'), { recursive: true });
  writeFileSync(join(host, 'tree/sub/f'), 'data');
  chownSync(join(host, 'tree/sub/f'), 1234, 1234);
  symlinkSync('/nowhere', join(host, 'tree/dangling'));
  await copyIn(join(host, 'tree'), root, '/app');
  assert.equal(describe(join(root, 'app/tree'), { owners: true }), [
    'dangling l 0:0 -> /nowhere', 'sub d 755 0:0', 'sub/f f 644 0:0 "data"',
  ]);
  await copyIn(`${host}/tree/.`, root, '/etc', { archive: true });
  assert.is(statSync(join(root, 'etc/sub/f')).uid, 1234);
  await copyIn(join(host, 'tree/sub/f'), root, '/etc/hosts');
  assert.is(readFileSync(join(root, 'etc/hosts'), 'utf8'), 'data');
});

test('copy in through a symlink destination: followed inside the root', async () => {
  const root = fakeRoot();
  const host = dirs.mk('host');
  writeFileSync(join(host, 'f'), 'via link');
  symlinkSync('/app/data', join(root, 'dlink'));
  await copyIn(join(host, 'f'), root, '/dlink');
  assert.is(readFileSync(join(root, 'app/data/f'), 'utf8'), 'via link');
  symlinkSync('../app/data/a.txt', join(root, 'etc/flink'));
  await copyIn(join(host, 'f'), root, '/etc/flink');
  assert.is(readFileSync(join(root, 'app/data/a.txt'), 'utf8'), 'via link', 'a link to a file: its target is written');
  assert.is(readlinkSync(join(root, 'etc/flink')), '../app/data/a.txt');
});

test('every file descriptor the copies opened is closed again, failures included', () => {
  assert.equal(openFds(), fdsAtStart);
});

test.run();
