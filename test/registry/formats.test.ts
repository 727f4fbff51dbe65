// Manifest formats from another implementation: a multi-platform OCI image
// index (skopeo copy --all) — berth takes linux/amd64 by default, another
// platform with --platform, and records the index digest as docker does — and
// Docker schema 2 (skopeo --format v2s2): pulled, then pushed back by berth
// with its Docker media types, so the manifest digest stays the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TestRoot } from '../helpers/root.js';
import { scratch } from '../image/tars.js';
import { multiLayerLayout, multiPlatformLayout } from './layouts.js';

const t = new TestRoot('berth-test-regformats-');
const s = scratch('berth-test-regformats-files-');
let reg: TestRegistry;

const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const rawDigest = (ref: string) => `sha256:${createHash('sha256').update(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`)).digest('hex')}`;
const inspect = (ref: string) => (JSON.parse(t.ok(['image', 'inspect', ref])) as Array<{ Architecture: string; RepoDigests: string[]; Id: string }>)[0];

test.before(async () => {
  reg = await startRegistry();
  const mp = await multiPlatformLayout(join(s.dir, 'mp'));
  skopeo('copy', '-q', '--all', '--dest-tls-verify=false', `oci:${mp.dir}:v1`, `docker://${reg.addr}/mp:v1`);
  const ml = await multiLayerLayout(join(s.dir, 'ml'));
  skopeo('copy', '-q', '--format', 'v2s2', '--dest-tls-verify=false', `oci:${ml.dir}:v1`, `docker://${reg.addr}/d2:v1`);
});
test.after(async () => {
  await reg?.stop();
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('an image index: linux/amd64 by default, the index digest recorded and printed', () => {
  const ref = `${reg.addr}/mp:v1`;
  const indexDigest = rawDigest(ref);
  const out = t.ok(['pull', ref]);
  assert.match(out, new RegExp(`Digest: ${indexDigest}`));
  const i = inspect(ref);
  assert.is(i.Architecture, 'amd64');
  assert.equal(i.RepoDigests, [`${ref.replace(':v1', '')}@${indexDigest}`]);
});

test('--platform linux/arm64 takes the other entry (the tag moves); an absent platform is an error naming what exists', () => {
  const ref = `${reg.addr}/mp:v1`;
  const amd = inspect(ref).Id;
  const out = t.ok(['pull', '--platform', 'linux/arm64', ref]);
  assert.match(out, /Status: Downloaded newer image/);
  const arm = inspect(ref);
  assert.is(arm.Architecture, 'arm64');
  assert.is.not(arm.Id, amd);
  const r = t.berth(['pull', '--platform', 'linux/s390x', ref]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no matching manifest for linux\/s390x in the manifest list entries \(it has: linux\/amd64, linux\/arm64\)/);
  const bad = t.berth(['pull', '--platform', 'amd64', ref]);
  assert.match(bad.stderr, /invalid platform "amd64"/);
});

test('Docker schema 2: pulled and run; pushed back with Docker media types, same manifest digest', () => {
  const ref = `${reg.addr}/d2:v1`;
  const raw = JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`));
  assert.is(raw.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.is(raw.layers[0].mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
  t.ok(['pull', ref]);
  assert.is(t.ok(['run', '--rm', ref, 'cat', '/etc/motd']), 'layer four');
  t.ok(['tag', ref, `${reg.addr}/d2copy:v1`]);
  const out = t.ok(['push', `${reg.addr}/d2copy:v1`]);
  const digest = rawDigest(ref);
  assert.match(out, new RegExp(`v1: digest: ${digest} size:`));
  const back = JSON.parse(skopeo('inspect', '--raw', '--tls-verify=false', `docker://${reg.addr}/d2copy:v1`));
  assert.is(back.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.is(rawDigest(`${reg.addr}/d2copy:v1`), digest);
});

test.run();
