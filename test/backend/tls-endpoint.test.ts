// tcp+TLS and unix endpoints from docker's context store, driven with dockerode over
// connectOptions against berth's own service (`system service --tlsverify`: client
// certificates required): the context's CA and client certificate get through; a
// wrong CA is refused unless the context says SkipTLSVerify; no client certificate
// is refused by the service. A unix:// context reaches the service's socket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ContextStore } from '../../src/backend/contexts-store.js';
import { currentEndpoint, resolveEndpoints } from '../../src/backend/endpoints.js';
import { connectOptions } from '../../src/backend/endpoints-connect.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-tls-endpoint-');
const certs = mkdtempSync('/tmp/berth-test-tls-certs-');
const cfg = join(certs, 'docker');
const sock = join(t.root, 'api.sock');
const pem = (n: string) => join(certs, n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let port = 0;
const services: ChildProcess[] = [];
let id = '';

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: certs });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, both signed by it; and a second, unrelated CA. */
function makeCerts(): void {
  for (const ca of ['ca', 'other-ca']) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}-key.pem`, '-out', `${ca}.pem`, '-days', '1', '-subj', `/CN=${ca}`]);
  }
  writeFileSync(pem('san.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(pem('client.cnf'), 'extendedKeyUsage=clientAuth\n');
  for (const [who, ext] of [['server', 'san.cnf'], ['client', 'client.cnf']]) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}-key.pem`, '-out', `${who}.csr`, '-subj', `/CN=${who}`]);
    openssl(['x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${who}.pem`, '-days', '1', '-extfile', ext]);
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

function serve(args: string[]): ChildProcess {
  const c = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'system', 'service', '--time', '0', ...args], { stdio: 'ignore' });
  services.push(c);
  return c;
}

test.before(async () => {
  makeCerts();
  t.ok(['import', busyboxTar(), 'bb']);
  id = t.ok(['create', '--name', 'over-tls', 'bb', 'true']);
  t.seen.push(id);
  port = await freePort();
  serve(['--host', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', pem('ca.pem'), '--tlscert', pem('server.pem'), '--tlskey', pem('server-key.pem')]);
  serve(['--host', `unix://${sock}`]);
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((r) => { const c = connect(port, '127.0.0.1'); c.once('connect', () => { c.destroy(); r(true); }); c.once('error', () => r(false)); });
    if (up && existsSync(sock)) break;
    await sleep(50);
  }
  const store = new ContextStore(cfg);
  const host = `tcp://127.0.0.1:${port}`;
  const client = { cert: readFileSync(pem('client.pem')), key: readFileSync(pem('client-key.pem')) };
  store.write({ Name: 'tls', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }, { ca: readFileSync(pem('ca.pem')), ...client });
  store.write({ Name: 'wrong-ca', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }, { ca: readFileSync(pem('other-ca.pem')), ...client });
  store.write({ Name: 'wrong-ca-skip', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: true } } }, { ca: readFileSync(pem('other-ca.pem')), ...client });
  store.write({ Name: 'no-client-cert', Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }, { ca: readFileSync(pem('ca.pem')) });
  store.write({ Name: 'sock', Metadata: {}, Endpoints: { docker: { Host: `unix://${sock}`, SkipTLSVerify: false } } });
});

test.after(async () => {
  for (const s of services) {
    if (s.exitCode === null) s.kill('SIGTERM');
    await new Promise((r) => (s.exitCode === null ? s.once('exit', r) : r(null)));
  }
  rmSync(certs, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** dockerode for a context of the store, as the workstation will make it. */
async function withContext<T>(name: string, fn: (d: Docker) => Promise<T>): Promise<T> {
  // DOCKER_HOST in the environment must not matter: the endpoint alone decides
  const opts = connectOptions(currentEndpoint(resolveEndpoints({ context: name }, { DOCKER_CONFIG: cfg, DOCKER_HOST: 'tcp://127.0.0.1:9' })));
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = 'tcp://127.0.0.1:9'; // docker-modem reads it itself
  try {
    return await fn(new Docker(opts as Docker.DockerOptions));
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = saved;
    opts.agent?.destroy();
  }
}

const listed = async (d: Docker) => (await d.listContainers({ all: true })).map((c) => [c.Names[0], c.Id]);

test('tcp+TLS with the context\'s CA and client certificate: ping and the container list', async () => {
  await withContext('tls', async (d) => {
    assert.is(String(await d.ping()), 'OK');
    assert.equal(await listed(d), [['/over-tls', id]]);
  });
});

test('a CA that did not sign the server: refused; the same with SkipTLSVerify: through', async () => {
  await withContext('wrong-ca', async (d) => {
    await d.ping().then(() => assert.unreachable('trusted a server its CA did not sign'), (e: Error) => assert.match(e.message, /self[- ]signed|unable to verify|certificate/i));
  });
  await withContext('wrong-ca-skip', async (d) => assert.is(String(await d.ping()), 'OK'));
});

test('no client certificate: the service refuses the connection', async () => {
  await withContext('no-client-cert', async (d) => {
    await d.ping().then(() => assert.unreachable('served a client without a certificate'), (e: Error) => assert.ok(e instanceof Error));
  });
});

test('a unix:// context reaches the socket', async () => {
  await withContext('sock', async (d) => assert.equal(await listed(d), [['/over-tls', id]]));
});

test.run();
