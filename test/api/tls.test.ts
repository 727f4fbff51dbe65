// `berth system service` on TCP with docker's --tlsverify model: a throw-away CA signs the
// service's certificate and a client's; the real docker CLI with --tlsverify and that client
// certificate drives berth, a client without a certificate (or with one another CA signed) is
// refused in the handshake, and a TCP listener off loopback without TLS is refused outright.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-api-tls-');
const pki = join(t.root, 'pki');
const dockerConfig = mkdtempSync(join(pki, '..', 'docker-config-'));
let port = 0;
let service: ChildProcess | undefined;
let serviceExit: Promise<number | null> | undefined;
let serviceErr = '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: pki, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, and a key with a certificate it signs (extensions as docker's docs make them). */
function makeCa(name: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.pem`]);
}
function makeCert(name: string, ca: string, ext: string): void {
  writeFileSync(join(pki, `${name}.ext`), `${ext}\n`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`]);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(p, '127.0.0.1');
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

function docker(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', ['-H', `tcp://127.0.0.1:${port}`, ...args], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOCKER_CONFIG: dockerConfig, DOCKER_CLI_HINTS: 'false', DOCKER_HOST: '', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' },
  });
  if (r.error) throw r.error;
  return { code: r.status ?? 128 + 9, stdout: r.stdout, stderr: r.stderr };
}

test.before(async () => {
  t.ok(['import', busyboxTar(), 'bb']);
  spawnSync('mkdir', ['-p', pki]);
  makeCa('ca');
  makeCa('other-ca');
  makeCert('server', 'ca', 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth');
  makeCert('client', 'ca', 'extendedKeyUsage = clientAuth');
  makeCert('stranger', 'other-ca', 'extendedKeyUsage = clientAuth');
  port = await freePort();
  service = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'system', 'service', '--host', `tcp://127.0.0.1:${port}`, '--time', '0',
    '--tlsverify', '--tlscacert', join(pki, 'ca.pem'), '--tlscert', join(pki, 'server.pem'), '--tlskey', join(pki, 'server-key.pem')], { stdio: ['ignore', 'ignore', 'pipe'] });
  service.stderr!.on('data', (d) => (serviceErr += d));
  serviceExit = new Promise((r) => service!.on('exit', (code) => r(code)));
  for (let i = 0; i < 100 && !(await listening(port)); i++) await sleep(50);
  assert.ok(await listening(port), `the service listens on 127.0.0.1:${port}: ${serviceErr}`);
});

test.after(async () => {
  if (service && service.exitCode === null) service.kill('SIGTERM');
  await serviceExit;
  rmSync(dockerConfig, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const clientTls = (name: string) => ['--tlsverify', '--tlscacert', join(pki, 'ca.pem'), '--tlscert', join(pki, `${name}.pem`), '--tlskey', join(pki, `${name}-key.pem`)];

test('the docker CLI with --tlsverify and a client certificate the CA signed drives berth', () => {
  const v = docker([...clientTls('client'), 'version', '--format', '{{.Server.Platform.Name}}']);
  assert.is(v.code, 0, v.stderr);
  assert.is(v.stdout.trim(), 'berth');
  const run = docker([...clientTls('client'), 'run', '--rm', '--network', 'none', 'bb', 'echo', 'over tls']);
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, 'over tls\n');
  const ps = docker([...clientTls('client'), 'ps', '-a', '-q']);
  assert.is(ps.code, 0, ps.stderr);
  assert.is(ps.stdout, '', 'the --rm container is gone');
});

test('without a client certificate, with one of another CA, or without TLS: refused', () => {
  const none = docker(['--tlsverify', '--tlscacert', join(pki, 'ca.pem'), 'version', '--format', '{{.Server.Platform.Name}}']);
  assert.is.not(none.code, 0, 'no client certificate');
  assert.not.match(none.stdout, /berth/);
  assert.match(none.stderr, /certificate|tls|handshake/i);
  const stranger = docker([...clientTls('stranger'), 'version', '--format', '{{.Server.Platform.Name}}']);
  assert.is.not(stranger.code, 0, 'a certificate another CA signed');
  assert.not.match(stranger.stdout, /berth/);
  const plain = docker(['version', '--format', '{{.Server.Platform.Name}}']);
  assert.is.not(plain.code, 0, 'plain HTTP');
  assert.not.match(plain.stdout, /berth/);
  assert.is(service!.exitCode, null, 'the refused clients did not end the service');
  const still = docker([...clientTls('client'), 'version', '--format', '{{.Server.Platform.Name}}']);
  assert.is(still.stdout.trim(), 'berth', still.stderr);
});

test('a TCP listener off loopback without TLS is refused: one line, nothing listens', async () => {
  const p = await freePort();
  const r = t.berth(['system', 'service', '--host', `tcp://0.0.0.0:${p}`, '--time', '1'], { timeoutMs: 20_000 });
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /refusing to listen on tcp:\/\/0\.0\.0\.0:\d+ without TLS client certificates/);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.not.ok(await listening(p), 'nothing listens on the port');
  // --tlsverify without its files is refused as well
  const half = t.berth(['system', 'service', '--host', `tcp://0.0.0.0:${p}`, '--tlsverify', '--tlscacert', join(pki, 'ca.pem'), '--time', '1'], { timeoutMs: 20_000 });
  assert.is.not(half.code, 0);
  assert.match(half.stderr, /--tlsverify needs --tlscacert, --tlscert and --tlskey/);
});

test.run();
