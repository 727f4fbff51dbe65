// Pure parsing of /proc/self/cgroup and mountinfo, on sample texts of the three
// host layouts, and how they combine into the caller's directory per hierarchy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callerHierarchies, mountOfDir, parseCgroupMounts, parseKnownControllers, parseProcCgroup } from '../../src/engine/cgroup/index.js';

const KNOWN = parseKnownControllers(
  '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t2\t1\t1\nblkio\t7\t1\t1\n' +
  'memory\t4\t2\t1\ndevices\t5\t1\t1\nfreezer\t6\t1\t1\nnet_cls\t0\t1\t1\npids\t8\t1\t1\nhugetlb\t0\t1\t1\n');

// this machine (hybrid): v1 controllers one per directory, cgroup2 at unified
const HYBRID_CGROUP = `9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/49cb54b89497c01db865443257b8cd74
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`;
const HYBRID_MOUNTINFO = `23 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

// Ubuntu 22.04-style pure cgroup2 (systemd), a user session
const V2_CGROUP = '0::/user.slice/user-1000.slice/session-3.scope\n';
const V2_MOUNTINFO = `25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
35 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

// legacy (CentOS 7-style): cpu and cpuacct co-mounted, net_cls too, no cgroup2
const LEGACY_CGROUP = `11:net_cls:/
10:memory:/system.slice/sshd.service
4:cpu,cpuacct:/system.slice/sshd.service
1:name=systemd:/system.slice/sshd.service
`;
const LEGACY_MOUNTINFO = `24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:6 - tmpfs tmpfs ro,mode=755
25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:7 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
28 24 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,cpu,cpuacct
29 24 0:25 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,memory
30 24 0:26 / /sys/fs/cgroup/net_cls rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,net_cls
`;

test('parseProcCgroup: hybrid lines, named hierarchy, cgroup2 line', () => {
  const e = parseProcCgroup(HYBRID_CGROUP);
  assert.is(e.length, 10);
  assert.equal(e[0], { hierarchyId: 9, controllers: ['name=systemd'], path: '/' });
  assert.equal(e[5], { hierarchyId: 4, controllers: ['memory'], path: '/process_api/49cb54b89497c01db865443257b8cd74' });
  assert.equal(e[9], { hierarchyId: 0, controllers: [], path: '/' });
});

test('parseProcCgroup: cgroup2 only, co-mounted controllers, a path holding ":"', () => {
  assert.equal(parseProcCgroup(V2_CGROUP), [{ hierarchyId: 0, controllers: [], path: '/user.slice/user-1000.slice/session-3.scope' }]);
  const legacy = parseProcCgroup(LEGACY_CGROUP);
  assert.equal(legacy.map((x) => x.controllers), [['net_cls'], ['memory'], ['cpu', 'cpuacct'], ['name=systemd']]);
  assert.is(parseProcCgroup('0::/a:b/c\n')[0].path, '/a:b/c');
});

test('parseCgroupMounts: only cgroup filesystems; controllers from super options, generic options dropped', () => {
  const hybrid = parseCgroupMounts(HYBRID_MOUNTINFO, KNOWN);
  assert.is(hybrid.length, 10); // the tmpfs and sysfs are not cgroup mounts
  assert.equal(hybrid.find((m) => m.mountPoint === '/sys/fs/cgroup/systemd'), { version: 1, mountPoint: '/sys/fs/cgroup/systemd', root: '/', controllers: ['name=systemd'] });
  assert.equal(hybrid.find((m) => m.version === 2), { version: 2, mountPoint: '/sys/fs/cgroup/unified', root: '/', controllers: [] });
  const legacy = parseCgroupMounts(LEGACY_MOUNTINFO, KNOWN);
  assert.equal(legacy.map((m) => m.controllers), [['name=systemd'], ['cpu', 'cpuacct'], ['memory'], ['net_cls']]);
  assert.equal(parseCgroupMounts(V2_MOUNTINFO, KNOWN), [{ version: 2, mountPoint: '/sys/fs/cgroup', root: '/', controllers: [] }]);
});

test('parseCgroupMounts: octal escapes in mount points', () => {
  const m = parseCgroupMounts('50 1 0:40 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n', KNOWN);
  assert.is(m[0].mountPoint, '/mnt/my cgroups');
});

test('callerHierarchies: hybrid — every hierarchy, memory under the caller\'s own cgroup', () => {
  const h = callerHierarchies(parseProcCgroup(HYBRID_CGROUP), parseCgroupMounts(HYBRID_MOUNTINFO, KNOWN));
  assert.equal(h.map((x) => x.callerDir), [
    '/sys/fs/cgroup/systemd', '/sys/fs/cgroup/pids', '/sys/fs/cgroup/blkio', '/sys/fs/cgroup/freezer',
    '/sys/fs/cgroup/devices', '/sys/fs/cgroup/memory/process_api/49cb54b89497c01db865443257b8cd74',
    '/sys/fs/cgroup/cpuset', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/unified',
  ]);
});

test('callerHierarchies: cgroup2 only, and legacy with co-mounted cpu,cpuacct; unmounted net_cls is fine', () => {
  const v2 = callerHierarchies(parseProcCgroup(V2_CGROUP), parseCgroupMounts(V2_MOUNTINFO, KNOWN));
  assert.equal(v2.map((x) => x.callerDir), ['/sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope']);
  const legacyMounts = parseCgroupMounts(LEGACY_MOUNTINFO, KNOWN).filter((m) => !m.controllers.includes('net_cls'));
  const legacy = callerHierarchies(parseProcCgroup(LEGACY_CGROUP), legacyMounts);
  assert.equal(legacy.map((x) => x.callerDir), [
    '/sys/fs/cgroup/memory/system.slice/sshd.service',
    '/sys/fs/cgroup/cpu,cpuacct/system.slice/sshd.service',
    '/sys/fs/cgroup/systemd/system.slice/sshd.service',
  ]);
});

test('callerHierarchies: a mount showing a subtree (berth inside a container) maps paths below its root', () => {
  const mounts = parseCgroupMounts('60 1 0:50 /docker/abc /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n', KNOWN);
  const inside = callerHierarchies(parseProcCgroup('0::/docker/abc/sub\n'), mounts);
  assert.equal(inside.map((x) => x.callerDir), ['/sys/fs/cgroup/sub']);
  // a cgroup outside the mounted subtree cannot be reached: left out, not guessed
  assert.equal(callerHierarchies(parseProcCgroup('0::/elsewhere\n'), mounts), []);
});

test('mountOfDir: deepest mount point, on whole path components', () => {
  const mounts = parseCgroupMounts(HYBRID_MOUNTINFO, KNOWN);
  assert.is(mountOfDir('/sys/fs/cgroup/cpuacct/berth/x', mounts)?.controllers[0], 'cpuacct');
  assert.is(mountOfDir('/sys/fs/cgroup/cpu/berth/x', mounts)?.controllers[0], 'cpu');
  assert.is(mountOfDir('/sys/fs/cgroup/unified/berth/x', mounts)?.version, 2);
  assert.is(mountOfDir('/sys/fs/cgroup/unknown/x', mounts), undefined);
});

test.run();
