// The seccomp filter on the real kernel, through the CLI: docker's default profile in every
// container process (the init and each exec), `--security-opt seccomp=unconfined` and
// `seccomp=FILE`, and what inspect and info say. A small static C probe (built here with cc)
// calls the syscalls docker's profile closes and prints the errno each one got.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-seccomp-');
const probeDir = join(t.root, 'probe');

const PROBE_C = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
static void report(const char *name, long r) { printf("%s %d\n", name, r < 0 ? errno : 0); }
int main(void) {
  report("keyctl", syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 0));
  report("add_key", syscall(SYS_add_key, "user", "berth-probe", "x", 1, -2 /* process keyring */));
  report("unshare_user", syscall(SYS_unshare, CLONE_NEWUSER));
  report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
  report("io_uring_setup", syscall(SYS_io_uring_setup, 0, NULL));
  report("clone3", syscall(SYS_clone3, NULL, 0));
  report("socket_vsock", syscall(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM, 0));
  report("getpid", syscall(SYS_getpid));
  return 0;
}
`;

/** name -> errno (0 = the call succeeded) from the probe's output. */
const parse = (out: string): Record<string, number> =>
  Object.fromEntries(out.trim().split('\n').map((l) => { const [k, v] = l.split(' '); return [k, Number(v)]; }));
const probe = (...opts: string[]): Record<string, number> =>
  parse(t.ok(['run', '--rm', '-v', `${probeDir}:/probe:ro`, ...opts, 'bb', '/probe/probe']));

const EPERM = 1, ENOSYS = 38;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  mkdirSync(probeDir);
  writeFileSync(join(probeDir, 'probe.c'), PROBE_C);
  execFileSync('cc', ['-static', '-O1', '-o', join(probeDir, 'probe'), join(probeDir, 'probe.c')]);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('by default a container runs under a seccomp filter (Seccomp: 2)', () => {
  assert.is(t.ok(['run', '--rm', 'bb', 'grep', '^Seccomp:', '/proc/self/status']), 'Seccomp:\t2');
});

test("docker's profile: keyctl, add_key, unshare(CLONE_NEWUSER), perf_event_open, io_uring, AF_VSOCK get EPERM; clone3 ENOSYS", () => {
  assert.equal(probe(), {
    keyctl: EPERM, add_key: EPERM, unshare_user: EPERM, perf_event_open: EPERM, io_uring_setup: EPERM,
    clone3: ENOSYS, socket_vsock: EPERM, getpid: 0,
  });
  // busybox's unshare too, and the nested user namespace it would lead to
  const r = t.berth(['run', '--rm', 'bb', 'unshare', '-U', 'true']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /Operation not permitted/);
});

test('ordinary commands still work under the filter (pipes, forks, threads of busybox, --init)', () => {
  const out = t.ok(['run', '--rm', 'bb', 'sh', '-c', 'ls / | grep -c bin; (sleep 0.1 &); wait; id -u; date +%Y >/dev/null && echo date; ps -o comm | grep -c "^ps$"; wget -q -O - http://127.0.0.1:1 2>/dev/null || echo nohost']);
  assert.equal(out.split('\n'), ['2', '0', 'date', '1', 'nohost']);
  // with --init, PID 1 (berth-init) is filtered as well
  assert.is(t.ok(['run', '--rm', '--init', 'bb', 'sh', '-c', 'grep ^Seccomp: /proc/1/status; head -c 17 /proc/1/cmdline']), 'Seccomp:\t2\n/sbin/docker-init');
});

test('exec is filtered too', () => {
  const id = t.ok(['run', '-d', '-v', `${probeDir}:/probe:ro`, 'bb', 'sleep', '60']);
  t.seen.push(id);
  assert.is(t.ok(['exec', id, 'grep', '^Seccomp:', '/proc/self/status']), 'Seccomp:\t2');
  assert.is(parse(t.ok(['exec', id, '/probe/probe'])).keyctl, EPERM);
  t.ok(['rm', '-f', id]);
});

test('--security-opt seccomp=unconfined: no filter, and inspect shows it', () => {
  const out = probe('--security-opt', 'seccomp=unconfined');
  assert.not.equal(out.perf_event_open, EPERM);
  assert.not.equal(out.io_uring_setup, EPERM);
  assert.not.equal(out.clone3, ENOSYS);
  const id = t.ok(['create', '--security-opt', 'seccomp=unconfined', 'bb', 'grep', '^Seccomp:', '/proc/self/status']);
  t.seen.push(id);
  assert.equal(JSON.parse(t.ok(['inspect', id]))[0].HostConfig.SecurityOpt, ['seccomp=unconfined', 'no-new-privileges']);
  t.ok(['start', id]);
  assert.is(t.ok(['wait', id]), '0');
  assert.is(t.ok(['logs', id]), 'Seccomp:\t0');
  t.ok(['rm', id]);
  // berth's stricter default is recorded where docker keeps the option
  const plain = t.ok(['create', 'bb', 'true']);
  assert.equal(JSON.parse(t.ok(['inspect', plain]))[0].HostConfig.SecurityOpt, ['no-new-privileges']);
  t.ok(['rm', plain]);
});

test('--security-opt seccomp=PROFILE.json: docker\'s format, inlined into SecurityOpt', () => {
  const file = join(t.root, 'no-mkdir.json');
  const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] };
  writeFileSync(file, JSON.stringify(profile, null, 2));
  const r = t.berth(['run', '--rm', '--security-opt', `seccomp=${file}`, 'bb', 'sh', '-c', 'mkdir /x; keyctl_ok=1; echo done']);
  assert.match(r.stderr, /mkdir: can't create directory '\/x': Permission denied/);
  assert.is(r.stdout, 'done\n');
  const id = t.ok(['create', '--security-opt', `seccomp=${file}`, 'bb', 'true']);
  t.seen.push(id);
  assert.equal(JSON.parse(t.ok(['inspect', id]))[0].HostConfig.SecurityOpt, [`seccomp=${JSON.stringify(profile)}`, 'no-new-privileges']);
  t.ok(['rm', id]);
});

test('bad --security-opt values: one line, exit 125, nothing created', () => {
  const bad = join(t.root, 'bad.json');
  writeFileSync(bad, '{"defaultAction": "SCMP_ACT_FOO", "syscalls": []}');
  const notJson = join(t.root, 'not.json');
  writeFileSync(notJson, '{"defaultAction": ');
  const cases: [string, RegExp][] = [
    [`seccomp=${bad}`, /^berth: Decoding seccomp profile failed: defaultAction: unknown action "SCMP_ACT_FOO"\n$/],
    [`seccomp=${notJson}`, /^berth: compacting json for seccomp profile \(.*not\.json\) failed: /],
    [`seccomp=${join(t.root, 'missing.json')}`, /^berth: opening seccomp profile \(.*missing\.json\) failed: /],
    ['seccomp', /^berth: Invalid --security-opt: "seccomp"\n$/],
    ['bogus=1', /^berth: invalid --security-opt 2: "bogus=1"\n$/],
  ];
  for (const [opt, re] of cases) {
    const r = t.berth(['run', '--rm', '--security-opt', opt, 'bb', 'true']);
    assert.is(r.code, 125, opt);
    assert.match(r.stderr, re);
    assert.is(r.stderr.split('\n').length, 2, 'one line');
  }
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

const status = (out: string, key: string): string => new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(out)?.[1] ?? 'missing';

test('--cap-add/--cap-drop set the capabilities, and the profile follows them (CAP_SYS_ADMIN: unshare -U works)', () => {
  const id = t.ok(['run', '-d', '--cap-add', 'sys_admin', '--cap-drop', 'CAP_NET_RAW', 'bb', 'sleep', '60']);
  t.seen.push(id);
  const want = ((0xa80425fbn | (1n << 21n)) & ~(1n << 13n)).toString(16).padStart(16, '0');
  // the init (PID 1) and an exec alike
  for (const out of [t.ok(['exec', id, 'cat', '/proc/1/status']), t.ok(['exec', id, 'cat', '/proc/self/status'])]) {
    assert.is(status(out, 'CapBnd'), want);
    assert.is(status(out, 'CapEff'), want);
    assert.is(status(out, 'Seccomp'), '2');
  }
  assert.is(t.berth(['exec', id, 'unshare', '-U', 'true']).code, 0, 'CAP_SYS_ADMIN opens the namespace syscalls');
  const hc = JSON.parse(t.ok(['inspect', id]))[0].HostConfig;
  assert.equal([hc.CapAdd, hc.CapDrop], [['CAP_SYS_ADMIN'], ['CAP_NET_RAW']]);
  t.ok(['rm', '-f', id]);
  assert.is(status(t.ok(['run', '--rm', '--cap-drop', 'ALL', 'bb', 'cat', '/proc/self/status']), 'CapBnd'), '0000000000000000');
  const r = t.berth(['run', '--rm', '--cap-add', 'NOT_A_CAP', 'bb', 'true']);
  assert.equal([r.code, r.stderr], [125, 'berth: invalid CapAdd: unknown capability: "CAP_NOT_A_CAP"\n']);
});

test('no_new_privs: on by default (berth is stricter than docker), off with --security-opt no-new-privileges=false', () => {
  assert.is(status(t.ok(['run', '--rm', 'bb', 'cat', '/proc/self/status']), 'NoNewPrivs'), '1');
  const off = t.ok(['run', '--rm', '--security-opt', 'no-new-privileges=false', 'bb', 'cat', '/proc/self/status']);
  assert.is(status(off, 'NoNewPrivs'), '0');
  assert.is(status(off, 'Seccomp'), '2', 'the filter is loaded before the capabilities go');
  assert.is(status(t.ok(['run', '--rm', '--security-opt', 'no-new-privileges=true', 'bb', 'cat', '/proc/self/status']), 'NoNewPrivs'), '1');
  const r = t.berth(['run', '--rm', '--security-opt', 'no-new-privileges=maybe', 'bb', 'true']);
  assert.equal([r.code, r.stderr], [125, 'berth: invalid --security-opt 2: "no-new-privileges=maybe"\n']);
});

/** The caller's permitted capabilities: what --privileged can give (hex, as /proc shows it). */
const callerCaps = (): string => status(readFileSync('/proc/self/status', 'utf8'), 'CapPrm');
const firstHostBlockDevice = (): string | undefined =>
  readdirSync('/dev').map((n) => `/dev/${n}`).find((p) => { try { return lstatSync(p).isBlockDevice(); } catch { return false; } });

test('--privileged: every capability, no seccomp, no masked or read-only paths, /sys and cgroupfs writable, host devices', () => {
  const out = t.ok(['run', '--rm', '--privileged', 'bb', 'sh', '-c',
    'cat /proc/self/status; grep -E " /(sys|sys/fs/cgroup|proc/sys|proc/keys) " /proc/self/mountinfo | cut -d" " -f5,6; ls -l /dev/ptmx']);
  assert.is(status(out, 'CapEff'), callerCaps());
  assert.is(status(out, 'Seccomp'), '0');
  assert.match(out, /^\/sys rw,/m);
  assert.match(out, /^\/sys\/fs\/cgroup rw,/m);
  assert.not.match(out, /^\/proc\/(sys|keys) /m, 'no read-only or masked paths');
  assert.match(out, /\/dev\/ptmx -> pts\/ptmx/);
  const dev = firstHostBlockDevice();
  if (dev) {
    assert.is(t.berth(['run', '--rm', '--privileged', 'bb', 'test', '-b', dev]).code, 0, `${dev} is there`);
    assert.is(t.berth(['run', '--rm', 'bb', 'test', '-e', dev]).code, 1, `${dev} is not there without --privileged`);
  }
  // the devices cgroup (v1) lets a privileged container use what it makes
  if (existsSync('/sys/fs/cgroup/devices')) {
    // 10:237 (loop-control) is in no default allow rule: opening it is the devices cgroup's call
    const use = (...opts: string[]) => t.berth(['run', '--rm', ...opts, 'bb', 'sh', '-c', 'mknod /tmp/m c 10 237 && exec 3</tmp/m && echo opened']);
    assert.match(use().stderr, /Operation not permitted/);
    assert.is(use('--privileged').stdout, 'opened\n');
  }
  const id = t.ok(['create', '--privileged', 'bb', 'true']);
  t.seen.push(id);
  assert.is(JSON.parse(t.ok(['inspect', id]))[0].HostConfig.Privileged, true);
  t.ok(['rm', id]);
});

test('exec --privileged: every capability for the command, the container\'s seccomp filter stays', () => {
  const id = t.ok(['run', '-d', 'bb', 'sleep', '60']);
  t.seen.push(id);
  const out = t.ok(['exec', '--privileged', id, 'cat', '/proc/self/status']);
  assert.is(status(out, 'CapEff'), callerCaps());
  assert.is(status(out, 'Seccomp'), '2');
  assert.is(status(t.ok(['exec', id, 'cat', '/proc/self/status']), 'CapEff'), '00000000a80425fb');
  t.ok(['rm', '-f', id]);
});

test('systempaths=unconfined unmasks /proc; apparmor=unconfined is accepted (no LSM), another profile refused', () => {
  assert.is(t.ok(['run', '--rm', 'bb', 'cat', '/proc/keys']), '', 'masked by default');
  assert.is.not(t.ok(['run', '--rm', '--security-opt', 'systempaths=unconfined', '--security-opt', 'apparmor=unconfined', 'bb', 'cat', '/proc/keys']), '');
  const r = t.berth(['run', '--rm', '--security-opt', 'apparmor=docker-default', 'bb', 'true']);
  assert.equal([r.code, r.stderr], [125, 'berth: --security-opt apparmor=docker-default: berth applies no AppArmor or SELinux (only apparmor=unconfined is accepted)\n']);
});

test('info says seccomp is on with the builtin profile', () => {
  const info = t.ok(['info']);
  assert.match(info, /\nSecurity Options:\n seccomp\n  Profile: builtin\n/);
  assert.ok(JSON.parse(t.ok(['info', '--format', 'json'])).SecurityOptions.includes('name=seccomp,profile=builtin'));
});

test.run();
