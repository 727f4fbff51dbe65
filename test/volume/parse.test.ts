// docker's mount syntaxes (-v, --mount, --tmpfs) and the rootfs ops they become:
// pure functions, no kernel needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MS } from '../../src/native/index.js';
import { BerthError } from '../../src/engine/errors.js';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag } from '../../src/engine/volume/index.js';
import { userMountOps } from '../../src/engine/runtime/user-mounts.js';

const invalid = (fn: () => unknown, re: RegExp) => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, BerthError);
    assert.is((e as BerthError).code, 'INVALID_ARGUMENT');
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`no error (expected ${re})`);
};

test('-v: named volume, bind, anonymous, modes', () => {
  assert.equal(parseVolumeFlag('data:/var/lib/x'), { type: 'volume', source: 'data', target: '/var/lib/x', readonly: false, options: [] });
  assert.equal(parseVolumeFlag('/srv/a/../b:/b/:ro'), { type: 'bind', source: '/srv/b', target: '/b', readonly: true, options: [], createSource: true });
  assert.equal(parseVolumeFlag('/anon'), { type: 'volume', source: '', target: '/anon', readonly: false, options: [] });
  assert.equal(parseVolumeFlag('v1:/x:nocopy,ro').options, ['nocopy']);
  invalid(() => parseVolumeFlag('v1:rel'), /not an absolute path/);
  invalid(() => parseVolumeFlag('v1:/'), /cannot be "\/"/);
  invalid(() => parseVolumeFlag('v1:/x:rshared'), /invalid mode "rshared"/);
  invalid(() => parseVolumeFlag('bad name:/x'), /invalid volume name/);
  invalid(() => parseVolumeFlag('a:/b:ro:x'), /invalid volume specification/);
});

test('--mount: docker\'s keys, defaults and refusals', () => {
  assert.equal(parseMountFlag('type=bind,src=/h,dst=/c,readonly'), { type: 'bind', source: '/h', target: '/c', readonly: true, options: [] });
  assert.equal(parseMountFlag('target=/c'), { type: 'volume', source: '', target: '/c', readonly: false, options: [] });
  assert.equal(parseMountFlag('type=volume,source=vv,target=/c,volume-nocopy,readonly=false').options, ['nocopy']);
  assert.equal(parseMountFlag('type=tmpfs,target=/t,tmpfs-size=1024,tmpfs-mode=1770').options, ['size=1024', 'mode=1770']);
  invalid(() => parseMountFlag('type=bind,target=/c'), /Source must not be empty/);
  invalid(() => parseMountFlag('type=bind,source=rel,target=/c'), /not an absolute path/);
  invalid(() => parseMountFlag('type=volume,source=vv'), /needs a target/);
  invalid(() => parseMountFlag('type=tmpfs,source=x,target=/t'), /has no source/);
  invalid(() => parseMountFlag('type=nfs,target=/t'), /invalid mount type/);
  invalid(() => parseMountFlag('target=/t,bind-propagation=shared'), /unexpected key/);
  invalid(() => parseMountFlag('target=/t,readonly=maybe'), /invalid value/);
});

test('--tmpfs: options checked; flags and data become the tmpfs mount op', () => {
  const req = parseTmpfsFlag('/run:size=1m,mode=1777,exec,ro');
  assert.equal(req, { type: 'tmpfs', source: '', target: '/run', readonly: true, options: ['size=1m', 'mode=1777', 'exec'] });
  const [op] = userMountOps([req], () => 'dir');
  assert.equal(op, { op: 'mount', source: 'tmpfs', target: '/run', fstype: 'tmpfs', flags: MS.NOSUID | MS.NODEV | MS.RDONLY, data: 'size=1m,mode=1777', mkdir: 'dir' });
  invalid(() => parseTmpfsFlag('/t:size=1m,uid=0;rm'), /invalid tmpfs option/);
  invalid(() => parseTmpfsFlag('/t:context=x'), /invalid tmpfs option/);
});

test('mount ops: recursive binds, ro via the bind flags, file mount points, parents before children', () => {
  const ops = userMountOps([
    { type: 'volume', source: '/r/volumes/v/_data', name: 'v', target: '/a/b/c', readonly: false, options: [] },
    { type: 'bind', source: '/etc/hostname-file', target: '/a/file', readonly: true, options: [] },
    { type: 'tmpfs', source: '', target: '/a', readonly: false, options: [] },
  ], (src) => (src.endsWith('-file') ? 'file' : 'dir'));
  assert.equal(ops.map((o) => o.target), ['/a', '/a/file', '/a/b/c']);
  assert.equal(ops[1], { op: 'mount', source: '/etc/hostname-file', target: '/a/file', fstype: '', data: '', flags: MS.BIND | MS.REC | MS.RDONLY, mkdir: 'file' });
  assert.equal(ops[2], { op: 'mount', source: '/r/volumes/v/_data', target: '/a/b/c', fstype: '', data: '', flags: MS.BIND | MS.REC, mkdir: 'dir' });
});

test.run();
