// The SpawnSpec built from a container record: Docker's defaults, checked
// field by field (caps masks, mounts and their order, devices, masks, env,
// --init, the overlay options), on a temporary layer stack.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleSpawnSpec, buildSpawnSpec, cgroupFsOps, overlayMountData, MASKED_PATHS, READONLY_PATHS,
  DEFAULT_PATH, DOCKER_DEFAULT_CAPS, CAP_NUMBERS, allCapabilities, capMask, containerCapabilities, normalizeCapabilities, type HostFacts,
} from '../../src/engine/runtime/index.js';
import { ContainerPaths } from '../../src/engine/store/layout.js';
import type { ContainerRecord } from '../../src/engine/container/types.js';
import { CLONE, MS, initPath, monitorPath, type RootfsOp, type SpawnSpec } from '../../src/native/index.js';
import { BerthError } from '../../src/engine/errors.js';
import { DEFAULT_PROFILE, compileProfile } from '../../src/engine/seccomp/index.js';
import { privilegedDevices } from '../../src/engine/runtime/host-devices.js';
import { release } from 'node:os';
import { AUDIT_ARCH, decodeRet, runFilter } from '../helpers/bpf.js';

const tmp = mkdtempSync('/tmp/berth-test-');
const paths = new ContainerPaths(join(tmp, 'containers', 'c1'));
const lower1 = join(tmp, 'layers', 'top', 'diff');
const lower2 = join(tmp, 'layers', 'base', 'diff');
for (const d of [paths.upper, paths.work, paths.merged, join(lower1, 'etc'), join(lower2, 'etc')]) mkdirSync(d, { recursive: true });
writeFileSync(join(lower2, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n');
writeFileSync(join(lower2, 'etc/group'), 'root:x:0:\nwheel:x:10:root,user\nuser:x:1000:\n');

function record(config: Partial<ContainerRecord['config']> = {}): ContainerRecord {
  return {
    id: 'a'.repeat(64), name: 'test', created: new Date().toISOString(), restartCount: 0,
    lowerDirs: [lower1, lower2],
    config: {
      image: 'bb', imageId: 'sha256:' + 'b'.repeat(64), entrypoint: [], cmd: ['sh', '-c', 'true'],
      env: ['PATH=/bin:/usr/bin', 'FOO=bar'], workingDir: '', user: '', hostname: 'abc123def456', labels: {},
      stopSignal: 'SIGTERM', stopTimeout: 10, init: false, autoRemove: false, tty: false, openStdin: false,
      readonlyRootfs: false, ...config,
    },
  };
}

const monitorArgs = ['--log', paths.log, '--exit-file', paths.exitFile];
const hybridProcs = ['cpu', 'memory', 'systemd', 'unified'].map((h) => `/sys/fs/cgroup/${h}/berth/${'a'.repeat(64)}/cgroup.procs`);
const build = (config: Partial<ContainerRecord['config']> = {}): SpawnSpec =>
  buildSpawnSpec({ record: record(config), paths, cgroupJoinFiles: hybridProcs, monitorArgs });

const DOCKER_CAP_EFF = BigInt('0x00000000a80425fb').toString(); // CapEff in a default docker container
const targetIndex = (ops: RootfsOp[], target: string, op?: RootfsOp['op']): number =>
  ops.findIndex((o) => o.target === target && (!op || o.op === op));

test('capabilities: uid 0 gets the 14 (0xa80425fb) in bounding/effective/permitted, none inheritable or ambient', () => {
  const s = build();
  assert.equal(s.process.caps, { bounding: DOCKER_CAP_EFF, effective: DOCKER_CAP_EFF, permitted: DOCKER_CAP_EFF, inheritable: '0', ambient: '0' });
  assert.is(s.process.uid, 0);
  assert.is(s.process.noNewPrivileges, true);
});

test('capabilities: a non-root user keeps the bounding set but has nothing effective', () => {
  const s = build({ user: 'user' });
  assert.is(s.process.uid, 1000);
  assert.is(s.process.gid, 1000);
  assert.equal(s.process.groups, [1000, 10]);
  assert.equal(s.process.caps, { bounding: DOCKER_CAP_EFF, effective: '0', permitted: '0', inheritable: '0', ambient: '0' });
});

test('masked and read-only paths: Docker\'s 12 and 5, after every mount', () => {
  assert.equal([...MASKED_PATHS].sort(), [
    '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
    '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats', '/sys/devices/virtual/powercap', '/sys/firmware',
  ]);
  assert.equal([...READONLY_PATHS].sort(), ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  const ops = build().ops;
  assert.equal(ops.filter((o) => o.op === 'mask').map((o) => o.target), [...MASKED_PATHS]);
  assert.equal(ops.filter((o) => o.op === 'readonly').map((o) => o.target), [...READONLY_PATHS]);
  const lastMount = ops.map((o) => o.op).lastIndexOf('mount');
  const firstProtect = ops.findIndex((o) => o.op === 'mask' || o.op === 'readonly');
  assert.ok(lastMount < firstProtect, 'masks and read-only paths come last');
});

test('kernel mounts: flags, data and order (/proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys, /sys/fs/cgroup)', () => {
  const ops = build().ops;
  const mounts = ops.filter((o): o is Extract<RootfsOp, { op: 'mount' }> => o.op === 'mount');
  const get = (t: string) => mounts.find((m) => m.target === t)!;
  assert.equal([get('/proc').fstype, get('/proc').flags], ['proc', MS.NOSUID | MS.NOEXEC | MS.NODEV]);
  assert.equal([get('/dev').fstype, get('/dev').flags, get('/dev').data], ['tmpfs', MS.NOSUID | MS.STRICTATIME, 'mode=755,size=65536k']);
  assert.equal([get('/dev/pts').fstype, get('/dev/pts').flags, get('/dev/pts').data], ['devpts', MS.NOSUID | MS.NOEXEC, 'newinstance,ptmxmode=0666,mode=0620,gid=5']);
  assert.equal([get('/dev/shm').fstype, get('/dev/shm').flags, get('/dev/shm').data], ['tmpfs', MS.NOSUID | MS.NOEXEC | MS.NODEV, 'mode=1777,size=67108864']);
  assert.equal([get('/dev/mqueue').fstype, get('/dev/mqueue').flags], ['mqueue', MS.NOSUID | MS.NOEXEC | MS.NODEV]);
  assert.equal([get('/sys').fstype, get('/sys').flags], ['sysfs', MS.RDONLY | MS.NOSUID | MS.NOEXEC | MS.NODEV]);
  const order = ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup'].map((t) => targetIndex(ops, t, 'mount'));
  assert.equal(order, [...order].sort((a, b) => a - b), `order ${order}`);
  assert.ok(order.every((i) => i >= 0));
});

test('devices and /dev symlinks: after the /dev tmpfs; char devices 0666 root:root', () => {
  const ops = build().ops;
  const devMount = targetIndex(ops, '/dev', 'mount');
  const nodes = ops.filter((o): o is Extract<RootfsOp, { op: 'mknod' }> => o.op === 'mknod');
  assert.equal(nodes.map((n) => [n.target, n.major, n.minor]), [
    ['/dev/null', 1, 3], ['/dev/zero', 1, 5], ['/dev/full', 1, 7], ['/dev/random', 1, 8], ['/dev/urandom', 1, 9], ['/dev/tty', 5, 0],
  ]);
  for (const n of nodes) assert.equal([n.mode, n.uid, n.gid], [0o020666, 0, 0]);
  const links = ops.filter((o): o is Extract<RootfsOp, { op: 'symlink' }> => o.op === 'symlink' && o.target.startsWith('/dev/'));
  assert.equal(links.map((l) => [l.target, l.linkTo]), [
    ['/dev/fd', '/proc/self/fd'], ['/dev/stdin', '/proc/self/fd/0'], ['/dev/stdout', '/proc/self/fd/1'],
    ['/dev/stderr', '/proc/self/fd/2'], ['/dev/ptmx', 'pts/ptmx'], ['/dev/core', '/proc/kcore'],
  ]);
  assert.ok(ops.indexOf(nodes[0]) > targetIndex(ops, '/dev/mqueue', 'mount'));
  assert.ok(ops.indexOf(links[0]) > devMount);
});

test('/etc files: bind mounts of the container\'s hostname, hosts and resolv.conf (files created if missing)', () => {
  const binds = build().ops.filter((o): o is Extract<RootfsOp, { op: 'mount' }> => o.op === 'mount' && o.target.startsWith('/etc/'));
  assert.equal(binds.map((b) => [b.source, b.target, b.flags, b.mkdir]), [
    [paths.hostname, '/etc/hostname', MS.BIND, 'file'],
    [paths.hosts, '/etc/hosts', MS.BIND, 'file'],
    [paths.resolvConf, '/etc/resolv.conf', MS.BIND, 'file'],
  ]);
});

test('/sys/fs/cgroup on this hybrid host: tmpfs, one ro v1 mount per joined hierarchy, cgroup2 at unified, then ro', () => {
  const ops = build().ops;
  const start = targetIndex(ops, '/sys/fs/cgroup', 'mount');
  const end = targetIndex(ops, '/sys/fs/cgroup', 'remount');
  const cg = ops.slice(start, end + 1);
  const RO = MS.RDONLY | MS.NOSUID | MS.NOEXEC | MS.NODEV;
  assert.equal(cg, [
    { op: 'mount', source: 'tmpfs', target: '/sys/fs/cgroup', fstype: 'tmpfs', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV, data: 'mode=755', mkdir: 'dir' },
    { op: 'mount', source: 'cgroup', target: '/sys/fs/cgroup/cpu', fstype: 'cgroup', flags: RO, data: 'cpu', mkdir: 'dir' },
    { op: 'mount', source: 'cgroup', target: '/sys/fs/cgroup/memory', fstype: 'cgroup', flags: RO, data: 'memory', mkdir: 'dir' },
    { op: 'mount', source: 'cgroup', target: '/sys/fs/cgroup/systemd', fstype: 'cgroup', flags: RO, data: 'none,name=systemd', mkdir: 'dir' },
    { op: 'mount', source: 'cgroup2', target: '/sys/fs/cgroup/unified', fstype: 'cgroup2', flags: RO, data: '', mkdir: 'dir' },
    { op: 'remount', target: '/sys/fs/cgroup', flags: MS.BIND | RO },
  ]);
});

test('/sys/fs/cgroup: unified hosts get one ro cgroup2; legacy co-mounts get symlinks, no cgroup2', () => {
  const RO = MS.RDONLY | MS.NOSUID | MS.NOEXEC | MS.NODEV;
  assert.equal(cgroupFsOps('unified', [{ version: 2, mountName: 'cgroup', controllers: [] }]), [
    { op: 'mount', source: 'cgroup2', target: '/sys/fs/cgroup', fstype: 'cgroup2', flags: RO, data: '', mkdir: 'dir' },
  ]);
  const legacy = cgroupFsOps('legacy', [{ version: 1, mountName: 'cpu,cpuacct', controllers: ['cpu', 'cpuacct'] }, { version: 2, mountName: 'unified', controllers: [] }]);
  assert.equal(legacy.map((o) => `${o.op} ${o.target}`), [
    'mount /sys/fs/cgroup', 'mount /sys/fs/cgroup/cpu,cpuacct', 'symlink /sys/fs/cgroup/cpu', 'symlink /sys/fs/cgroup/cpuacct', 'remount /sys/fs/cgroup',
  ]);
  assert.is((legacy[2] as { linkTo: string }).linkTo, 'cpu,cpuacct');
});

test('namespaces, stdio, cwd, rootfs, monitor, rlimits', () => {
  const s = build();
  assert.is(s.namespaces, CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWNET | CLONE.NEWCGROUP);
  assert.is(s.process.stdinNull, true);
  assert.is(build({ openStdin: true }).process.stdinNull, false);
  assert.is(s.process.cwd, '/');
  assert.is(build({ workingDir: '/tmp' }).process.cwd, '/tmp');
  assert.is(s.rootfs, paths.merged);
  assert.is(s.hostname, 'abc123def456');
  assert.is(s.readonlyRootfs, false);
  assert.is(build({ readonlyRootfs: true }).readonlyRootfs, true);
  assert.equal(s.monitor, { path: monitorPath, args: monitorArgs });
  assert.equal(s.cgroupJoinFiles, hybridProcs);
  assert.equal(s.process.rlimits, []); // Docker sets none: the container inherits
});

test('overlay: lowerdir keeps the record\'s order (top first), then upper and work', () => {
  const s = build();
  assert.equal({ ...s.rootfsMount!, data: undefined }, { source: 'overlay', fstype: 'overlay', flags: 0, data: undefined });
  assert.match(s.rootfsMount!.data, new RegExp(`(^|,)lowerdir=${lower1}:${lower2},upperdir=${paths.upper},workdir=${paths.work}$`));
  assert.is(overlayMountData(record(), paths, { indexOff: true }), `index=off,lowerdir=${lower1}:${lower2},upperdir=${paths.upper},workdir=${paths.work}`);
  assert.is(overlayMountData(record(), paths, { indexOff: false }), `lowerdir=${lower1}:${lower2},upperdir=${paths.upper},workdir=${paths.work}`);
});

test('overlay: options over one page, or paths with separators, are refused as UNSUPPORTED', () => {
  const deep = record();
  deep.lowerDirs = Array.from({ length: 80 }, (_, i) => `/var/lib/berth/layers/${i.toString(16).padStart(64, '0')}/diff`);
  const e = (() => { try { overlayMountData(deep, paths); } catch (x) { return x; } })();
  assert.instance(e, BerthError);
  assert.is((e as BerthError).code, 'UNSUPPORTED');
  assert.match((e as BerthError).message, /4095/);
  const comma = record();
  comma.lowerDirs = ['/var/lib/a,b'];
  assert.throws(() => overlayMountData(comma, paths), (x: BerthError) => x.code === 'UNSUPPORTED');
});

test('env: Docker\'s defaults, image PATH in place, HOSTNAME, HOME from passwd, TERM only with a tty', () => {
  assert.equal(build().process.env, ['PATH=/bin:/usr/bin', 'HOSTNAME=abc123def456', 'FOO=bar', 'HOME=/root']);
  assert.equal(build({ env: [] }).process.env, [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc123def456', 'HOME=/root']);
  assert.equal(build({ env: [], user: 'user', tty: true }).process.env, [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=abc123def456', 'TERM=xterm', 'HOME=/home/user']);
  assert.equal(build({ env: ['HOME=/data', 'HOSTNAME=mine'] }).process.env, [`PATH=${DEFAULT_PATH}`, 'HOSTNAME=mine', 'HOME=/data']);
  // a user unknown to passwd (numeric) gets HOME=/
  assert.equal(build({ env: [], user: '4242' }).process.env.at(-1), 'HOME=/');
});

test('args: entrypoint + cmd; no command is docker\'s error', () => {
  assert.equal(build({ entrypoint: ['/bin/echo'], cmd: ['hi'] }).process.args, ['/bin/echo', 'hi']);
  const e = (() => { try { build({ entrypoint: [], cmd: [] }); } catch (x) { return x; } })() as BerthError;
  assert.instance(e, BerthError);
  assert.is(e.code, 'INVALID_ARGUMENT');
  assert.is(e.message, 'no command specified');
});

test('--init: berth-init bound read-only at docker\'s /sbin/docker-init after /dev is mounted, args prefixed with it and "--"', () => {
  const s = build({ init: true, cmd: ['sleep', '5'] });
  assert.equal(s.process.args, ['/sbin/docker-init', '--', 'sleep', '5']); // as docker calls its tini
  const bind = targetIndex(s.ops, '/sbin/docker-init', 'mount');
  const ro = targetIndex(s.ops, '/sbin/docker-init', 'remount');
  assert.equal(s.ops[bind], { op: 'mount', source: initPath, target: '/sbin/docker-init', fstype: '', flags: MS.BIND, data: '', mkdir: 'file' });
  assert.ok(bind > targetIndex(s.ops, '/dev', 'mount') && ro === bind + 1);
  const flags = (s.ops[ro] as { flags: number }).flags;
  assert.ok((flags & MS.RDONLY) !== 0 && (flags & MS.BIND) !== 0 && (flags & MS.NOEXEC) === 0);
  assert.is(targetIndex(build().ops, '/sbin/docker-init'), -1, 'no /sbin/docker-init without --init');
});

test('seccomp: docker\'s default profile compiled into the process spec; none with seccomp=unconfined', () => {
  const s = build();
  assert.ok(s.process.seccomp, 'a filter by default');
  assert.equal(s.process.seccomp!.filter, compileProfile(DEFAULT_PROFILE, { caps: DOCKER_DEFAULT_CAPS, kernel: release() }).program);
  assert.is(s.process.seccomp!.flags, 0);
  assert.is(build({ securityOpt: ['seccomp=unconfined'] }).process.seccomp, undefined);
  const custom = '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG"],"syscalls":[]}';
  assert.is(build({ securityOpt: [`seccomp=${custom}`] }).process.seccomp!.flags, 2);
});

test('--cap-add/--cap-drop: docker\'s spelling and arithmetic (ALL either way), unknown names refused', () => {
  assert.equal(normalizeCapabilities(['net_admin', 'CAP_sys_time', 'all', 'NET_ADMIN'], 'CapAdd'), ['CAP_NET_ADMIN', 'CAP_SYS_TIME', 'ALL']);
  assert.throws(() => normalizeCapabilities(['bogus'], 'CapDrop'), (e: Error) => e.message === 'invalid CapDrop: unknown capability: "CAP_BOGUS"');
  assert.equal(containerCapabilities({}), [...DOCKER_DEFAULT_CAPS]);
  assert.equal(containerCapabilities({ capAdd: ['CAP_SYS_ADMIN'], capDrop: ['CAP_NET_RAW'] }), [...DOCKER_DEFAULT_CAPS.filter((c) => c !== 'NET_RAW'), 'SYS_ADMIN']);
  assert.equal(containerCapabilities({ capDrop: ['ALL'], capAdd: ['CAP_CHOWN'] }), ['CHOWN']);
  assert.equal(containerCapabilities({ capAdd: ['ALL'], capDrop: ['CAP_SYS_ADMIN'] }), allCapabilities().filter((c) => c !== 'SYS_ADMIN'));
  assert.equal(containerCapabilities({ privileged: true, capDrop: ['CAP_CHOWN'] }), allCapabilities());
  assert.equal(allCapabilities((1n << 41n) - 1n), Object.keys(CAP_NUMBERS), 'ALL = every capability the caller holds');
  assert.equal(allCapabilities(0x3n | (1n << 24n)), ['CHOWN', 'DAC_OVERRIDE', 'SYS_RESOURCE']);
});

test('capabilities reach the process and the seccomp profile: CAP_SYS_ADMIN opens unshare; no-new-privileges=false turns it off', () => {
  const s = build({ capAdd: ['CAP_SYS_ADMIN'], capDrop: ['CAP_NET_RAW'] });
  const mask = (BigInt(DOCKER_CAP_EFF) | (1n << 21n)) & ~(1n << 13n);
  assert.equal(s.process.caps.bounding, mask.toString());
  const unshare = (spec: SpawnSpec) => decodeRet(runFilter(spec.process.seccomp!.filter, { nr: 272, arch: AUDIT_ARCH.X86_64 })).action;
  assert.is(unshare(s), 'ALLOW');
  assert.is(unshare(build()), 'ERRNO');
  assert.is(build().process.noNewPrivileges, true);
  assert.is(build({ securityOpt: ['no-new-privileges=false'] }).process.noNewPrivileges, false);
  assert.is(build({ securityOpt: ['no-new-privileges'] }).process.noNewPrivileges, true);
});

test('--privileged: all caps, no seccomp, no masks or read-only paths, /sys and cgroupfs rw, host devices (defaults kept)', () => {
  const facts: HostFacts = {
    user: { uid: 0, gid: 0, groups: [], home: '/root' }, cgroupMode: 'hybrid', overlayData: 'x',
    hierarchies: [{ version: 1, mountName: 'memory', controllers: ['memory'] }, { version: 2, mountName: 'unified', controllers: [] }],
    hostDevices: [
      { path: '/dev/null', type: 'c', mode: 0o666, major: 1, minor: 3, uid: 0, gid: 0, permissions: 'rwm' },
      { path: '/dev/loop0', type: 'b', mode: 0o660, major: 7, minor: 0, uid: 0, gid: 6, permissions: 'rwm' },
      { path: '/dev/net/tun', type: 'c', mode: 0o600, major: 10, minor: 200, uid: 0, gid: 0, permissions: 'rwm' },
    ],
  };
  const input = (config: Partial<ContainerRecord['config']>) => ({ record: record(config), paths, cgroupJoinFiles: [], monitorArgs: [] });
  const s = assembleSpawnSpec(input({ privileged: true, securityOpt: ['seccomp=builtin'] }), facts);
  assert.equal(s.process.caps.bounding, capMask(allCapabilities()).toString());
  assert.is(s.process.seccomp, undefined, 'no filter, whatever --security-opt says');
  assert.equal(s.ops.filter((o) => o.op === 'mask' || o.op === 'readonly'), []);
  const flagsOf = (target: string) => (s.ops.find((o) => o.target === target && (o.op === 'mount' || o.op === 'remount')) as { flags: number }).flags;
  assert.is(flagsOf('/sys') & MS.RDONLY, 0);
  assert.ok(s.ops.filter((o) => o.target.startsWith('/sys/fs/cgroup') && 'flags' in o).every((o) => ((o as { flags: number }).flags & MS.RDONLY) === 0));
  const nodes = s.ops.filter((o) => o.op === 'mknod').map((o) => o.target);
  assert.equal(nodes.filter((n) => n === '/dev/null').length, 1, 'the host\'s /dev/null replaces the default one');
  assert.ok(nodes.includes('/dev/zero') && nodes.includes('/dev/loop0') && nodes.includes('/dev/net/tun'));
  assert.ok(targetIndex(s.ops, '/dev/net', 'mkdir') < targetIndex(s.ops, '/dev/net/tun', 'mknod'), 'the directory first');
  assert.equal(s.ops.find((o) => o.target === '/dev/loop0'), { op: 'mknod', target: '/dev/loop0', mode: 0o060660, major: 7, minor: 0, uid: 0, gid: 6 });
  // without --privileged the host devices are not used, and everything is as before
  const plain = assembleSpawnSpec(input({}), facts);
  assert.ok(!plain.ops.some((o) => o.target === '/dev/loop0'));
  assert.ok(plain.ops.some((o) => o.op === 'mask'));
  assert.ok((plain.ops.find((o) => o.target === '/sys')! as { flags: number }).flags & MS.RDONLY);
});

test('--security-opt systempaths=unconfined: no masked or read-only paths; writable-cgroups=true: cgroupfs rw', () => {
  assert.equal(build({ securityOpt: ['systempaths=unconfined'] }).ops.filter((o) => o.op === 'mask' || o.op === 'readonly'), []);
  const cg = build({ securityOpt: ['writable-cgroups=true'] }).ops.filter((o) => o.target.startsWith('/sys/fs/cgroup') && 'flags' in o);
  assert.ok(cg.length > 0 && cg.every((o) => ((o as { flags: number }).flags & MS.RDONLY) === 0));
  assert.ok(build().ops.filter((o) => o.target === '/sys/fs/cgroup/memory').every((o) => ((o as { flags: number }).flags & MS.RDONLY) !== 0));
});

test('privilegedDevices: the host\'s device nodes with their numbers and owners, not pts, console or ptmx', () => {
  const devs = privilegedDevices();
  assert.equal(devs.find((d) => d.path === '/dev/null'), { path: '/dev/null', type: 'c', mode: 0o666, major: 1, minor: 3, uid: 0, gid: 0, permissions: 'rwm' });
  assert.ok(!devs.some((d) => d.path.startsWith('/dev/pts/') || d.path === '/dev/console' || d.path === '/dev/ptmx'));
});

test('assembleSpawnSpec is pure: the facts passed in are what the spec holds', () => {
  const facts: HostFacts = {
    user: { uid: 5, gid: 6, groups: [7], home: '/h' }, cgroupMode: 'unified',
    hierarchies: [{ version: 2, mountName: 'cgroup', controllers: [] }], overlayData: 'lowerdir=/l,upperdir=/u,workdir=/w',
  };
  const s = assembleSpawnSpec({ record: record(), paths, cgroupJoinFiles: ['/sys/fs/cgroup/x/cgroup.procs'], monitorArgs: [] }, facts);
  assert.equal([s.process.uid, s.process.gid, s.process.groups, s.rootfsMount!.data], [5, 6, [7], 'lowerdir=/l,upperdir=/u,workdir=/w']);
  assert.equal(s.ops.filter((o) => o.target.startsWith('/sys/fs/cgroup')).length, 1);
});

test('--shm-size, --sysctl, --ulimit, --group-add and --device reach the spec', () => {
  const devices = [
    { path: '/dev/null', type: 'c' as const, major: 1, minor: 3, mode: 0o620, uid: 5, gid: 6, permissions: 'r' },
    { path: '/dev/xvdc', type: 'b' as const, major: 8, minor: 0, mode: 0o660, uid: 0, gid: 6, permissions: 'rw' },
  ];
  const s = buildSpawnSpec({
    record: record({
      user: 'user', groupAdd: ['root', '77'], shmSize: 1 << 20, ulimits: [{ name: 'nofile', soft: 100, hard: 200 }],
      sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '4096' },
    }),
    paths, cgroupJoinFiles: hybridProcs, monitorArgs, devices,
  });
  const shm = s.ops.find((o) => o.op === 'mount' && o.target === '/dev/shm') as Extract<RootfsOp, { op: 'mount' }>;
  assert.is(shm.data, 'mode=1777,size=1048576');
  assert.equal(s.process.groups, [1000, 10, 0, 77]);
  assert.equal(s.process.rlimits, [{ resource: 7, soft: 100, hard: 200 }]);
  // sysctls: after /proc is mounted, before /proc/sys turns read-only; keys become /proc/sys paths
  const sysctls = s.ops.filter((o) => o.op === 'sysctl');
  assert.equal(sysctls, [
    { op: 'sysctl', target: '/proc/sys/kernel/shmmax', value: '4096' },
    { op: 'sysctl', target: '/proc/sys/net/ipv4/ip_forward', value: '1' },
  ]);
  const first = s.ops.indexOf(sysctls[0]);
  assert.ok(targetIndex(s.ops, '/proc', 'mount') < first && first < targetIndex(s.ops, '/proc/sys', 'readonly'));
  // a --device at a default's path replaces it; the host node's type, mode and owner are kept
  const nodes = s.ops.filter((o): o is Extract<RootfsOp, { op: 'mknod' }> => o.op === 'mknod');
  assert.equal(nodes.filter((n) => n.target === '/dev/null'), [{ op: 'mknod', target: '/dev/null', mode: 0o020620, major: 1, minor: 3, uid: 5, gid: 6 }]);
  assert.equal(nodes.filter((n) => n.target === '/dev/xvdc'), [{ op: 'mknod', target: '/dev/xvdc', mode: 0o060660, major: 8, minor: 0, uid: 0, gid: 6 }]);
  assert.ok(targetIndex(s.ops, '/dev', 'mount') < targetIndex(s.ops, '/dev/xvdc', 'mknod'));
});

test('a record\'s sysctl outside the namespaced set is refused before it reaches the kernel', () => {
  try {
    build({ sysctls: { 'kernel.core_pattern': '|/evil' } });
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, BerthError);
    assert.match((e as Error).message, /sysctl 'kernel.core_pattern=\|\/evil' is not allowed/);
  }
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
