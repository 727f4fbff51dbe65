// Pure policy and parsing rules of the registry client, no traffic: which
// hosts get plain HTTP, WWW-Authenticate parsing, docker's config.json
// credentials (read docker's, write 0600 keeping other keys), login server
// names, platform selection and the manifest formats accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLoopback, policyFrom, registryBase, schemeFor, urlAllowed } from '../../src/engine/registry/policy.js';
import { parseChallenges } from '../../src/engine/registry/auth.js';
import { findCredentials, removeCredentials, saveCredentials } from '../../src/engine/registry/credentials.js';
import { loginDomain } from '../../src/engine/registry/index.js';
import { layerCompression, parseManifest, parsePlatform, selectPlatform, type ImageIndex } from '../../src/engine/registry/manifest.js';
import { BerthError } from '../../src/engine/errors.js';

const dir = mkdtempSync('/tmp/berth-test-regpolicy-');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const none = policyFrom([], '');

test('plain HTTP only for loopback and listed insecure registries; TLS for everything else', () => {
  for (const d of ['127.0.0.1:5000', '127.1.2.3', 'localhost:5000', 'LOCALHOST', '[::1]:5000']) assert.is(schemeFor(d, none), 'http', d);
  for (const d of ['registry.example.com', 'registry.example.com:5000', '10.0.0.1:5000', '192.168.1.2', 'docker.io', '127.example.com', 'localhost.example.com:80']) {
    assert.is(schemeFor(d, none), 'https', d);
  }
  assert.ok(isLoopback('127.255.0.1'));
  assert.not.ok(isLoopback('128.0.0.1'));
  const flags = policyFrom(['registry.example.com:5000'], 'other.example.com, 10.0.0.1:5000');
  assert.is(schemeFor('registry.example.com:5000', flags), 'http');
  assert.is(schemeFor('registry.example.com:5001', flags), 'https', 'the port is part of the listed name');
  assert.is(schemeFor('other.example.com:443', flags), 'http', 'a host listed without a port covers its ports');
  assert.is(schemeFor('10.0.0.1:5000', flags), 'http');
  assert.is(registryBase('docker.io', none).href, 'https://registry-1.docker.io/');
  assert.is(registryBase('127.0.0.1:5000', none).href, 'http://127.0.0.1:5000/');
  // locations and token realms a registry names follow the same rule
  assert.ok(urlAllowed(new URL('https://auth.example.com/token'), none));
  assert.not.ok(urlAllowed(new URL('http://auth.example.com/token'), none));
  assert.ok(urlAllowed(new URL('http://127.0.0.1:9999/token'), none));
  assert.not.ok(urlAllowed(new URL('file:///etc/passwd'), none));
});

test('WWW-Authenticate: Bearer and Basic challenges, quoted values with commas and escapes', () => {
  assert.equal(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
  ]);
  assert.equal(parseChallenges('Basic realm="berth test"'), [{ scheme: 'basic', params: { realm: 'berth test' } }]);
  const two = parseChallenges('Basic realm="a, b", Bearer realm=http://127.0.0.1:1/t, scope="repository:x:pull,push", error="insufficient_scope"');
  assert.equal(two.map((c) => c.scheme), ['basic', 'bearer']);
  assert.is(two[0].params.realm, 'a, b');
  assert.equal(two[1].params, { realm: 'http://127.0.0.1:1/t', scope: 'repository:x:pull,push', error: 'insufficient_scope' });
  assert.equal(parseChallenges('Bearer realm="q\\"uote"')[0].params.realm, 'q"uote');
  assert.equal(parseChallenges(''), []);
});

test("credentials: docker's config.json is read (auth base64, keys with scheme), written 0600 keeping other keys, removed", () => {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({
    auths: {
      'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hub:pass').toString('base64') },
      'http://127.0.0.1:5000': { auth: Buffer.from('u:p').toString('base64') },
    },
    credsStore: 'desktop',
    proxies: { default: { httpProxy: 'x' } },
  }));
  assert.equal(findCredentials('docker.io', file), { username: 'hubuser', password: 'hub:pass' }, 'only the first ":" splits');
  assert.equal(findCredentials('127.0.0.1:5000', file), { username: 'u', password: 'p' });
  assert.is(findCredentials('127.0.0.1:5001', file), undefined);
  saveCredentials('127.0.0.1:6000', { username: 'a', password: 'b' }, file);
  assert.is(statSync(file).mode & 0o777, 0o600);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  assert.is(doc.credsStore, 'desktop');
  assert.equal(doc.proxies, { default: { httpProxy: 'x' } });
  assert.equal(doc.auths['127.0.0.1:6000'], { auth: Buffer.from('a:b').toString('base64') });
  assert.equal(findCredentials('127.0.0.1:6000', file), { username: 'a', password: 'b' });
  assert.ok(removeCredentials('127.0.0.1:5000', file));
  assert.not.ok(removeCredentials('127.0.0.1:5000', file));
  assert.is(findCredentials('127.0.0.1:5000', file), undefined);
  assert.ok(findCredentials('docker.io', file));
});

test('login server names', () => {
  assert.is(loginDomain(''), 'docker.io');
  assert.is(loginDomain('https://index.docker.io/v1/'), 'docker.io');
  assert.is(loginDomain('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.is(loginDomain('http://Registry.Example.com:5000/v2/'), 'registry.example.com:5000');
  assert.is(loginDomain('myhost'), 'myhost');
  assert.throws(() => loginDomain('bad host!'), /invalid registry server/);
});

test('platform: default linux/<host arch>, --platform parsing, index selection, errors', () => {
  assert.equal(parsePlatform(), { os: 'linux', architecture: process.arch === 'x64' ? 'amd64' : parsePlatform().architecture });
  assert.equal(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.throws(() => parsePlatform('amd64'), /expected os\/arch/);
  const d = (n: string) => `sha256:${n.repeat(64)}`;
  const index: ImageIndex = {
    schemaVersion: 2,
    manifests: [
      { mediaType: 'x', digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      { mediaType: 'x', digest: d('b'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: 'x', digest: d('c'), size: 1, platform: { os: 'windows', architecture: 'amd64' } },
      { mediaType: 'x', digest: d('e'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    ],
  };
  assert.is(selectPlatform(index, parsePlatform('linux/amd64')).digest, d('b'));
  assert.is(selectPlatform(index, parsePlatform('linux/arm/v6')).digest, d('e'));
  assert.is(selectPlatform(index, parsePlatform('windows/amd64')).digest, d('c'));
  const e = (() => { try { selectPlatform(index, parsePlatform('linux/s390x')); } catch (x) { return x as BerthError; } return undefined; })();
  assert.ok(e instanceof BerthError && e.code === 'NOT_FOUND');
  assert.match(e!.message, /no matching manifest for linux\/s390x .*linux\/arm\/v7, linux\/amd64/);
});

test('manifest formats: OCI/Docker manifests and indexes; schema 1 and zstd refused by name', () => {
  const m = { schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:' + '1'.repeat(64), size: 2 }, layers: [] };
  assert.is(parseManifest(Buffer.from(JSON.stringify(m)), 'application/vnd.oci.image.manifest.v1+json').kind, 'manifest');
  const dm = { ...m, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' };
  const p = parseManifest(Buffer.from(JSON.stringify(dm)), undefined);
  assert.is(p.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  const list = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [] };
  assert.is(parseManifest(Buffer.from(JSON.stringify(list)), undefined).kind, 'index');
  assert.is(parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] })), 'application/vnd.oci.image.index.v1+json').kind, 'index');
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 1, fsLayers: [] })), 'application/vnd.docker.distribution.manifest.v1+prettyjws'), /schema 1 is not supported/);
  assert.throws(() => parseManifest(Buffer.from('{'), undefined), /not JSON/);
  assert.is(layerCompression({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: 'sha256:x', size: 1 }), 'gzip');
  assert.is(layerCompression({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha256:x', size: 1 }), 'none');
  assert.throws(() => layerCompression({ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: 'sha256:x', size: 1 }), /zstd-compressed/);
});

test.run();
