// Authentication against real peers: a docker-registry with htpasswd (Basic)
// auth, and a Bearer token service in front of one (token-proxy.ts). login
// checks the credentials before storing them in a docker config.json
// ($DOCKER_CONFIG) that skopeo reads too; push/pull use them; logout removes
// them; anonymous Bearer tokens allow pull but not push.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TestRoot } from '../helpers/root.js';
import { scratch } from '../image/tars.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { startTokenProxy, type TokenProxy } from './token-proxy.js';

const t = new TestRoot('berth-test-regauth-');
const s = scratch('berth-test-regauth-files-');
const user = { username: 'alice', password: 'pa:ss w0rd' };
const dockerConfig = join(s.dir, 'docker');
const env = { DOCKER_CONFIG: dockerConfig };
let basic: TestRegistry;
let open: TestRegistry;
let proxy: TokenProxy;

test.before(async () => {
  mkdirSync(dockerConfig);
  basic = await startRegistry({ auth: user });
  open = await startRegistry();
  proxy = await startTokenProxy(open.addr, user, join(s.dir, 'tokens.jsonl'));
  t.ok(['import', busyboxTar(), 'small', '-c', 'CMD ["echo", "private"]']);
});
test.after(async () => {
  await proxy?.close();
  await basic?.stop();
  await open?.stop();
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const berth = (args: string[], input?: string) => t.berth(args, { env, input });
const configFile = () => JSON.parse(readFileSync(join(dockerConfig, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };

test('Basic (htpasswd): anonymous push is refused; a wrong password is not stored', () => {
  t.ok(['tag', 'small', `${basic.addr}/priv:v1`]);
  const r = berth(['push', `${basic.addr}/priv:v1`]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /unauthorized: authentication required \(use berth login\)/);
  const bad = berth(['login', '-u', user.username, '--password-stdin', basic.addr], 'wrong\n');
  assert.is(bad.code, 1, bad.stdout);
  assert.not.ok(existsSync(join(dockerConfig, 'config.json')), 'nothing stored for failed credentials');
});

test('Basic: login stores docker-format credentials (0600); push and pull use them; skopeo reads the same file', () => {
  const r = berth(['login', '-u', user.username, '--password-stdin', basic.addr], `${user.password}\n`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /Login Succeeded/);
  assert.is(statSync(join(dockerConfig, 'config.json')).mode & 0o777, 0o600);
  assert.is(Buffer.from(configFile().auths[basic.addr].auth, 'base64').toString(), `${user.username}:${user.password}`);
  const push = berth(['push', `${basic.addr}/priv:v1`]);
  assert.is(push.code, 0, push.stderr);
  const seen = JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', '--authfile', join(dockerConfig, 'config.json'), `docker://${basic.addr}/priv:v1`], { encoding: 'utf8' }));
  assert.match(push.stdout, new RegExp(`v1: digest: ${seen.Digest} size`));
  t.ok(['rmi', `${basic.addr}/priv:v1`]);
  const pull = berth(['pull', `${basic.addr}/priv:v1`]);
  assert.is(pull.code, 0, pull.stderr);
  assert.is(t.ok(['run', '--rm', `${basic.addr}/priv:v1`]), 'private');
});

test('Basic: logout removes the credentials; pulls are refused again', () => {
  const r = berth(['logout', basic.addr]);
  assert.match(r.stdout, new RegExp(`Removing login credentials for ${basic.addr.replace(/\./g, '\\.')}`));
  assert.is(configFile().auths[basic.addr], undefined);
  assert.match(berth(['logout', basic.addr]).stdout, /Not logged in/);
  const pull = berth(['pull', `${basic.addr}/priv:v1`]);
  assert.is(pull.code, 1);
  assert.match(pull.stderr, /unauthorized/);
});

test('Bearer: login gets a token with Basic credentials; push asks for pull,push on the repository', () => {
  const r = berth(['login', '-u', user.username, '-p', user.password, proxy.addr]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /--password via the CLI is insecure/);
  assert.ok(proxy.tokenRequests().some((q) => q.user === user.username), 'the token was asked for with the credentials');
  t.ok(['tag', 'small', `${proxy.addr}/team/app:v1`]);
  const push = berth(['push', `${proxy.addr}/team/app:v1`]);
  assert.is(push.code, 0, push.stderr);
  assert.ok(proxy.tokenRequests().some((q) => q.user === user.username && q.scopes.includes('repository:team/app:pull,push')),
    JSON.stringify(proxy.tokenRequests()));
});

test('Bearer: after logout, anonymous tokens pull but cannot push', () => {
  berth(['logout', proxy.addr]);
  t.ok(['rmi', `${proxy.addr}/team/app:v1`]);
  const before = proxy.tokenRequests().length;
  const pull = berth(['pull', `${proxy.addr}/team/app:v1`]);
  assert.is(pull.code, 0, pull.stderr);
  const anon = proxy.tokenRequests().slice(before);
  assert.ok(anon.length > 0 && anon.every((q) => q.user === undefined), JSON.stringify(anon));
  assert.ok(anon.some((q) => q.scopes.includes('repository:team/app:pull')));
  t.ok(['tag', `${proxy.addr}/team/app:v1`, `${proxy.addr}/team/other:v1`]);
  const push = berth(['push', `${proxy.addr}/team/other:v1`]);
  assert.is(push.code, 1);
  assert.match(push.stderr, /UNAUTHORIZED|unauthorized/);
});

test.run();
