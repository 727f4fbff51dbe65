// The foundation issue's "done when", end to end through the CLI on the real
// kernel: run, detach, ps, top, stop, inspect, logs, rm, exit codes, isolation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { busyboxTar, cacheDir } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-life-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after.each(() => { if (process.env.PSDBG) console.log('\nPS:', t.ok(['ps', '-a'])); });
test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('run --rm prints the output and removes the container', () => {
  const r = t.berth(['run', '--rm', 'bb', 'echo', 'hello']);
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(r.stdout, 'hello\n');
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('the container command keeps flags that look like berth flags', () => {
  assert.is(t.ok(['run', '--rm', 'bb', 'echo', '-d', '--rm', '-e', 'x']), '-d --rm -e x');
});

test('stdout and stderr stay separate', () => {
  const r = t.berth(['run', '--rm', 'bb', 'sh', '-c', 'echo out; echo err >&2']);
  assert.is(r.stdout, 'out\n');
  assert.is(r.stderr, 'err\n');
});

test('exit codes follow docker: own code, 125, 126, 127', () => {
  assert.is(t.berth(['run', '--rm', 'bb', 'sh', '-c', 'exit 3']).code, 3);
  const nf = t.berth(['run', '--rm', 'bb', 'no-such-command']);
  assert.is(nf.code, 127);
  assert.match(nf.stderr, /no-such-command/);
  assert.is(nf.stderr.trim().split('\n').length, 1, 'one line');
  assert.is(t.berth(['run', '--rm', 'bb', '/etc/passwd']).code, 126);
  // --pull never: the default would ask Docker Hub (tests reach 127.0.0.1 only)
  const noImage = t.berth(['run', '--rm', '--pull', 'never', 'no-such-image', 'true']);
  assert.is(noImage.code, 125);
  assert.is(noImage.stderr, 'berth: No such image: no-such-image:latest\n');
  const bogus = t.berth(['run', '--bogus-flag', 'bb', 'true']);
  assert.is(bogus.code, 125);
  assert.match(bogus.stderr, /^unknown flag: --bogus-flag\n/, 'the flag is named, IMAGE is not taken as its value');
  assert.is(t.ok(['ps', '-a', '-q']), '', 'failed runs leave nothing');
});

test('a failed start without --rm keeps the container as created with its exit code', () => {
  const r = t.berth(['run', '--name', 'nf', 'bb', 'nope']);
  assert.is(r.code, 127);
  const st = JSON.parse(t.ok(['inspect', 'nf']))[0].State;
  assert.is(st.Status, 'created');
  assert.is(st.ExitCode, 127);
  assert.match(st.Error, /nope/);
  t.ok(['rm', 'nf']);
});

test('bad input to run: one line, exit 125, no state change; a refusal of another verb: 1', () => {
  const r = t.berth(['run', '--name', 'bad/name', 'bb', 'true']);
  assert.is(r.code, 125);
  assert.is(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /invalid container name/);
  assert.is(t.berth(['run', '-w', 'relative', 'bb', 'true']).code, 125);
  assert.is(t.berth(['run', '--stop-signal', 'SIGNOPE', 'bb', 'true']).code, 125);
  assert.is(t.ok(['ps', '-a', '-q']), '');
  assert.is(t.berth(['stop', 'no-such-container']).code, 1);
});

test('a detached container outlives the CLI; its PID 1 is the command in its own pid namespace', () => {
  const id = t.ok(['run', '-d', '--name', 'web', 'bb', 'sleep', '1000']);
  t.seen.push(id);
  assert.match(id, /^[0-9a-f]{64}$/);
  const ps = t.ok(['ps']);
  assert.match(ps, /web/);
  assert.match(ps, /Up /);
  const top = t.ok(['top', 'web']);
  assert.match(top, /sleep 1000/);
  const pid = JSON.parse(t.ok(['inspect', 'web']))[0].State.Pid as number;
  assert.ok(pid > 1);
  const nspid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1].split(/\s+/);
  assert.is(nspid[nspid.length - 1], '1', 'PID 1 inside');
  assert.is(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), 'sleep\x001000\x00');
  // its monitor is not a child of any berth CLI: the CLI has exited
  const monitorPid = JSON.parse(t.ok(['inspect', 'web']))[0].Berth.MonitorPid as number;
  const ppidOfInit = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  assert.is(ppidOfInit, monitorPid);
});

test('names are unique and IDs resolve by prefix', () => {
  const r = t.berth(['run', '-d', '--name', 'web', 'bb', 'true']);
  assert.is(r.code, 125);
  assert.match(r.stderr, /^berth: Conflict\. The container name "\/web" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.\n$/);
  const id = t.ok(['ps', '-q', '--no-trunc', '--filter', 'name=web']);
  assert.is(t.ok(['inspect', '--format', '{{.Name}}', id.slice(0, 5)]), '/web');
  t.ok(['rm', '-f', 'web']);
});

test('inside: host processes, mounts and hostname are invisible; kcore masked; Docker caps', () => {
  const procs = t.ok(['run', '--rm', 'bb', 'ps', '-o', 'pid,comm']).split('\n').slice(1).map((l) => l.trim());
  assert.equal(procs, ['1 ps'], 'only its own process is visible');
  const out = t.ok(['run', '--rm', '--hostname', 'inside', 'bb', 'sh', '-c',
    'hostname; cat /proc/mounts; echo ---; cat /proc/kcore | wc -c; grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status; ip -o link | cut -d: -f2 | tr -d " " | cut -d@ -f1 | tr "\\n" " "']);
  const [head, tail] = out.split('\n---\n');
  const lines = head.split('\n');
  assert.is(lines[0], 'inside');
  const mountPoints = lines.slice(1).map((l) => l.split(' ')[1]);
  const allowed = /^\/(proc|dev|sys)(\/|$)|^\/$|^\/etc\/(hosts|hostname|resolv\.conf)$/;
  assert.equal(mountPoints.filter((m) => !allowed.test(m)), [], 'no host mount points inside');
  const rest = tail.split('\n');
  assert.is(rest[0].trim(), '0', '/proc/kcore is /dev/null');
  assert.is(rest[1], 'CapEff:\t00000000a80425fb');
  assert.is(rest[2], 'NoNewPrivs:\t1');
  assert.is(rest[3].trim(), 'lo eth0', 'only lo and its own end of the default bridge in the network namespace');
});

test('devices: a mknod-ed host disk cannot be opened (v1 devices controller, or cgroup2\'s BPF device filter)', () => {
  const r = t.berth(['run', '--rm', 'bb', 'sh', '-c', 'mknod /tmp/disk b 8 0 && head -c 1 /tmp/disk']);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /Operation not permitted/);
  assert.is(t.ok(['run', '--rm', 'bb', 'sh', '-c', 'echo x > /dev/null && head -c 4 /dev/zero | wc -c']), '4');
});

test('env, workdir, user, entrypoint, labels, env-file', () => {
  const out = t.ok(['run', '--rm', '-e', 'A=1', '-e', 'B=two words', '-w', '/tmp', '-u', 'user', 'bb', 'sh', '-c',
    'echo "$A|$B|$(pwd)|$(id -u):$(id -g)|$HOME"']);
  assert.is(out, '1|two words|/tmp|1000:1000|/home');
  assert.is(t.ok(['run', '--rm', '--entrypoint', 'echo', 'bb', 'via', 'entrypoint']), 'via entrypoint');
  assert.is(t.ok(['run', '--rm', '-u', '1234:5678', 'bb', 'id', '-u']), '1234');
  assert.is(t.ok(['run', '--rm', '-w', '/made/for/you', 'bb', 'pwd']), '/made/for/you', 'a missing workdir is created');
  assert.is(t.berth(['run', '--rm', '-u', 'nobody-here', 'bb', 'true']).code, 125);
  const id = t.ok(['create', '-l', 'tier=web', '--name', 'lab', 'bb', 'true']);
  t.seen.push(id);
  assert.is(t.ok(['ps', '-a', '-q', '--filter', 'label=tier=web', '--no-trunc']), id);
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'lab']), 'created');
  t.ok(['rm', 'lab']);
});

test('stop records the exit code; logs survive CLI restarts; rm leaves nothing', () => {
  const id = t.ok(['run', '-d', '--name', 'talker', 'bb', 'sh', '-c', 'echo one; echo two >&2; trap "echo bye; exit 0" TERM; while :; do sleep 0.1; done']);
  t.seen.push(id);
  for (let i = 0; i < 50 && !t.ok(['logs', 'talker']).includes('one'); i++) spawnSync('sleep', ['0.1']);
  assert.is(t.berth(['logs', 'talker']).stdout, 'one\n');
  assert.is(t.berth(['logs', 'talker']).stderr, 'two\n', 'a second CLI process sees the same log');
  assert.is(t.ok(['stop', '-t', '5', 'talker']), 'talker');
  const st = JSON.parse(t.ok(['inspect', 'talker']))[0].State;
  assert.is(st.Status, 'exited');
  assert.is(st.ExitCode, 0);
  assert.is(t.ok(['logs', 'talker']), 'one\nbye');
  assert.match(t.ok(['logs', '-t', '--tail', '1', 'talker']), /^\d{4}-\d\d-\d\dT[\d:.]+Z bye$/);
  assert.match(t.ok(['ps', '-a']), /Exited \(0\)/);
  t.ok(['rm', 'talker']);
  assert.ok(!existsSync(`${t.root}/containers/${id}`));
});

test('SIGKILL after the grace period gives 137; kill -s TERM to a trapping shell', () => {
  const id = t.ok(['run', '-d', 'bb', 'sleep', '1000']);
  t.seen.push(id);
  t.ok(['stop', '-t', '1', id]); // sleep as PID 1 ignores SIGTERM
  assert.is(t.ok(['inspect', '-f', '{{.State.ExitCode}}', id]), '137');
  const id2 = t.ok(['run', '-d', 'bb', 'sh', '-c', 'trap "exit 7" USR1; while :; do sleep 0.1; done']);
  t.seen.push(id2);
  spawnSync('sleep', ['0.3']);
  t.ok(['kill', '-s', 'USR1', id2]);
  assert.is(t.ok(['wait', id2]), '7');
  t.ok(['rm', id, id2]);
});

test('restart, rename, pause/unpause, rm -f', () => {
  const id = t.ok(['run', '-d', '--name', 'r1', 'bb', 'sleep', '1000']);
  t.seen.push(id);
  const pid1 = JSON.parse(t.ok(['inspect', 'r1']))[0].State.Pid;
  t.ok(['restart', '-t', '0', 'r1']);
  const after = JSON.parse(t.ok(['inspect', 'r1']))[0];
  assert.is(after.State.Status, 'running');
  assert.is.not(after.State.Pid, pid1);
  assert.is(after.RestartCount, 0, 'a restart by hand is not counted, as in docker');
  t.ok(['rename', 'r1', 'r2']);
  assert.is(t.ok(['inspect', '-f', '{{.Name}}', id]), '/r2');
  t.ok(['pause', 'r2']);
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'r2']), 'paused');
  assert.match(t.ok(['ps']), /\(Paused\)/);
  assert.is(t.berth(['pause', 'r2']).code, 1);
  t.ok(['unpause', 'r2']);
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'r2']), 'running');
  const busy = t.berth(['rm', 'r2']);
  assert.is(busy.code, 1);
  assert.is(busy.stderr, 'Error: cannot remove container "/r2": container is running: stop the container before removing or force remove\n');
  t.ok(['rm', '-f', 'r2']);
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('--rm is honoured by the monitor with no berth process left', () => {
  const id = t.ok(['run', '-d', '--rm', 'bb', 'sh', '-c', 'sleep 0.5']);
  t.seen.push(id);
  for (let i = 0; i < 100 && existsSync(`${t.root}/containers/${id}`); i++) spawnSync('sleep', ['0.1']);
  assert.ok(!existsSync(`${t.root}/containers/${id}`), 'removed by the monitor cleanup');
});

/** Processes running the monitor's node cleanup (cleanup-main.js) for this test root. */
function cleanups(): string[] {
  const out: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes('cleanup-main') && cmd.includes(t.root)) out.push(cmd.replace(/\0/g, ' '));
    } catch { /* gone */ }
  }
  return out;
}

test('a foreground run collects its own exit: the monitor starts no cleanup process', () => {
  t.ok(['run', '--name', 'fg', 'bb', 'true']);
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) { seen.push(...cleanups()); spawnSync('sleep', ['0.05']); }
  assert.equal(seen, [], 'no cleanup-main ran');
  const st = JSON.parse(t.ok(['inspect', 'fg']))[0].State;
  assert.is(st.Status, 'exited');
  t.ok(['rm', 'fg']);
});

test('a foreground run --rm whose CLI is killed: the monitor\'s cleanup still removes the container', () => {
  // the container ends when the test says so (a file in a bound directory), not after a fixed
  // time: under load one `ps` can take longer than a short sleep lives
  const sig = mkdtempSync(join(t.root, 'sig-'));
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'run', '--rm', '--name', 'orphan', '-v', `${sig}:/sig`, 'bb',
    'sh', '-c', 'while [ ! -e /sig/go ]; do sleep 0.1; done'], { stdio: 'ignore' });
  for (let i = 0; i < 300 && !t.ok(['ps', '-q', '--filter', 'name=orphan']); i++) spawnSync('sleep', ['0.1']);
  const id = t.ok(['ps', '-q', '--no-trunc', '--filter', 'name=orphan']);
  assert.ok(id, 'the container runs');
  t.seen.push(id);
  child.kill('SIGKILL');
  writeFileSync(join(sig, 'go'), '');
  for (let i = 0; i < 300 && existsSync(`${t.root}/containers/${id}`); i++) spawnSync('sleep', ['0.1']);
  assert.ok(!existsSync(`${t.root}/containers/${id}`), 'removed once it exited, with no client left');
});

test('logs -f into a pipe that closes (| head -1) ends, as SIGPIPE would end it', () => {
  const id = t.ok(['run', '-d', '--name', 'ticker', 'bb', 'sh', '-c', 'while :; do echo tick; sleep 0.1; done']);
  t.seen.push(id);
  const r = spawnSync('bash', ['-c', '"$0" -- "$1" --root "$2" logs -f ticker | head -1', process.execPath, berthBin, t.root], { encoding: 'utf8', timeout: 10_000 });
  assert.is(r.signal, null, 'ended by itself, not by the 10 s timeout');
  assert.is(r.stdout, 'tick\n');
  t.ok(['rm', '-f', 'ticker']);
});

test('--init runs the command under an init as PID 1, shown as docker shows docker-init', () => {
  assert.is(t.ok(['run', '--rm', '--init', 'bb', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']), '/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr "\\0" " "');
  // docker: PID 1 is "/sbin/docker-init -- CMD", the command its child
  const id = t.ok(['run', '-d', '--init', '--name', 'inited', 'bb', 'sleep', '100']);
  t.seen.push(id);
  const ps = t.ok(['exec', 'inited', 'ps', '-o', 'pid,ppid,args']).split('\n').map((l) => l.trim().split(/\s+/));
  assert.equal(ps[1], ['1', '0', '/sbin/docker-init', '--', 'sleep', '100']);
  assert.equal(ps[2].slice(1), ['1', 'sleep', '100']);
  const top = t.ok(['top', 'inited']).split('\n');
  assert.match(top[1], /\/sbin\/docker-init -- sleep 100$/);
  assert.match(top[2], /\ssleep 100$/);
  t.ok(['rm', '-f', 'inited']);
  // the init's mount target is the runtime's, as /etc/hosts: not a change of the container (diff,
  // commit), even in an image that has no /sbin (the runtime made the directory too)
  const dir = mkdtempSync('/tmp/berth-test-life-nosbin-');
  const tar = join(dir, 'nosbin.tar');
  spawnSync('tar', ['-C', join(cacheDir, 'busybox-rootfs'), '--exclude=./sbin', '-cf', tar, '.']);
  t.ok(['import', tar, 'nosbin']);
  const c = t.ok(['run', '--init', '--name', 'nosbin', 'nosbin', 'sh', '-c', 'touch /made; test -x /sbin/docker-init']);
  t.seen.push(c);
  assert.is(t.ok(['diff', 'nosbin']), 'A /made');
  t.ok(['commit', 'nosbin', 'nosbin:committed']);
  t.ok(['rm', 'nosbin']);
  assert.is(t.ok(['run', '--rm', 'nosbin:committed', 'sh', '-c', 'ls /made; test -e /sbin && echo sbin || echo no sbin']), '/made\nno sbin', 'commit leaves it out');
  t.ok(['rmi', 'nosbin', 'nosbin:committed']);
  rmSync(dir, { recursive: true, force: true });
});

test('cp both directions, for running and stopped containers', () => {
  const id = t.ok(['run', '-d', '--name', 'cpx', 'bb', 'sleep', '1000']);
  t.seen.push(id);
  const host = `${t.root}/cp-host.txt`;
  spawnSync('sh', ['-c', `echo from-host > ${host}`]);
  t.ok(['cp', host, 'cpx:/tmp/in.txt']);
  t.ok(['cp', 'cpx:/tmp/in.txt', `${t.root}/back.txt`]);
  assert.is(readFileSync(`${t.root}/back.txt`, 'utf8'), 'from-host\n');
  t.ok(['stop', '-t', '0', 'cpx']);
  t.ok(['cp', 'cpx:/etc/passwd', `${t.root}/passwd`]);
  assert.match(readFileSync(`${t.root}/passwd`, 'utf8'), /^root:x:0:0/);
  assert.is(t.berth(['cp', 'cpx:/no/such', `${t.root}/x`]).code, 1);
  // "-": a tar stream on stdout / stdin
  const tarOut = spawnSync('sh', ['-c', `node -- ${JSON.stringify(berthBin)} --root ${t.root} cp cpx:/etc/passwd - | tar -t`], { encoding: 'utf8' });
  assert.is(tarOut.stdout, 'passwd\n');
  const tarIn = spawnSync('sh', ['-c', `tar -C ${t.root} -c cp-host.txt | node -- ${JSON.stringify(berthBin)} --root ${t.root} cp - cpx:/tmp`], { encoding: 'utf8' });
  assert.is(tarIn.status, 0, tarIn.stderr);
  t.ok(['cp', 'cpx:/tmp/cp-host.txt', `${t.root}/back2.txt`]);
  assert.is(readFileSync(`${t.root}/back2.txt`, 'utf8'), 'from-host\n');
  t.ok(['rm', 'cpx']);
});

test('concurrent creates with one name: exactly one wins', async () => {
  const { spawn } = await import('node:child_process');
  const { berthBin } = await import('../helpers/root.js');
  const runs = Array.from({ length: 4 }, () => new Promise<number>((res) => {
    const p = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'create', '--name', 'race', 'bb', 'true'], { stdio: 'ignore' });
    p.on('exit', (c) => res(c ?? 1));
  }));
  const codes = await Promise.all(runs);
  assert.is(codes.filter((c) => c === 0).length, 1);
  assert.is(t.ok(['ps', '-a', '-q']).split('\n').filter(Boolean).length, 1);
  t.ok(['rm', 'race']);
});

test.run();
