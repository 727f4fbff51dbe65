// Docker's syntaxes and messages for --device, --device-cgroup-rule, --ulimit and
// --sysctl (checked against the docker 28 CLI), and the host lookup of --device
// nodes (docker's DevicesFromPath): on data and on this host's /dev.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkUlimits, hostDevicesOf, normalizeUlimits, parseDeviceFlag, parseHardLimits, parseSysctl, parseUlimit,
  ulimitRlimits,
} from '../../src/engine/runtime/index.js';
import { parseDeviceRule } from '../../src/engine/cgroup/index.js';
import { BerthError } from '../../src/engine/errors.js';
import { mknod } from '../../src/native/index.js';

const tmp = mkdtempSync('/tmp/berth-test-');

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, BerthError);
    assert.is((e as BerthError).code, 'INVALID_ARGUMENT');
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

test('--device: HOST[:CONTAINER[:rwm]] as docker parses it', () => {
  assert.equal(parseDeviceFlag('/dev/null'), { pathOnHost: '/dev/null', pathInContainer: '/dev/null', cgroupPermissions: 'rwm' });
  assert.equal(parseDeviceFlag('/dev/null:/dev/x:r'), { pathOnHost: '/dev/null', pathInContainer: '/dev/x', cgroupPermissions: 'r' });
  assert.equal(parseDeviceFlag('/dev/null:r'), { pathOnHost: '/dev/null', pathInContainer: '/dev/null', cgroupPermissions: 'r' });
  assert.equal(parseDeviceFlag('/dev/sda:/dev/xvdc/../xvdd:mw'), { pathOnHost: '/dev/sda', pathInContainer: '/dev/xvdd', cgroupPermissions: 'mw' });
  assert.is(message(() => parseDeviceFlag('/dev/null:/dev/x:rwz')), 'bad mode specified: rwz');
  assert.is(message(() => parseDeviceFlag('/dev/null:/dev/x:rr')), 'bad mode specified: rr');
  assert.is(message(() => parseDeviceFlag('/dev/null:/dev/x:rwm:extra')), 'bad format for path: /dev/null:/dev/x:rwm:extra');
  assert.is(message(() => parseDeviceFlag(':/dev/x')), 'bad format for path: :/dev/x');
  assert.is(message(() => parseDeviceFlag('rel')), 'rel is not an absolute path');
  assert.is(message(() => parseDeviceFlag('/dev/null:rel')), 'rel is not an absolute path');
  assert.is(message(() => parseDeviceFlag('rel:/dev/x')), 'rel is not an absolute path');
  assert.match(message(() => parseDeviceFlag('/dev/null:/')), /cannot replace \//);
  assert.match(message(() => parseDeviceFlag('/dev/null:/dev/')), /cannot replace \/dev/);
});

test('--device: the host node\'s type, numbers, mode and owner; a directory gives every node under it', () => {
  assert.equal(hostDevicesOf(parseDeviceFlag('/dev/null:/dev/mynull:rw')),
    [{ path: '/dev/mynull', type: 'c', major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0, permissions: 'rw' }]);
  const dir = join(tmp, 'devs');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  mknod(join(dir, 'sub', 'disk'), 0o060640, 8, 0);
  mknod(join(dir, 'big'), 0o020600, 259, 1048575); // numbers beyond 8 bits use dev_t's split encoding
  writeFileSync(join(dir, 'plain'), '');
  symlinkSync('/dev/null', join(dir, 'link')); // inside a directory: not followed (docker's Walk)
  assert.equal(hostDevicesOf(parseDeviceFlag(`${dir}:/dev/mine`)), [
    { path: '/dev/mine/big', type: 'c', major: 259, minor: 1048575, mode: 0o600, uid: 0, gid: 0, permissions: 'rwm' },
    { path: '/dev/mine/sub/disk', type: 'b', major: 8, minor: 0, mode: 0o640, uid: 0, gid: 0, permissions: 'rwm' },
  ]);
  // a symlink given as the host path is followed (docker resolves it first)
  symlinkSync(join(dir, 'sub', 'disk'), join(tmp, 'disk-link'));
  assert.equal(hostDevicesOf(parseDeviceFlag(`${join(tmp, 'disk-link')}:/dev/d`)).map((d) => [d.type, d.major, d.minor]), [['b', 8, 0]]);
});

test('--device: docker\'s messages for what is no device', () => {
  assert.is(message(() => hostDevicesOf(parseDeviceFlag('/dev/nosuch'))),
    'error gathering device information while adding custom device "/dev/nosuch": no such file or directory');
  assert.is(message(() => hostDevicesOf(parseDeviceFlag('/etc/passwd'))),
    'error gathering device information while adding custom device "/etc/passwd": not a device node');
  mkdirSync(join(tmp, 'empty'));
  assert.match(message(() => hostDevicesOf(parseDeviceFlag(join(tmp, 'empty')))), /not a device node$/);
});

test('--device-cgroup-rule: docker\'s format and message', () => {
  assert.equal(parseDeviceRule('c 1:3 rwm'), { type: 'c', major: 1, minor: 3, access: 'rwm' });
  assert.equal(parseDeviceRule('a *:* m'), { type: 'a', major: '*', minor: '*', access: 'm' });
  assert.equal(parseDeviceRule('b 8:* r'), { type: 'b', major: 8, minor: '*', access: 'r' });
  for (const bad of ['x', 'c 1:3', 'c 1:3 rwx', 'd 1:3 r', 'c 1 r', 'c -1:3 r', ' c 1:3 r', 'c 1:3 rwmr', 'c 99999999999:1 r']) {
    assert.is(message(() => parseDeviceRule(bad)), `invalid argument "${bad}" for "--device-cgroup-rule" flag: invalid device cgroup format '${bad}'`);
  }
});

test('--ulimit: docker\'s names, forms and messages', () => {
  assert.equal(parseUlimit('nofile=1024:2048'), { name: 'nofile', soft: 1024, hard: 2048 });
  assert.equal(parseUlimit('nproc=100'), { name: 'nproc', soft: 100, hard: 100 });
  assert.equal(parseUlimit('core=-1'), { name: 'core', soft: -1, hard: -1 });
  assert.equal(parseUlimit('core=0:-1'), { name: 'core', soft: 0, hard: -1 });
  const flag = (v: string, why: string): void => assert.is(message(() => parseUlimit(v)), `invalid argument "${v}" for "--ulimit" flag: ${why}`);
  flag('foo=1', 'invalid ulimit type: foo');
  flag('as=1', 'invalid ulimit type: as');
  flag('nofile', 'invalid ulimit argument: nofile');
  flag('nofile=2:1', 'ulimit soft limit must be less than or equal to hard limit: 2 > 1');
  flag('nofile=-1:5', 'ulimit soft limit must be less than or equal to hard limit: -1 > 5');
  flag('nofile=a', 'strconv.ParseInt: parsing "a": invalid syntax');
  flag('nofile=1:', 'strconv.ParseInt: parsing "": invalid syntax');
  flag('nofile=1:2:3', 'too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`');
  assert.match(message(() => parseUlimit('nofile=-5')), /-5 is not a limit/);
});

test('--ulimit: one per name (the last wins), by name; RLIMIT numbers; never above the caller\'s hard limit', () => {
  const list = normalizeUlimits(['nproc=5', 'nofile=1:2', 'nproc=7', 'core=0'].map(parseUlimit));
  assert.equal(list.map((u) => `${u.name}=${u.soft}:${u.hard}`), ['core=0:0', 'nofile=1:2', 'nproc=7:7']);
  assert.equal(ulimitRlimits(list), [{ resource: 4, soft: 0, hard: 0 }, { resource: 7, soft: 1, hard: 2 }, { resource: 6, soft: 7, hard: 7 }]);
  const hard = parseHardLimits('Max open files            1024                 20000                files     \nMax core file size        0                    unlimited            bytes     \n');
  checkUlimits([parseUlimit('nofile=20000'), parseUlimit('core=-1')], hard);
  assert.match(message(() => checkUlimits([parseUlimit('nofile=1024:20001')], hard)), /^--ulimit nofile=1024:20001: the hard limit is above berth's own \(20000\)/);
  assert.match(message(() => checkUlimits([parseUlimit('nofile=-1')], hard)), /above berth's own \(20000\)/);
});

test('--sysctl: the namespaced keys only, docker\'s message for the rest', () => {
  for (const ok of ['net.ipv4.ip_forward=1', 'net.core.somaxconn=1024', 'kernel.shmmax=1', 'kernel.shm_rmid_forced=1', 'kernel.msgmnb=1',
    'kernel.sem=250 32000 32 128', 'fs.mqueue.msg_max=20']) {
    const eq = ok.indexOf('=');
    assert.equal(parseSysctl(ok), [ok.slice(0, eq), ok.slice(eq + 1)]);
  }
  assert.equal(parseSysctl('net.x=a=b'), ['net.x', 'a=b']);
  for (const bad of ['kernel.hostname=x', 'kernel.core_pattern=|/x', 'kernel.shm_next_id=1', 'vm.swappiness=1', 'foo', 'net.ipv4.ip_forward',
    'net/ipv4/ip_forward=1', 'net.=1', 'net..x=1', 'net./../kernel/core_pattern=x', 'fs.file-max=1']) {
    assert.is(message(() => parseSysctl(bad)), `invalid argument "${bad}" for "--sysctl" flag: sysctl '${bad}' is not allowed`);
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
