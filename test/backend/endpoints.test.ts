// Where endpoints come from, on data (a temp DOCKER_CONFIG, no daemon): docker's order
// of precedence with berth's own engine where docker would fall back to "default", -H
// normalised as docker's, the store's contexts with their TLS files, and the options
// each kind of endpoint gives docker-modem (never the environment's DOCKER_HOST).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContextStore, contextId } from '../../src/backend/contexts-store.js';
import { currentEndpoint, parseDockerHost, resolveEndpoints } from '../../src/backend/endpoints.js';
import { connectOptions } from '../../src/backend/endpoints-connect.js';
import { parseSshUrl, sshArgs } from '../../src/backend/ssh-dial.js';

const dir = mkdtempSync('/tmp/berth-test-endpoints-');
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ DOCKER_CONFIG: dir, ...extra });
const store = new ContextStore(dir);
store.write({ Name: 'remote', Metadata: { Description: 'a box' }, Endpoints: { docker: { Host: 'ssh://me@box:2222', SkipTLSVerify: false } } });
store.write({ Name: 'secure', Metadata: {}, Endpoints: { docker: { Host: 'tcp://127.0.0.1:2376', SkipTLSVerify: false } } },
  { ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') });
store.write({ Name: 'lax', Metadata: {}, Endpoints: { docker: { Host: 'tcp://h:1/base', SkipTLSVerify: true } } });
const names = (e: NodeJS.ProcessEnv, argv = {}) => resolveEndpoints(argv, e).map((x) => `${x.name}${x.current ? '*' : ''}`);

test('the list: berth first, default, then the store by name; berth is current when nothing chooses', () => {
  assert.equal(names(env()), ['berth*', 'default', 'lax', 'remote', 'secure']);
  const list = resolveEndpoints({}, env());
  assert.is(list[0].kind, 'embedded');
  assert.equal([list[1].dockerHost, list[1].description], ['unix:///var/run/docker.sock', 'Current DOCKER_HOST based configuration']);
  const remote = list.find((x) => x.name === 'remote')!;
  assert.equal([remote.dockerHost, remote.description, remote.tls], ['ssh://me@box:2222', 'a box', undefined]);
  const secure = list.find((x) => x.name === 'secure')!;
  assert.equal([secure.tls?.ca?.toString(), secure.tls?.cert?.toString(), secure.tls?.key?.toString(), secure.tls?.verify], ['CA', 'CERT', 'KEY', true]);
  assert.is(list.find((x) => x.name === 'lax')!.tls?.verify, false, 'SkipTLSVerify alone means TLS without verification');
});

test("precedence as docker's: --context, -H, DOCKER_HOST, DOCKER_CONTEXT, currentContext", () => {
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
  try {
    assert.equal(names(env()), ['berth', 'default', 'lax', 'remote*', 'secure']);
    assert.equal(names(env({ DOCKER_CONTEXT: 'secure' })).filter((n) => n.endsWith('*')), ['secure*']);
    assert.equal(names(env({ DOCKER_CONTEXT: 'secure', DOCKER_HOST: 'tcp://h:9' })).filter((n) => n.endsWith('*')), ['default*']);
    assert.is(currentEndpoint(resolveEndpoints({}, env({ DOCKER_HOST: 'tcp://h:9' }))).dockerHost, 'tcp://h:9');
    assert.is(currentEndpoint(resolveEndpoints({ host: ['unix:///x.sock'] }, env({ DOCKER_HOST: 'tcp://h:9' }))).dockerHost, 'unix:///x.sock');
    assert.is(currentEndpoint(resolveEndpoints({ context: 'berth' }, env({ DOCKER_HOST: 'tcp://h:9' }))).kind, 'embedded');
    assert.is(currentEndpoint(resolveEndpoints({ context: 'lax' }, env())).name, 'lax');
  } finally {
    rmSync(join(dir, 'config.json'));
  }
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ currentContext: 'default' }));
  try {
    assert.equal(names(env()).filter((n) => n.endsWith('*')), ['default*'], '"default" written by berth context use default');
  } finally {
    rmSync(join(dir, 'config.json'));
  }
});

test("refused in docker's words: -H with --context, two -H, an unknown --context, a bad -H", () => {
  assert.throws(() => resolveEndpoints({ host: ['tcp://a:1'], context: 'remote' }, env()), /^conflicting options: cannot specify both --host and --context$/);
  assert.throws(() => resolveEndpoints({ host: ['tcp://a:1', 'tcp://b:1'] }, env()), /^Specify only one -H$/);
  assert.throws(() => resolveEndpoints({ context: 'nope' }, env()), new RegExp(`^context "nope": context not found: open ${dir}/contexts/meta/${contextId('nope')}/meta.json: no such file or directory$`));
  assert.throws(() => resolveEndpoints({ host: ['bogus://x'] }, env()), /^invalid bind address format: bogus:\/\/x$/);
});

test('a current context from the environment that is not there: listed with its error, as docker lists it', () => {
  const list = resolveEndpoints({}, env({ DOCKER_CONTEXT: 'gone' }));
  const gone = currentEndpoint(list);
  assert.is(gone.name, 'gone');
  assert.match(gone.error!, /^context "gone": context not found/);
  assert.throws(() => connectOptions(gone), /context "gone": context not found/);
});

test("-H as docker normalises it", () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'unix:///var/run/docker.sock'], ['', 'unix:///var/run/docker.sock'], ['unix://', 'unix:///var/run/docker.sock'],
    ['127.0.0.1:9', 'tcp://127.0.0.1:9'], ['tcp://h', 'tcp://h:2375'], ['tcp://', 'tcp://localhost:2375'], [':7', 'tcp://localhost:7'],
    ['tcp://h:1/path', 'tcp://h:1/path'], [' tcp://h:1 ', 'tcp://h:1'], ['ssh://u@h:22', 'ssh://u@h:22'], ['unix:///x.sock', 'unix:///x.sock'],
  ];
  for (const [h, want] of cases) assert.is(parseDockerHost(h), want, String(h));
  assert.is(parseDockerHost('tcp://h', true), 'tcp://h:2376');
  assert.throws(() => parseDockerHost('tcp://h:x'), /invalid bind address format/);
});

test('DOCKER_TLS_VERIFY / DOCKER_CERT_PATH give the default endpoint its TLS', () => {
  const certs = mkdtempSync('/tmp/berth-test-endpoints-certs-');
  try {
    writeFileSync(join(certs, 'ca.pem'), 'CA');
    const d = resolveEndpoints({}, env({ DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }))[1];
    assert.equal([d.dockerHost, d.tls?.verify, d.tls?.ca?.toString(), d.tls?.cert], ['tcp://h:2376', true, 'CA', undefined]);
  } finally {
    rmSync(certs, { recursive: true });
  }
});

test('connectOptions: each kind of host; DOCKER_HOST in the environment overridden key by key', () => {
  const list = resolveEndpoints({ host: ['unix:///run/x.sock'] }, env());
  const unix = connectOptions(currentEndpoint(list));
  assert.equal([unix.socketPath, 'host' in unix, unix.host], ['/run/x.sock', true, undefined], 'host set, to undefined: docker-modem\'s DOCKER_HOST default is overridden');
  const secure = connectOptions(list.find((e) => e.name === 'secure')!);
  assert.equal([secure.protocol, secure.host, secure.port, secure.ca?.toString()], ['https', '127.0.0.1', '2376', 'CA']);
  assert.is((secure.agent as unknown as { options: { rejectUnauthorized: boolean } }).options.rejectUnauthorized, true);
  const lax = connectOptions(list.find((e) => e.name === 'lax')!);
  assert.equal([lax.protocol, lax.host, lax.port, lax.pathPrefix], ['https', 'h', '1', '/base']);
  assert.is((lax.agent as unknown as { options: { rejectUnauthorized: boolean } }).options.rejectUnauthorized, false);
  const plain = connectOptions({ name: 'p', kind: 'docker', dockerHost: 'tcp://127.0.0.1:2375', description: '', current: false });
  assert.equal([plain.protocol, plain.host, plain.port, plain.socketPath], ['http', '127.0.0.1', '2375', undefined]);
  const ssh = connectOptions(list.find((e) => e.name === 'remote')!);
  assert.equal([ssh.protocol, ssh.host, ssh.socketPath], ['http', 'box', undefined]);
  for (const o of [secure, lax, plain, ssh]) o.agent!.destroy();
  assert.throws(() => connectOptions(list[0]), /embedded engine/);
  assert.throws(() => connectOptions({ name: 'n', kind: 'docker', dockerHost: 'npipe:///x', description: '', current: false }), /unix:\/\/, tcp:\/\/ and ssh:\/\//);
});

test("ssh URLs as docker's connection helper reads them; the host never becomes an ssh option", () => {
  assert.equal(parseSshUrl('ssh://me@box:2222/run/d.sock'), { user: 'me', host: 'box', port: '2222', path: '/run/d.sock' });
  assert.equal(parseSshUrl('ssh://box'), { user: undefined, host: 'box', port: undefined, path: undefined });
  assert.throws(() => parseSshUrl('ssh://me:pw@box'), /^plain-text password is not supported$/);
  assert.throws(() => parseSshUrl('ssh://box?x=1'), /^extra query after the host: "x=1"$/);
  assert.throws(() => parseSshUrl('ssh://'), /no host specified|invalid ssh host/);
  const args = sshArgs(parseSshUrl("ssh://-oProxyCommand=touch@box/p ath';x"));
  const dash = args.indexOf('--');
  assert.is(args[dash + 1], 'box');
  assert.equal(args.slice(0, dash), ['-o', 'ConnectTimeout=30', '-T', '-l', '-oProxyCommand=touch']);
  assert.ok(args[dash + 2].includes(`--host 'unix:///p ath'\\'';x' system dial-stdio`), args[dash + 2]);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
