// The docker CLI itself (docker 28, DOCKER_HOST=unix://<test socket>) runs the everyday
// verbs against `berth system service`: the results are berth's own (same engine, same
// root), exit codes are docker's, `docker run -it` gives a shell on a real terminal,
// push/pull go to a loopback registry, and the service leaves nothing when it ends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { PtyUser } from '../helpers/pty.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

const t = new TestRoot('berth-test-api-cli-');
const sock = join(t.root, 'api.sock');
const dockerConfig = mkdtempSync('/tmp/berth-test-docker-config-');
const env = { ...process.env, DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: dockerConfig, DOCKER_CLI_HINTS: 'false' };
// the service's own docker config: empty, so credentials reach it only from the client
const serviceConfig = mkdtempSync('/tmp/berth-test-service-config-');
let service: ChildProcess;
let serviceExit: Promise<number | null>;
let registry: TestRegistry | undefined;
let authRegistry: TestRegistry | undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startService(args: string[]): { proc: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  const proc = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'system', 'service', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_CONFIG: serviceConfig },
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exit, stderr: () => err };
}

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(path); i++) await sleep(50);
  assert.ok(existsSync(path), `no socket at ${path}`);
}

function docker(args: string[], opts: { input?: string; timeoutMs?: number } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { env, encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeoutMs ?? 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? 128 + 9, stdout: r.stdout, stderr: r.stderr };
}
function dok(args: string[], opts: { input?: string } = {}): string {
  const r = docker(args, opts);
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

test.before(async () => {
  t.ok(['import', busyboxTar(), 'bb']);
  const s = startService(['--host', `unix://${sock}`, '--time', '0']);
  service = s.proc;
  serviceExit = s.exit;
  await waitForSocket(sock);
});

test.after(async () => {
  await registry?.stop();
  await authRegistry?.stop();
  if (service.exitCode === null) service.kill('SIGTERM');
  await serviceExit;
  rmSync(dockerConfig, { recursive: true, force: true });
  rmSync(serviceConfig, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('the socket: mode 0660, and the client negotiates to berth\'s API version', () => {
  assert.is(statSync(sock).mode & 0o777, 0o660);
  assert.is(dok(['version', '--format', '{{.Server.APIVersion}} {{.Server.Platform.Name}}']), '1.47 berth');
});

test('run -d, ps, logs, exec, inspect -f, stop, rm: the same containers berth lists', () => {
  const id = dok(['run', '-d', '--name', 'web', 'bb', 'sh', '-c', 'echo started; sleep 100']);
  assert.match(id, /^[0-9a-f]{64}$/);
  t.seen.push(id);
  assert.match(dok(['ps', '--no-trunc', '--format', '{{.Names}} {{.Image}} {{.Command}}']), /^web bb "sh -c 'echo started; sleep 100'"$/m);
  assert.match(t.ok(['ps', '--format', '{{.Names}} {{.ID}}']), new RegExp(`^web ${id.slice(0, 12)}$`, 'm'));
  for (let i = 0; i < 50 && !dok(['logs', 'web']).includes('started'); i++) spawnSync('sleep', ['0.1']);
  assert.is(dok(['logs', 'web']), 'started');
  assert.is(dok(['exec', 'web', 'sh', '-c', 'echo $((6*7)); echo err >&2']), '42');
  assert.is(docker(['exec', 'web', 'sh', '-c', 'exit 7']).code, 7);
  assert.is(dok(['inspect', '-f', '{{.State.Status}} {{.Name}} {{.Config.Image}}', 'web']), 'running /web bb');
  assert.is(dok(['stop', '-t', '1', 'web']), 'web');
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'web']), 'exited');
  assert.is(dok(['rm', 'web']), 'web');
  assert.is(t.berth(['inspect', 'web']).code, 1);
});

test('run in the foreground: output, stderr apart, the exit code, --rm removes, stdin with -i', () => {
  const r = docker(['run', '--name', 'fg', 'bb', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal([r.code, r.stdout, r.stderr], [3, 'out\n', 'err\n']);
  assert.is(dok(['inspect', '-f', '{{.State.ExitCode}}', 'fg']), '3');
  dok(['rm', 'fg']);
  assert.is(dok(['run', '--rm', '--name', 'gone', 'bb', 'echo', 'hello']), 'hello');
  assert.is(t.ok(['ps', '-a', '-q']), '');
  assert.is(dok(['run', '-i', '--rm', 'bb', 'tr', 'a-z', 'A-Z'], { input: 'piped in\n' }), 'PIPED IN');
});

test('run --rm of a container that ends at once, many times over: every run prints all its output (-t and start -a too)', () => {
  // the service collects exits itself; an attach made before the start reads the output from
  // the log, after the exit: the container (and its log) must stay until that client is done
  // (1 run in ~5 printed nothing, and now and then the service died)
  for (let i = 0; i < 20; i++) {
    const r = docker(['run', '--rm', 'bb', 'sh', '-c', `echo out${i}; echo err${i} >&2`]);
    assert.equal([r.code, r.stdout, r.stderr], [0, `out${i}\n`, `err${i}\n`], `run ${i}`);
  }
  for (let i = 0; i < 5; i++) assert.is(docker(['run', '--rm', '-t', 'bb', 'echo', `tty${i}`]).stdout, `tty${i}\r\n`, `run -t ${i}`);
  for (let i = 0; i < 5; i++) {
    const id = dok(['create', '--rm', 'bb', 'echo', `started${i}`]);
    t.seen.push(id);
    assert.is(dok(['start', '-a', id]), `started${i}`, `start -a ${i}`);
  }
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('docker\'s exit codes and messages: 125 for a refused create, 127 and 126, 1 for a missing container', () => {
  const missing = docker(['run', '--rm', 'bb', 'nosuchcmd']);
  assert.is(missing.code, 127, missing.stderr);
  assert.is(docker(['run', '--rm', 'bb', '/etc/passwd']).code, 126);
  const bad = docker(['run', '--rm', '--memory', '1k', 'bb', 'true']);
  assert.is(bad.code, 125, bad.stderr);
  const none = docker(['stop', 'nosuch']);
  assert.is(none.code, 1);
  assert.match(none.stderr, /No such container: nosuch/);
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('images, tag, rmi, inspect of an image', () => {
  dok(['tag', 'bb', 'bb:two']);
  assert.match(t.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), /^bb:two$/m);
  assert.match(dok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), /^bb:two [0-9a-f]{12}$/m);
  assert.is(dok(['image', 'inspect', '-f', '{{.Id}}', 'bb:two']), t.ok(['image', 'inspect', '-f', '{{.Id}}', 'bb']));
  assert.is(dok(['rmi', 'bb:two']), 'Untagged: bb:two');
  assert.not.match(t.ok(['images', '--format', '{{.Tag}}']), /two/);
  assert.is(docker(['rmi', 'nosuch:1']).code, 1);
});

test('volume create, ls, inspect, use, rm', () => {
  assert.is(dok(['volume', 'create', 'vol1']), 'vol1');
  assert.match(dok(['volume', 'ls', '--format', '{{.Name}}']), /^vol1$/m);
  assert.is(dok(['volume', 'inspect', '-f', '{{.Driver}}', 'vol1']), 'local');
  assert.is(dok(['run', '--rm', '-v', 'vol1:/data', 'bb', 'sh', '-c', 'echo kept > /data/f; cat /data/f']), 'kept');
  assert.is(t.ok(['run', '--rm', '-v', 'vol1:/data', 'bb', 'cat', '/data/f']), 'kept');
  assert.is(dok(['volume', 'rm', 'vol1']), 'vol1');
  assert.is(t.ok(['volume', 'ls', '-q']), '');
});

test('stats --no-stream, top, pause, rename, restart, kill', () => {
  const id = dok(['run', '-d', '--name', 'busy', 'bb', 'sleep', '100']);
  t.seen.push(id);
  const stats = dok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}} {{.MemUsage}}', 'busy']);
  assert.match(stats, /^busy 1 \d+(\.\d+)?[KMG]?i?B \/ /);
  assert.match(dok(['top', 'busy']), /sleep 100/);
  dok(['pause', 'busy']);
  assert.is(t.ok(['inspect', '-f', '{{.State.Status}}', 'busy']), 'paused');
  dok(['unpause', 'busy']);
  dok(['rename', 'busy', 'busy2']);
  dok(['restart', '-t', '1', 'busy2']);
  assert.is(t.ok(['inspect', '-f', '{{.State.Running}}', 'busy2']), 'true');
  dok(['kill', 'busy2']);
  assert.is(docker(['kill', 'busy2']).code, 1); // not running: docker's 409
  dok(['rm', 'busy2']);
});

test('cp both ways: into a directory, to a new name, a file and a directory out, a missing path', () => {
  const id = dok(['run', '-d', '--name', 'cpc', 'bb', 'sleep', '100']);
  t.seen.push(id);
  const host = mkdtempSync('/tmp/berth-test-api-cp-');
  try {
    writeFileSync(join(host, 'f.txt'), 'from the host\n');
    dok(['cp', join(host, 'f.txt'), 'cpc:/tmp/']);
    dok(['cp', join(host, 'f.txt'), 'cpc:/tmp/renamed.txt']);
    assert.is(t.ok(['exec', 'cpc', 'cat', '/tmp/f.txt', '/tmp/renamed.txt']), 'from the host\nfrom the host');
    dok(['cp', 'cpc:/etc/passwd', join(host, 'pw')]);
    assert.match(readFileSync(join(host, 'pw'), 'utf8'), /^root:x:0:0:/);
    dok(['cp', 'cpc:/etc', join(host, 'etc-copy')]);
    assert.ok(existsSync(join(host, 'etc-copy', 'passwd')));
    const missing = docker(['cp', 'cpc:/nosuch', join(host, 'x')]);
    assert.is(missing.code, 1);
    assert.match(missing.stderr, /Could not find the file \/nosuch in container cpc/);
  } finally {
    rmSync(host, { recursive: true, force: true });
  }
  dok(['rm', '-f', 'cpc']);
});

test('logs -f follows to the end; events --since/--until with a filter', () => {
  const since = Math.floor(Date.now() / 1000);
  const id = dok(['run', '-d', '--name', 'ev', 'bb', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.3; done']);
  t.seen.push(id);
  assert.is(dok(['logs', '-f', 'ev']), 'line1\nline2\nline3');
  dok(['rm', 'ev']);
  const until = String(Math.floor(Date.now() / 1000) + 1);
  const all = dok(['events', '--since', String(since), '--until', until, '--filter', 'type=container', '--format', '{{.Action}} {{.Actor.Attributes.name}}']);
  assert.equal(all.split('\n').filter((l) => l.endsWith(' ev')), ['create ev', 'start ev', 'die ev', 'destroy ev']);
  // --since is whole seconds: an earlier test's container may have started in the same one
  const starts = dok(['events', '--since', String(since), '--until', until, '--filter', 'event=start', '--filter', 'container=ev', '--format', '{{.ID}}']);
  assert.is(starts, id);
});

test('system df and info through the API', () => {
  assert.match(dok(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']), /^Images 1$/m);
  assert.match(dok(['info', '--format', '{{.Driver}} {{.Images}}']), /^overlay 1$/);
});

test('push to and pull from a loopback registry through the service', async () => {
  registry = await startRegistry();
  const ref = `${registry.addr}/api/bb:1`;
  dok(['tag', 'bb', ref]);
  const push = dok(['push', ref]);
  assert.match(push, /1: digest: sha256:[0-9a-f]{64} size: \d+/);
  dok(['rmi', ref]);
  const pull = dok(['pull', ref]);
  assert.match(pull, /Status: Downloaded newer image for /);
  assert.match(t.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), new RegExp(`^${registry.addr}/api/bb:1$`, 'm'));
  dok(['rmi', ref]);
});

test('login checks credentials (401 for wrong ones); push and pull carry them (X-Registry-Auth)', async () => {
  authRegistry = await startRegistry({ auth: { username: 'apiuser', password: 's3cret' } });
  const ref = `${authRegistry.addr}/private/bb:1`;
  dok(['tag', 'bb', ref]);
  const anonymous = docker(['push', ref]);
  assert.is(anonymous.code, 1, 'a push without credentials is refused');
  const wrong = docker(['login', '-u', 'apiuser', '--password-stdin', authRegistry.addr], { input: 'wrong\n' });
  assert.is(wrong.code, 1);
  assert.match(dok(['login', '-u', 'apiuser', '--password-stdin', authRegistry.addr], { input: 's3cret\n' }), /Login Succeeded/);
  assert.match(dok(['push', ref]), /1: digest: sha256:/);
  dok(['rmi', ref]);
  assert.match(dok(['pull', ref]), /Downloaded newer image/);
  dok(['logout', authRegistry.addr]);
  assert.is(docker(['pull', ref.replace(':1', ':2')]).code, 1);
  dok(['rmi', ref]);
});

test('docker run --rm -it gives a shell on a terminal; exec -it too', async () => {
  const u = new PtyUser('docker', ['run', '--rm', '-it', '--name', 'tty1', 'bb', 'sh'], { cols: 100, rows: 30, env });
  try {
    await u.waitFor(/\/ #\s*$/m);
    u.type('echo $((6*7))\r');
    await u.waitFor(/^42$/m);
    u.type('stty size\r');
    await u.waitFor(/^30 100$/m);
    const ex = new PtyUser('docker', ['exec', '-it', 'tty1', 'sh'], { cols: 80, rows: 24, env });
    await ex.waitFor(/\/ #\s*$/m);
    ex.type('tty; exit 4\r');
    await ex.waitFor(/^\/dev\/pts\/\d+$/m);
    assert.is((await ex.exited).exitCode, 4);
    u.type('exit 5\r');
    assert.is((await u.exited).exitCode, 5);
  } finally {
    u.kill();
  }
  for (let i = 0; i < 50 && t.ok(['ps', '-a', '-q']); i++) await sleep(100);
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('the service: refuses TCP off loopback without TLS, ends after --time idle, leaves nothing', async () => {
  const open = startService(['--host', 'tcp://0.0.0.0:2375']);
  assert.is(await open.exit, 1);
  assert.match(open.stderr(), /without TLS client certificates/);
  const idleSock = join(t.root, 'idle.sock');
  const idle = startService(['--host', `unix://${idleSock}`, '--time', '1']);
  await waitForSocket(idleSock);
  const t0 = Date.now();
  assert.is(await idle.exit, 0, idle.stderr());
  assert.ok(Date.now() - t0 >= 900, 'ended before its idle time');
  assert.not.ok(existsSync(idleSock), 'socket left behind');
  // SIGTERM: the main service ends at once, its socket gone
  service.kill('SIGTERM');
  assert.is(await serviceExit, 0);
  assert.not.ok(existsSync(sock));
});

test.run();
