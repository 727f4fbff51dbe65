// resolveUser on a temporary layer stack: Docker's -u forms, the topmost layer
// wins, whiteouts delete, symlinks resolve inside the container's root only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkGroupAdd, findInLayers, resolveUser } from '../../src/engine/runtime/index.js';
import { BerthError } from '../../src/engine/errors.js';
import { mknod } from '../../src/native/index.js';

const tmp = mkdtempSync('/tmp/berth-test-');
let n = 0;
/** A fresh stack: upper (empty), top image layer (empty), base layer with passwd and group. */
function stack(): { upper: string; top: string; base: string; dirs: string[] } {
  const d = join(tmp, `s${n++}`);
  const [upper, top, base] = ['upper', 'top', 'base'].map((x) => join(d, x));
  for (const l of [upper, top, base]) mkdirSync(join(l, 'etc'), { recursive: true });
  writeFileSync(join(base, 'etc/passwd'),
    '# comment\nroot:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\nbroken line\nnobody:x:65534:65534::/nonexistent:/bin/false\n');
  writeFileSync(join(base, 'etc/group'), 'root:x:0:\nwheel:x:10:root,user\naudio:x:29:user\nuser:x:1000:\nstaff:x:50:\n');
  return { upper, top, base, dirs: [upper, top, base] };
}

const err = (fn: () => unknown): BerthError => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, BerthError);
    return e as BerthError;
  }
  throw new Error('expected an error');
};

test('"" is root, with home and supplementary groups from the files', () => {
  assert.equal(resolveUser(stack().dirs, ''), { uid: 0, gid: 0, groups: [0, 10], home: '/root' });
});

test('name and uid forms', () => {
  const s = stack().dirs;
  assert.equal(resolveUser(s, 'user'), { uid: 1000, gid: 1000, groups: [1000, 10, 29], home: '/home/user' });
  assert.equal(resolveUser(s, '1000'), { uid: 1000, gid: 1000, groups: [1000, 10, 29], home: '/home/user' });
  // a uid without a passwd entry: gid 0, home "/", no supplementary groups (docker/runc)
  assert.equal(resolveUser(s, '4242'), { uid: 4242, gid: 0, groups: [0], home: '/' });
});

test('name:group and uid:gid forms: the explicit group is primary, no supplementary groups from the file', () => {
  const s = stack().dirs;
  assert.equal(resolveUser(s, 'user:staff'), { uid: 1000, gid: 50, groups: [50], home: '/home/user' });
  assert.equal(resolveUser(s, '1000:4242'), { uid: 1000, gid: 4242, groups: [4242], home: '/home/user' });
  assert.equal(resolveUser(s, '77:88'), { uid: 77, gid: 88, groups: [88], home: '/' });
});

test('the primary gid is always among the groups, first (moby getUser: AdditionalGids = [gid, ...])', () => {
  // "-u nobody" had no groups at all before; docker gives it its primary group
  assert.equal(resolveUser(stack().dirs, 'nobody').groups, [65534]);
});

test('--group-add: names from the container\'s /etc/group, numbers as they are, in order, no duplicates', () => {
  const s = stack().dirs;
  assert.equal(resolveUser(s, 'nobody', ['staff', '4242', 'audio', '50']).groups, [65534, 50, 4242, 29]);
  assert.equal(resolveUser(s, 'user:staff', ['wheel']).groups, [50, 10]);
  assert.is(err(() => resolveUser(s, '', ['nosuch'])).message, 'unable to find group nosuch: no matching entries in group file');
  assert.is(err(() => resolveUser(s, '', ['2147483648'])).code, 'INVALID_ARGUMENT');
  assert.equal(checkGroupAdd(['audio', '7']), ['audio', '7']);
  for (const bad of ['', 'a:b', 'a b', '2147483648']) assert.is(err(() => checkGroupAdd([bad])).code, 'INVALID_ARGUMENT', bad);
});

test('unknown names: docker\'s messages', () => {
  const s = stack().dirs;
  const e = err(() => resolveUser(s, 'nosuch'));
  assert.is(e.code, 'INVALID_ARGUMENT');
  assert.is(e.message, 'unable to find user nosuch: no matching entries in passwd file');
  assert.is(err(() => resolveUser(s, 'user:nogroup')).message, 'unable to find group nogroup: no matching entries in group file');
  assert.is(err(() => resolveUser(s, 'a:b:c')).code, 'INVALID_ARGUMENT');
  assert.is(err(() => resolveUser(s, '2147483648')).code, 'INVALID_ARGUMENT');
});

test('numeric ids need no passwd file; names do', () => {
  const d = join(tmp, 'bare');
  mkdirSync(d);
  assert.equal(resolveUser([d], '1000:1000'), { uid: 1000, gid: 1000, groups: [1000], home: '/' });
  assert.equal(resolveUser([d], ''), { uid: 0, gid: 0, groups: [0], home: '/' });
  assert.match(err(() => resolveUser([d], 'user')).message, /unable to find user user/);
});

test('the topmost layer holding /etc/passwd wins (the container\'s upper dir first)', () => {
  const s = stack();
  writeFileSync(join(s.top, 'etc/passwd'), 'root:x:0:0:root:/top-root:/bin/sh\nuser:x:2000:2000::/top:/bin/sh\n');
  assert.equal(resolveUser(s.dirs, 'user').uid, 2000);
  writeFileSync(join(s.upper, 'etc/passwd'), 'user:x:3000:3000::/upper:/bin/sh\n');
  assert.equal(resolveUser(s.dirs, 'user'), { uid: 3000, gid: 3000, groups: [3000, 10, 29], home: '/upper' });
});

test('whiteouts: a 0:0 char device in the upper dir, or a .wh. file in a layer, deletes /etc/passwd', () => {
  const s = stack();
  mknod(join(s.upper, 'etc/passwd'), 0o020000 | 0o600, 0, 0);
  assert.match(err(() => resolveUser(s.dirs, 'user')).message, /no matching entries in passwd file/);
  assert.equal(resolveUser(s.dirs, ''), { uid: 0, gid: 0, groups: [0], home: '/' }); // group has no "root" member lookup without passwd
  const t = stack();
  writeFileSync(join(t.top, 'etc/.wh.passwd'), '');
  assert.match(err(() => resolveUser(t.dirs, 'user')).message, /no matching entries/);
  // a whiteout of the whole /etc hides both files
  const w = stack();
  rmSync(join(w.top, 'etc'), { recursive: true });
  writeFileSync(join(w.top, '.wh.etc'), '');
  assert.is(findInLayers(w.dirs, '/etc/group'), undefined);
  assert.ok(findInLayers(stack().dirs, '/etc/group'));
});

test('an opaque /etc (.wh..wh..opq) hides the layers below it', () => {
  const s = stack();
  writeFileSync(join(s.top, 'etc/.wh..wh..opq'), '');
  assert.is(findInLayers(s.dirs, '/etc/passwd'), undefined);
  writeFileSync(join(s.top, 'etc/passwd'), 'user:x:5000:5000::/opq:/bin/sh\n');
  assert.equal(resolveUser(s.dirs, 'user').uid, 5000);
});

test('a symlinked /etc/passwd pointing at a host file is resolved inside the root: the host file is NOT read', () => {
  const hostFile = join(tmp, 'host-passwd');
  writeFileSync(hostFile, 'evil:x:0:0::/evil-home:/bin/sh\nroot:x:0:0::/evil-root:/bin/sh\n');
  for (const link of [hostFile, `../../../../../../../../..${hostFile}`]) {
    const s = stack();
    symlinkSync(link, join(s.top, 'etc/passwd')); // hides the base layer's passwd, as an upper symlink does
    assert.match(err(() => resolveUser(s.dirs, 'evil')).message, /unable to find user evil/);
    assert.equal(resolveUser(s.dirs, ''), { uid: 0, gid: 0, groups: [0], home: '/' }, `via ${link}`);
  }
});

test('a symlink inside the root resolves through the merged layers (like the mounted overlay)', () => {
  const s = stack();
  writeFileSync(join(s.base, 'etc/passwd.real'), 'user:x:6000:6000::/real:/bin/sh\n');
  symlinkSync('passwd.real', join(s.top, 'etc/passwd'));
  assert.equal(resolveUser(s.dirs, 'user').uid, 6000);
  // an absolute link, and /etc itself a symlink in the upper layer
  const t = stack();
  mkdirSync(join(t.base, 'data'));
  writeFileSync(join(t.base, 'data/passwd'), 'user:x:7000:7000::/d:/bin/sh\n');
  rmSync(join(t.upper, 'etc'), { recursive: true });
  symlinkSync('/data', join(t.upper, 'etc'));
  assert.equal(resolveUser(t.dirs, 'user').uid, 7000);
  // a loop is not followed forever
  const u = stack();
  symlinkSync('passwd', join(u.upper, 'etc/passwd'));
  assert.match(err(() => resolveUser(u.dirs, 'user')).message, /no matching entries/);
});

test('a fifo at /etc/passwd does not hang the lookup', () => {
  const s = stack();
  execFileSync('mkfifo', [join(s.upper, 'etc/passwd')]);
  assert.match(err(() => resolveUser(s.dirs, 'user')).message, /no matching entries/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
