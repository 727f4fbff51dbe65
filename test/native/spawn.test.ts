// The native runtime against the real kernel: spawnContainer (clone, namespaces,
// overlay rootfs, ops replayed in-root, pivot_root, caps), berth-monitor (log,
// exit file), berth-init, and the cgroup primitives. Every test cleans up what it
// made; the last one checks that nothing is left (mounts, processes, cgroups).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { busyboxTar } from '../helpers/fixtures.js';
import { compileProfile, parseProfile } from '../../src/engine/seccomp/index.js';
import {
  CLONE, MS, cgroupCreate, cgroupRead, cgroupRemove, cgroupWrite, initPath, isNativeError, monitorPath,
  spawnContainer, type ProcessSpec, type RootfsOp, type SpawnResult, type SpawnSpec,
} from '../../src/native/index.js';

const tag = `berth-test-${randomBytes(4).toString('hex')}`;
const base = mkdtempSync(`/tmp/${tag}-`);
const lower = join(base, 'lower');
mkdirSync(lower);
execFileSync('tar', ['--numeric-owner', '-xf', busyboxTar(), '-C', lower]);

/** Docker's 14 default capabilities as a 64-bit mask. */
const DOCKER_CAPS = [0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31].reduce((m, c) => m | (1n << BigInt(c)), 0n).toString();
const S_IFCHR = 0o020000;
const dev = (name: string, major: number, minor: number): RootfsOp =>
  ({ op: 'mknod', target: `/dev/${name}`, mode: S_IFCHR | 0o666, major, minor, uid: 0, gid: 0 });

function defaultOps(): RootfsOp[] {
  return [
    { op: 'mount', source: 'proc', target: '/proc', fstype: 'proc', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV, data: '', mkdir: 'dir' },
    { op: 'mount', source: 'tmpfs', target: '/dev', fstype: 'tmpfs', flags: MS.NOSUID | MS.STRICTATIME, data: 'mode=755,size=65536k', mkdir: 'dir' },
    dev('null', 1, 3), dev('zero', 1, 5), dev('full', 1, 7), dev('random', 1, 8), dev('urandom', 1, 9), dev('tty', 5, 0),
    { op: 'symlink', target: '/dev/fd', linkTo: '/proc/self/fd' },
    { op: 'symlink', target: '/dev/stdin', linkTo: '/proc/self/fd/0' },
    { op: 'symlink', target: '/dev/stdout', linkTo: '/proc/self/fd/1' },
    { op: 'symlink', target: '/dev/stderr', linkTo: '/proc/self/fd/2' },
    { op: 'mount', source: 'devpts', target: '/dev/pts', fstype: 'devpts', flags: MS.NOSUID | MS.NOEXEC, data: 'newinstance,ptmxmode=0666,mode=0620,gid=5', mkdir: 'dir' },
    { op: 'mount', source: 'shm', target: '/dev/shm', fstype: 'tmpfs', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV, data: 'mode=1777,size=65536k', mkdir: 'dir' },
    { op: 'mount', source: 'sysfs', target: '/sys', fstype: 'sysfs', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.RDONLY, data: '', mkdir: 'dir' },
    { op: 'mask', target: '/proc/kcore' },
    { op: 'mask', target: '/proc/keys' },
    { op: 'mask', target: '/proc/acpi' },
    { op: 'mask', target: '/proc/does-not-exist' },
    { op: 'mask', target: '/sys/firmware' },
    { op: 'readonly', target: '/proc/sys' },
    { op: 'readonly', target: '/proc/sysrq-trigger' },
    { op: 'readonly', target: '/proc/does-not-exist' },
  ];
}

let seq = 0;
/** A fresh overlay (upper/work/merged) over the shared busybox lower, and a spec for it. */
type SpecOverrides = Omit<Partial<SpawnSpec>, 'process'> & { process?: Partial<ProcessSpec> };
function makeSpec(args: string[], { process, ...over }: SpecOverrides = {}): SpawnSpec & { dir: string } {
  const dir = join(base, `c${++seq}`);
  for (const s of ['upper', 'work', 'merged']) mkdirSync(join(dir, s), { recursive: true });
  return {
    dir,
    process: {
      args,
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root'],
      cwd: '/',
      uid: 0,
      gid: 0,
      groups: [],
      caps: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS, inheritable: '0', ambient: '0' },
      noNewPrivileges: true,
      rlimits: [],
      stdinNull: true,
      ...process,
    },
    hostname: 'berth-box',
    rootfs: join(dir, 'merged'),
    rootfsMount: { source: 'overlay', fstype: 'overlay', flags: 0, data: `lowerdir=${lower},upperdir=${dir}/upper,workdir=${dir}/work` },
    readonlyRootfs: false,
    ops: defaultOps(),
    namespaces: CLONE.NEWNS | CLONE.NEWPID | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWNET | CLONE.NEWCGROUP,
    cgroupJoinFiles: [],
    monitor: { path: monitorPath, args: ['--log', join(dir, 'ctr.log'), '--exit-file', join(dir, 'exit.json')] },
    ...over,
  };
}

interface ExitRecord { exitCode: number; signal: number | null; finishedAt: string; oomKilled: boolean }

async function waitExit(dir: string, timeoutMs = 10_000): Promise<ExitRecord> {
  const f = join(dir, 'exit.json');
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(10)) {
    if (existsSync(f)) return JSON.parse(readFileSync(f, 'utf8')) as ExitRecord;
  }
  throw new Error(`no exit file in ${dir} after ${timeoutMs} ms`);
}

interface LogRecord { time: string; stream: string; tag: string; text: string }
function readLog(dir: string): LogRecord[] {
  const f = join(dir, 'ctr.log');
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8').split('\n').filter(Boolean).map((line) => {
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) (F|P) (.*)$/s.exec(line);
    if (!m) throw new Error(`bad log record: ${JSON.stringify(line)}`);
    return { time: m[1], stream: m[2], tag: m[3], text: m[4] };
  });
}
const stdoutLines = (dir: string): string[] => readLog(dir).filter((r) => r.stream === 'stdout').map((r) => r.text);

/** Running (a zombie is not: this machine's PID 1 reaps orphans only every few seconds). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
}
const ppidOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);

/** Runs a container to completion (killing it on timeout) and returns its exit record. */
async function run(spec: SpawnSpec & { dir: string }, timeoutMs = 10_000): Promise<ExitRecord> {
  const r = spawnContainer(spec);
  try {
    return await waitExit(spec.dir, timeoutMs);
  } finally {
    stop(r);
  }
}
function stop(r: SpawnResult): void {
  if (alive(r.initPid)) process.kill(r.initPid, 'SIGKILL');
}

/** The caller's own cgroup path in the hierarchy holding `controller` ('' = cgroup2). */
function ownCgroup(controller: string): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean)) {
    const [, ctrls, path] = line.split(':');
    if (controller === '' ? ctrls === '' : ctrls.split(',').includes(controller)) return path;
  }
  throw new Error(`no ${controller} hierarchy`);
}
/** Pure cgroup v2 host (no v1 hierarchies): the v1 parts below are skipped there. */
const unifiedHost = existsSync('/sys/fs/cgroup/cgroup.controllers');
const v2Mount = unifiedHost ? '' : 'unified';
const made: string[] = []; // cgroup dirs, removed in after() if a test failed midway
function newCgroup(mount: string, controller: string, name = tag): string {
  const dir = join('/sys/fs/cgroup', mount, ownCgroup(controller), name);
  cgroupCreate(dir);
  made.push(dir);
  return dir;
}

test('runs sh as PID 1 with its hostname, Docker caps and tagged stdout/stderr', async () => {
  const spec = makeSpec(['sh', '-c', 'echo $$; hostname; cat /proc/self/status; echo to-stderr >&2; exit 3']);
  const exit = await run(spec);
  assert.equal(exit.exitCode, 3);
  assert.equal(exit.signal, null);
  assert.equal(exit.oomKilled, false);
  assert.ok(!Number.isNaN(Date.parse(exit.finishedAt)));
  const out = stdoutLines(spec.dir);
  assert.equal(out[0], '1');
  assert.equal(out[1], 'berth-box');
  assert.ok(out.includes('CapEff:\t00000000a80425fb'), out.join('\n'));
  assert.ok(out.includes('CapBnd:\t00000000a80425fb'));
  assert.ok(out.includes('CapPrm:\t00000000a80425fb'));
  assert.ok(out.includes('NoNewPrivs:\t1'));
  const err = readLog(spec.dir).filter((r) => r.stream === 'stderr');
  assert.equal(err.map((r) => `${r.tag} ${r.text}`), ['F to-stderr']);
  assert.ok(readLog(spec.dir).every((r) => r.tag === 'F'));
});

test('the monitor is detached; the rootfs mounts stay in the container; SIGKILL → 137', async () => {
  const spec = makeSpec(['sleep', '60']);
  const r = spawnContainer(spec);
  try {
    assert.ok(r.initPid > 0 && r.monitorPid > 0);
    assert.is.not(ppidOf(r.monitorPid), process.pid, 'the monitor must not be our child');
    assert.is(ppidOf(r.initPid), r.monitorPid, 'the monitor is the init\'s parent');
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(base), 'no mount visible on the host');
    assert.ok(readFileSync(`/proc/${r.initPid}/mountinfo`, 'utf8').includes(' / / '), 'the init sees its own root');
    assert.is(readFileSync(`/proc/${r.monitorPid}/cmdline`, 'utf8').split('\0')[0], monitorPath);
    await sleep(200); // idle
    const status = readFileSync(`/proc/${r.monitorPid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    console.log(`    berth-monitor idle VmRSS: ${rss} kB (RssAnon ${/RssAnon:\s+(\d+)/.exec(status)?.[1]} kB)`);
    assert.ok(Number(rss) <= 1024, `monitor RSS ${rss} kB > 1 MiB`);
    process.kill(r.initPid, 'SIGKILL');
    const exit = await waitExit(spec.dir);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 9);
    for (let i = 0; i < 100 && alive(r.monitorPid); i++) await sleep(10);
    assert.ok(!alive(r.monitorPid), 'the monitor exits after writing the exit file');
  } finally {
    stop(r);
  }
});

test('a missing command fails with step "exec …", ENOENT; the monitor records 127', async () => {
  const spec = makeSpec(['no-such-command']);
  try {
    spawnContainer(spec);
    assert.unreachable('spawnContainer should throw');
  } catch (e) {
    assert.ok(isNativeError(e), String(e));
    assert.equal(e.step, 'exec no-such-command');
    assert.equal(e.code, 'ENOENT');
    assert.type(e.monitorPid, 'number');
  }
  assert.equal((await waitExit(spec.dir)).exitCode, 127);
});

test('a bad cwd fails with step "chdir <cwd>"; 125', async () => {
  const spec = makeSpec(['true'], { process: { cwd: '/no/such/dir' } });
  try {
    spawnContainer(spec);
    assert.unreachable('spawnContainer should throw');
  } catch (e) {
    assert.ok(isNativeError(e), String(e));
    assert.equal(e.step, 'chdir /no/such/dir');
    assert.equal(e.code, 'ENOENT');
  }
  assert.equal((await waitExit(spec.dir)).exitCode, 125);
});

test('a bad rootfs op names itself; rlimits above the hard limit fail with EPERM', async () => {
  const spec = makeSpec(['true'], { ops: [...defaultOps(), { op: 'remount', target: '/no-such-mount', flags: MS.RDONLY }] });
  try {
    spawnContainer(spec);
    assert.unreachable('spawnContainer should throw');
  } catch (e) {
    assert.ok(isNativeError(e), String(e));
    assert.equal(e.step, 'remount /no-such-mount');
    assert.equal(e.code, 'ENOENT');
  }
  await waitExit(spec.dir);
  const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
  const spec2 = makeSpec(['true'], { process: { rlimits: [{ resource: 7, soft: hard + 1, hard: hard + 1 }] } });
  try {
    spawnContainer(spec2);
    assert.unreachable('spawnContainer should throw');
  } catch (e) {
    assert.ok(isNativeError(e), String(e));
    assert.equal(e.step, 'setrlimit RLIMIT_NOFILE');
    assert.equal(e.code, 'EPERM');
  }
  await waitExit(spec2.dir);
});

test('rlimits, a non-root user, supplementary groups and a read-only rootfs', async () => {
  const spec = makeSpec(['sh', '-c', 'ulimit -n; ulimit -Hn; id; grep -E "^Cap(Eff|Bnd)" /proc/self/status; touch /x || echo ro'], {
    process: { uid: 1000, gid: 1000, groups: [1000, 65534], cwd: '/tmp', rlimits: [{ resource: 7, soft: 512, hard: 1024 }] },
    readonlyRootfs: true,
  });
  const exit = await run(spec);
  assert.equal(exit.exitCode, 0);
  const out = stdoutLines(spec.dir);
  assert.equal(out.slice(0, 2), ['512', '1024']);
  assert.match(out[2], /^uid=1000\(user\) gid=1000\(user\) groups=1000\(user\),65534\(nogroup\)$/);
  assert.ok(out.includes('CapEff:\t0000000000000000'), out.join('\n'));
  assert.ok(out.includes('CapBnd:\t00000000a80425fb'));
  assert.equal(out[out.length - 1], 'ro');
});

test('a sysctl op writes the container\'s own /proc/sys entry, and refuses a target off procfs', async () => {
  const hostForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
  const ops = defaultOps();
  const at = ops.findIndex((o) => o.op === 'readonly'); // before /proc/sys turns read-only, as the runtime places it
  ops.splice(at, 0, { op: 'sysctl', target: '/proc/sys/net/ipv4/ip_forward', value: '1' });
  const spec = makeSpec(['cat', '/proc/sys/net/ipv4/ip_forward'], { ops });
  assert.equal((await run(spec)).exitCode, 0);
  assert.equal(stdoutLines(spec.dir), ['1']);
  assert.is(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), hostForward, 'the host\'s value is untouched');
  // a path that is not on procfs (here the image's own file) never receives the value
  const bad = makeSpec(['true'], { ops: [...defaultOps(), { op: 'sysctl', target: '/etc/passwd', value: 'x' }] });
  try {
    spawnContainer(bad);
    assert.unreachable('spawnContainer should throw');
  } catch (e) {
    assert.ok(isNativeError(e), String(e));
    assert.equal([e.step, e.code], ['sysctl /etc/passwd', 'EXDEV']);
  }
  await waitExit(bad.dir);
  assert.not.ok(existsSync(join(bad.dir, 'upper', 'etc/passwd')), 'no write reached the image\'s file (no copy-up)');
});

test('long lines become P records, the last bytes without newline too', async () => {
  const spec = makeSpec(['sh', '-c', 'head -c 10000 /dev/zero | tr "\\0" a; echo; printf tail']);
  assert.equal((await run(spec)).exitCode, 0);
  const recs = readLog(spec.dir).map((r) => [r.tag, r.text.length, r.text.slice(0, 4)]);
  assert.equal(recs, [['P', 8192, 'aaaa'], ['F', 1808, 'aaaa'], ['P', 4, 'tail']]);
});

test('masked paths are empty, read-only paths refuse writes, devices and links exist', async () => {
  const spec = makeSpec(['sh', '-c', [
    'wc -c < /proc/keys', 'ls -A /proc/acpi | wc -l', 'wc -c < /etc/secret', 'ls -A /sys/firmware | wc -l',
    'echo x > /proc/sys/kernel/hostname 2>/dev/null || echo sys-ro',
    'echo x > /proc/sysrq-trigger 2>/dev/null || echo sysrq-ro',
    'ls -ln /dev/null | cut -c1-10', 'readlink /dev/fd', 'echo hi > /dev/null && echo null-ok',
    'grep -c " /dev/pts .* devpts " /proc/self/mountinfo', 'touch /sys/x 2>/dev/null || echo sysfs-ro',
    'cat /proc/sys/kernel/hostname',
  ].join('; ')], { ops: [...defaultOps(), { op: 'mask', target: '/etc/secret' }] });
  mkdirSync(join(spec.dir, 'upper', 'etc'));
  writeFileSync(join(spec.dir, 'upper', 'etc', 'secret'), 'top secret');
  assert.equal((await run(spec)).exitCode, 0);
  assert.equal(stdoutLines(spec.dir), ['0', '0', '0', '0', 'sys-ro', 'sysrq-ro', 'crw-rw-rw-', '/proc/self/fd', 'null-ok', '1', 'sysfs-ro', 'berth-box']);
});

test('the monitor ignores SIGTERM/SIGHUP/SIGINT and runs the cleanup command after the exit file', async () => {
  const spec = makeSpec(['sleep', '60']);
  const done = join(spec.dir, 'cleanup-ran');
  spec.monitor.args.push('--', '/bin/sh', '-c', `cat ${join(spec.dir, 'exit.json')} > ${done}.tmp && mv ${done}.tmp ${done}`);
  const r = spawnContainer(spec);
  try {
    for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGPIPE'] as const) process.kill(r.monitorPid, sig);
    await sleep(50);
    assert.ok(alive(r.monitorPid), 'the monitor survived the signals');
    process.kill(r.initPid, 'SIGKILL');
    await waitExit(spec.dir);
    for (let i = 0; i < 300 && !existsSync(done); i++) await sleep(10);
    assert.equal(JSON.parse(readFileSync(done, 'utf8')).exitCode, 137);
  } finally {
    stop(r);
  }
});

test('a monitor that cannot start: step "exec monitor", and the init is killed', async () => {
  const spec = makeSpec(['sleep', '60'], { monitor: { path: '/no/such/berth-monitor', args: [] } });
  try {
    spawnContainer(spec);
    assert.unreachable('spawnContainer should throw');
  } catch (e) {
    assert.ok(isNativeError(e), String(e));
    assert.equal(e.step, 'exec monitor');
    assert.equal(e.code, 'ENOENT');
    const initPid = e.initPid ?? 0;
    assert.ok(initPid > 0);
    for (let i = 0; i < 100 && alive(initPid); i++) await sleep(10);
    assert.ok(!alive(initPid), 'the init was killed');
  }
});

test('no fd or zombie is left in the caller after many starts', async () => {
  const fds = readdirSync('/proc/self/fd').length;
  for (let i = 0; i < 20; i++) await run(makeSpec(['true']));
  assert.equal(readdirSync('/proc/self/fd').length, fds);
  const zombies = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((p) => {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return Number(st[1]) === process.pid && st[0] === 'Z';
    } catch { return false; }
  });
  assert.equal(zombies, []);
});

test('an image symlink at a mount destination cannot lead outside the root', async () => {
  const hostDir = mkdtempSync(`/tmp/${tag}-host-`);
  try {
    writeFileSync(join(hostDir, 'marker'), 'host');
    const spec = makeSpec(['sh', '-c', 'ls -a /mnt; grep " /tmp/' + basename(hostDir) + '/sub " /proc/self/mountinfo | cut -d" " -f5,9'], {
      ops: [
        ...defaultOps(),
        { op: 'mount', source: 'tmpfs', target: '/mnt/sub', fstype: 'tmpfs', flags: 0, data: 'size=1m', mkdir: 'dir' },
        { op: 'symlink', target: '/mnt/evil', linkTo: 'x' },
        { op: 'mknod', target: '/mnt/devnull', mode: S_IFCHR | 0o666, major: 1, minor: 3, uid: 0, gid: 0 },
      ],
    });
    // the image says /mnt -> the host directory (absolute); planted in this container's
    // own top layer rather than the shared lower: the same image view, no effect on other tests
    symlinkSync(hostDir, join(spec.dir, 'upper', 'mnt'));
    const exit = await run(spec);
    assert.equal(exit.exitCode, 0, JSON.stringify(readLog(spec.dir)));
    assert.equal(readdirSync(hostDir), ['marker'], 'nothing created in the host directory');
    const out = stdoutLines(spec.dir);
    assert.ok(!out.includes('marker'), 'the container does not see the host directory');
    assert.ok(out.includes('sub') && out.includes('evil') && out.includes('devnull'), out.join('\n'));
    assert.ok(out.includes(`/tmp/${basename(hostDir)}/sub tmpfs`), out.join('\n'));
    assert.ok(existsSync(join(spec.dir, 'upper', 'tmp', basename(hostDir), 'sub')), 'created inside the rootfs');
  } finally {
    rmSync(hostDir, { recursive: true, force: true });
  }
});

test('berth-init: runs the command as PID 2, reaps, forwards SIGTERM', async () => {
  const initOp: RootfsOp = { op: 'mount', source: initPath, target: '/sbin/berth-init', fstype: '', flags: MS.BIND | MS.RDONLY, data: '', mkdir: 'file' };
  const spec = makeSpec(['/sbin/berth-init', 'sh', '-c', 'echo $$; (sleep 0.1 &); grep -o " /sbin/berth-init ro," /proc/self/mountinfo; exit 5'], { ops: [...defaultOps(), initOp] });
  assert.equal((await run(spec)).exitCode, 5);
  assert.equal(stdoutLines(spec.dir), ['2', ' /sbin/berth-init ro,'], 'PID 2; the bind is read-only');

  const spec2 = makeSpec(['/sbin/berth-init', '--', 'sleep', '60'], { ops: [...defaultOps(), initOp] });
  const r = spawnContainer(spec2);
  try {
    await sleep(100);
    process.kill(r.initPid, 'SIGTERM');
    const exit = await waitExit(spec2.dir, 5000);
    assert.equal(exit.exitCode, 128 + 15);
    assert.equal(exit.signal, null, 'berth-init itself exits normally');
  } finally {
    stop(r);
  }
});

test('cgroups: joins a v1 pids (through tasks) and a cgroup2 cgroup (cloned into it); cgroupRemove kills and removes them', async () => {
  // a pure v2 host has no v1 pids hierarchy: there, the nested cgroup is a cgroup2 one
  // (its pids.max is not tested: the pids controller may not be delegated to the caller)
  const pids = unifiedHost ? newCgroup('', '', `${tag}-nested`) : newCgroup('pids', 'pids');
  const inner = join(pids, 'inner');
  cgroupCreate(inner);
  cgroupCreate(inner); // EEXIST is fine
  const unified = newCgroup(v2Mount, '');
  if (!unifiedHost) cgroupWrite(join(inner, 'pids.max'), '20');
  const spec = makeSpec(['sh', '-c', 'cat /proc/self/cgroup; sleep 60'], {
    cgroupJoinFiles: [join(inner, unifiedHost ? 'cgroup.procs' : 'tasks'), join(unified, 'cgroup.procs')],
  });
  const r = spawnContainer(spec);
  try {
    const own = readFileSync(`/proc/${r.initPid}/cgroup`, 'utf8');
    assert.ok(own.includes(`0::${ownCgroup('').replace(/\/$/, '')}/${tag}\n`), own);
    if (!unifiedHost) {
      assert.ok(own.includes(`:pids:${ownCgroup('pids').replace(/\/$/, '')}/${tag}/inner\n`), own);
      assert.equal(cgroupRead(join(inner, 'pids.max')).trim(), '20');
      assert.ok(Number(cgroupRead(join(inner, 'pids.current'))) >= 1);
    }
    await sleep(100);
    // inside, the cgroup namespace is rooted at the container's cgroups
    assert.ok(stdoutLines(spec.dir).includes('0::/'), stdoutLines(spec.dir).join('\n'));
    const limit = join(inner, unifiedHost ? 'cgroup.max.depth' : 'pids.max');
    try {
      cgroupWrite(limit, 'bogus');
      assert.unreachable('invalid value accepted');
    } catch (e) {
      assert.ok(isNativeError(e));
      assert.equal(e.step, `write ${limit}`);
      assert.equal(e.code, 'EINVAL');
    }
    cgroupRemove(pids, 5000);
    cgroupRemove(unified, 5000);
    cgroupRemove(unified, 5000); // already gone: fine
    assert.ok(!existsSync(pids) && !existsSync(unified));
    const exit = await waitExit(spec.dir);
    assert.equal(exit.exitCode, 137);
  } finally {
    stop(r);
  }
});

test('cgroupRemove thaws a frozen v1 freezer cgroup before killing', async () => {
  if (unifiedHost) return console.log('    (skipped: no v1 freezer on this host)');
  const freezer = newCgroup('freezer', 'freezer');
  const spec = makeSpec(['sleep', '60'], { cgroupJoinFiles: [join(freezer, 'cgroup.procs')] });
  const r = spawnContainer(spec);
  try {
    cgroupWrite(join(freezer, 'freezer.state'), 'FROZEN');
    for (let i = 0; i < 100 && cgroupRead(join(freezer, 'freezer.state')).trim() !== 'FROZEN'; i++) await sleep(10);
    cgroupRemove(freezer, 5000);
    assert.ok(!existsSync(freezer));
    assert.equal((await waitExit(spec.dir)).exitCode, 137);
  } finally {
    stop(r);
  }
});

test('the monitor reports an OOM kill (v1 memory.oom_control)', async () => {
  if (unifiedHost) return console.log('    (skipped: no v1 memory hierarchy on this host)');
  const mem = newCgroup('memory', 'memory');
  cgroupWrite(join(mem, 'memory.limit_in_bytes'), String(32 << 20));
  const spec = makeSpec(['sh', '-c', 'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'], {
    cgroupJoinFiles: [join(mem, 'cgroup.procs')],
  });
  spec.monitor.args.push('--cgroup-oom', join(mem, 'memory.oom_control'));
  try {
    const exit = await run(spec, 30_000);
    assert.equal(exit.oomKilled, true);
    assert.ok(!stdoutLines(spec.dir).includes('survived'));
  } finally {
    cgroupRemove(mem, 5000);
  }
});

test('process.seccomp: the filter is in force from execve on (Seccomp: 2, mkdir refused as the program says)', async () => {
  const { program } = compileProfile(parseProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }), { caps: [], kernel: '6.1' });
  const spec = makeSpec(['sh', '-c', 'grep ^Seccomp: /proc/self/status; mkdir /x 2>&1'], { process: { seccomp: { filter: program, flags: 0 } } });
  assert.equal((await run(spec)).exitCode, 1);
  assert.equal(stdoutLines(spec.dir), ['Seccomp:\t2', "mkdir: can't create directory '/x': Permission denied"]);
});

test('invalid specs are rejected before any fork', () => {
  assert.throws(() => spawnContainer(makeSpec([])), /spec\.process\.args/);
  assert.throws(() => spawnContainer(makeSpec(['true'], { process: { caps: { bounding: 'x', effective: '0', permitted: '0', inheritable: '0', ambient: '0' } } })), /spec\.process\.caps\.bounding/);
  assert.throws(() => spawnContainer({ ...makeSpec(['true']), process: undefined as unknown as ProcessSpec }), /spec\.process: expected an object/);
  assert.throws(() => spawnContainer({ ...makeSpec(['true']), ops: [{ op: 'bogus' } as unknown as RootfsOp] }), /spec.ops\[0\]/);
  assert.throws(() => spawnContainer(makeSpec(['true'], { process: { seccomp: { filter: Buffer.alloc(12), flags: 0 } } })), /spec\.process\.seccomp\.filter/);
  assert.throws(() => spawnContainer({ ...makeSpec(['true']), cgroupJoinFiles: ['/no/such/cgroup.procs'] }), /open \/no\/such\/cgroup.procs/);
});

/** Mounts, processes (monitors name the test dir; inits are their children) and cgroups of this run. */
function leftovers(kill: boolean): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) if (line.includes(tag)) out.push(`mount ${line}`);
  const monitors = new Set<number>();
  const procs = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((p) => p !== process.pid);
  for (const pid of procs) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(tag)) monitors.add(pid), out.push(`process ${pid} ${cmd.replace(/\0/g, ' ')}`);
    } catch { /* gone */ }
  }
  for (const pid of procs) {
    try {
      if (monitors.has(ppidOf(pid))) out.push(`process ${pid} (a container init)`), kill && process.kill(pid, 'SIGKILL');
    } catch { /* gone */ }
  }
  if (kill) for (const pid of monitors) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  // find exits 1 when a directory goes while it walks (other containers' cgroups come and go): its list still counts
  const found = spawnSync('find', ['/sys/fs/cgroup', '-maxdepth', '6', '-name', `${tag}*`], { encoding: 'utf8' });
  if (found.error) throw found.error;
  const cg = found.stdout.trim();
  if (cg) out.push(`cgroups ${cg}`);
  return out;
}

test('nothing is left behind: mounts, processes, cgroups', async () => {
  for (const d of made.splice(0).reverse()) cgroupRemove(d, 5000);
  await sleep(50); // the last monitors exit right after their exit files
  assert.equal(leftovers(false), []);
});

test.after(() => {
  // a failed test may have left things: remove them anyway
  for (const d of made.reverse()) try { cgroupRemove(d, 5000); } catch (e) { console.error(e); }
  leftovers(true);
  rmSync(base, { recursive: true, force: true });
});

test.run();
