// docker's device and process flags end to end through the CLI on the real
// kernel: --device, --device-cgroup-rule, --ulimit, --shm-size, --sysctl,
// --group-add and the groups of -u, what inspect shows, and bad values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mknod } from '../../src/native/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { callerHardLimits, ULIMIT_NAMES } from '../../src/engine/runtime/index.js';

const t = new TestRoot('berth-test-procflags-');
const tmp = mkdtempSync('/tmp/berth-test-procflags-nodes-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  rmSync(tmp, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const run = (...args: string[]) => t.berth(['run', '--rm', ...args]);

test('--device: the host node appears at the container path and works; :r allows reading only', () => {
  assert.is(t.ok(['run', '--rm', '--device', '/dev/null:/dev/mynull', 'bb', 'sh', '-c',
    "ls -l /dev/mynull | awk '{print $1, $5, $6}'; echo x > /dev/mynull && head -c 1 /dev/mynull | wc -c"]),
  'crw-rw-rw- 1, 3\n0');
  // 10:237 (loop-control) is in no default rule: only the --device rule lets it be used. The host
  // node is the test's own (the kernel may have no loop driver: ENODEV then, never EPERM)
  const node = join(tmp, 'lc');
  mknod(node, 0o020600, 10, 237);
  const ro = run('--device', `${node}:/dev/lc:r`, 'bb', 'sh', '-c',
    // subshells: a failed redirection ends a non-interactive shell
    "ls -l /dev/lc | awk '{print $1, $5, $6}'; (exec 3</dev/lc); (exec 4>/dev/lc)");
  assert.is(ro.stdout, 'crw------- 10, 237\n');
  assert.not.match(ro.stderr, /can't open \/dev\/lc: Operation not permitted/, 'reading is allowed');
  assert.match(ro.stderr, /can't create \/dev\/lc: Operation not permitted/);
});

test('--device outside /dev: the node stays in the container\'s layer and a restart keeps it; another file there is refused', () => {
  assert.is(t.ok(['run', '--name', 'devrestart', '--device', '/dev/null:/mynull', 'bb', 'sh', '-c', 'echo x > /mynull && echo ok']), 'ok');
  t.seen.push(t.ok(['ps', '-a', '-q', '--no-trunc', '--filter', 'name=devrestart']));
  assert.is(t.ok(['start', '-a', 'devrestart']).split('\n').pop(), 'ok'); // the second start's mknod met the first's node
  t.ok(['rm', 'devrestart']);
  const r = run('--device', '/dev/null:/etc/passwd', 'bb', 'true');
  assert.is(r.code, 125);
  assert.match(r.stderr, /mknod \/etc\/passwd: File exists/);
});

test('a mknod-ed device is refused unless --device-cgroup-rule allows it', () => {
  // 10:237 (loop-control) is in no default rule; opening it needs no capability (a kernel
  // without the loop driver answers ENODEV once the cgroup lets the open through)
  const script = 'mknod /tmp/lc c 10 237 && exec 3</tmp/lc && echo opened';
  const denied = run('bb', 'sh', '-c', script);
  assert.is.not(denied.code, 0);
  assert.match(denied.stderr, /can't open \/tmp\/lc: Operation not permitted/);
  const allowed = run('--device-cgroup-rule', 'c 10:237 r', 'bb', 'sh', '-c', script);
  assert.ok(allowed.stdout === 'opened\n' || /No such device/.test(allowed.stderr), allowed.stderr);
});

test('--ulimit: the init and an exec get the limits; ulimit -n inside', () => {
  assert.is(t.ok(['run', '--rm', '--ulimit', 'nofile=512:1024', '--ulimit', 'nproc=300', 'bb', 'sh', '-c', 'ulimit -n; ulimit -Hn; ulimit -u']), '512\n1024\n300');
  const id = t.ok(['run', '-d', '--ulimit', 'nofile=600:700', 'bb', 'sleep', '60']);
  t.seen.push(id);
  assert.is(t.ok(['exec', id, 'sh', '-c', 'ulimit -n; ulimit -Hn']), '600\n700');
  t.ok(['rm', '-f', id]);
});

test('--shm-size sets the /dev/shm tmpfs size (docker\'s 64 MiB without it)', () => {
  const kb = (args: string[]): string => t.ok(['run', '--rm', ...args, 'bb', 'sh', '-c', "df -k /dev/shm | awk 'NR==2 {print $2}'"]);
  assert.is(kb(['--shm-size', '2m']), '2048');
  assert.is(kb([]), '65536');
});

test('--sysctl: written in the container\'s own namespaces, the host\'s value untouched', () => {
  const hostForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
  const hostShmmni = readFileSync('/proc/sys/kernel/shmmni', 'utf8');
  assert.is(t.ok(['run', '--rm', '--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.shmmni=1000', 'bb', 'sh', '-c',
    'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni; echo 0 > /proc/sys/net/ipv4/ip_forward || echo read-only']),
  '1\n1000\nread-only');
  assert.is(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), hostForward);
  assert.is(readFileSync('/proc/sys/kernel/shmmni', 'utf8'), hostShmmni);
  // a key the container's namespaces do not have: the start fails and says which
  const r = run('--sysctl', 'net.ipv4.nosuch=1', 'bb', 'true');
  assert.is(r.code, 125);
  assert.match(r.stderr, /sysctl \/proc\/sys\/net\/ipv4\/nosuch: No such file or directory/);
});

test('groups: -u gets its primary group (as docker), --group-add names from the image or numbers, also in exec', () => {
  assert.is(t.ok(['run', '--rm', '-u', 'nobody', 'bb', 'sh', '-c', 'id; grep Groups /proc/self/status']),
    'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\nGroups:\t65534');
  assert.is(t.ok(['run', '--rm', 'bb', 'id']), 'uid=0(root) gid=0(root) groups=0(root)');
  assert.is(t.ok(['run', '--rm', '-u', 'nobody', '--group-add', 'user', '--group-add', '4242', 'bb', 'sh', '-c', 'grep Groups /proc/self/status']),
    'Groups:\t1000 4242 65534');
  const id = t.ok(['run', '-d', '--group-add', 'user', 'bb', 'sleep', '60']);
  t.seen.push(id);
  assert.is(t.ok(['exec', '-u', 'nobody', id, 'grep', 'Groups', '/proc/self/status']), 'Groups:\t1000 65534');
  t.ok(['rm', '-f', id]);
  const r = run('--group-add', 'nosuch', 'bb', 'true');
  assert.is(r.code, 125);
  assert.match(r.stderr, /unable to find group nosuch: no matching entries in group file/);
});

test('inspect shows each flag where docker puts it', () => {
  const id = t.ok(['create', '--device', '/dev/null:/dev/n:rw', '--device-cgroup-rule', 'c 1:4 r', '--ulimit', 'nofile=10:20',
    '--ulimit', 'core=0', '--shm-size', '1g', '--sysctl', 'net.core.somaxconn=7', '--group-add', 'audio', 'bb', 'true']);
  t.seen.push(id);
  const hc = JSON.parse(t.ok(['inspect', id]))[0].HostConfig;
  assert.equal(hc.Devices, [{ PathOnHost: '/dev/null', PathInContainer: '/dev/n', CgroupPermissions: 'rw' }]);
  assert.equal(hc.DeviceCgroupRules, ['c 1:4 r']);
  assert.equal(hc.Ulimits, [{ Name: 'core', Hard: 0, Soft: 0 }, { Name: 'nofile', Hard: 20, Soft: 10 }]);
  assert.is(hc.ShmSize, 1024 ** 3);
  assert.equal(hc.Sysctls, { 'net.core.somaxconn': '7' });
  assert.equal(hc.GroupAdd, ['audio']);
  const plain = t.ok(['create', 'bb', 'true']);
  t.seen.push(plain);
  const d = JSON.parse(t.ok(['inspect', plain]))[0].HostConfig;
  assert.equal([d.Devices, d.DeviceCgroupRules, d.Ulimits, d.ShmSize, d.Sysctls, d.GroupAdd], [[], null, [], 64 * 1024 ** 2, undefined, null]);
  t.ok(['rm', id, plain]);
});

test('bad values: one line, exit 125, nothing created', () => {
  const nofileHard = callerHardLimits().get(ULIMIT_NAMES.nofile)!;
  const cases: [string[], RegExp][] = [
    [['--device', '/dev/null:/dev/x:rwz'], /bad mode specified: rwz/],
    [['--device', 'rel'], /rel is not an absolute path/],
    [['--device', '/dev/nosuch'], /error gathering device information while adding custom device "\/dev\/nosuch": no such file or directory/],
    [['--device', '/etc/passwd'], /not a device node/],
    [['--device-cgroup-rule', 'c 1:3'], /invalid device cgroup format 'c 1:3'/],
    [['--ulimit', 'foo=1'], /invalid ulimit type: foo/],
    [['--ulimit', 'nofile=2:1'], /ulimit soft limit must be less than or equal to hard limit: 2 > 1/],
    [['--shm-size', 'abc'], /invalid size: 'abc'/],
    [['--sysctl', 'kernel.hostname=x'], /sysctl 'kernel.hostname=x' is not allowed/],
    [['--sysctl', 'vm.swappiness=1'], /sysctl 'vm.swappiness=1' is not allowed/],
    [['--group-add', ''], /invalid --group-add ""/],
  ];
  if (nofileHard > 0) cases.push([['--ulimit', `nofile=${nofileHard + 1}`], /above berth's own/]);
  for (const [flags, message] of cases) {
    for (const verb of ['run', 'create']) {
      const r = t.berth([verb, ...flags, 'bb', 'true']);
      assert.is(r.code, 125, `${verb} ${flags.join(" ")}: ${r.stderr}`);
      assert.is(r.stderr.trim().split('\n').length, 1, `${verb} ${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  }
  assert.is(t.ok(['ps', '-a', '-q']), '');
  assert.ok(!existsSync('/dev/x'));
});

test.run();
