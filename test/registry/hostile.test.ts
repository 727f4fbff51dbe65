// A registry that lies, in process (node:http on 127.0.0.1): malformed digests
// in the manifest, a blob longer than its descriptor, a Docker-Content-Digest
// that does not match the manifest bytes, a config whose diffIDs do not match
// the layers, a corrupted gzip blob, a layer that is not a tar, a connection
// dropped mid-blob (retried). Every pull fails with a clear error and the store
// stays empty — or, for the dropped connection, succeeds with nothing left over.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Layout } from '../../src/engine/store/layout.js';
import { ImageStore } from '../../src/engine/image/index.js';
import { RegistryService, createProgress, policyFrom } from '../../src/engine/registry/index.js';
import { BerthError } from '../../src/engine/errors.js';
import { tarOf } from '../image/tars.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const root = mkdtempSync('/tmp/berth-test-reghostile-');
const layout = new Layout(root);
layout.ensure();
const warnings: string[] = [];
const service = new RegistryService(layout, new ImageStore(layout, (m) => warnings.push(m)));

/** repo → { manifest bytes, extra headers }, digest → blob bytes */
const manifests = new Map<string, { body: Buffer; headers?: Record<string, string> }>();
const blobs = new Map<string, Buffer>();
/** digests whose next GET is cut off after the first 64 KiB */
const dropOnce = new Set<string>();
const server = http.createServer((req, res) => {
  const digest = /\/blobs\/(.+)$/.exec(req.url ?? '')?.[1];
  if (digest !== undefined && dropOnce.delete(digest)) {
    const b = blobs.get(digest)!;
    res.writeHead(200, { 'Content-Length': String(b.length) });
    res.write(b.subarray(0, 64 * 1024), () => res.socket?.destroy());
    return;
  }
  const m = /^\/v2\/([^/]+)\/(manifests|blobs)\/(.+)$/.exec(req.url ?? '');
  if (m?.[2] === 'manifests' && manifests.has(m[1])) {
    const e = manifests.get(m[1])!;
    res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', ...e.headers }).end(e.body);
  } else if (m?.[2] === 'blobs' && blobs.has(m[3])) {
    res.writeHead(200).end(blobs.get(m[3]));
  } else res.writeHead(404).end();
});
let addr = '';

test.before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  addr = `127.0.0.1:${(server.address() as { port: number }).port}`;
  const layer = await tarOf([{ name: 'f', content: 'x' }]);
  const gz = gzipSync(layer);
  const good = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(gz), size: gz.length };
  const config = (diffIds: string[]) => Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const add = (repo: string, layers: object[], cfg: Buffer, headers?: Record<string, string>) => {
    blobs.set(sha(cfg), cfg);
    manifests.set(repo, { headers, body: Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(cfg), size: cfg.length }, layers,
    })) });
  };
  blobs.set(good.digest, gz);
  add('baddigest', [{ ...good, digest: 'sha256:../../../../etc/passwd' }], config([sha(layer)]));
  add('sha512', [{ ...good, digest: `sha512:${'a'.repeat(128)}` }], config([sha(layer)]));
  add('short', [{ ...good, size: good.size - 5 }], config([sha(layer)]));
  add('wrongdiff', [good], config([sha('not the layer')]));
  add('header', [good], config([sha(layer)]), { 'Docker-Content-Digest': sha('something else') });
  add('ok', [good], config([sha(layer)]));

  // a layer of a few MB, gzipped; the pulls below damage or drop it
  const bigLayer = await tarOf([{ name: 'big.bin', content: randomBytes(3 * 1024 * 1024) }]);
  const bigGz = gzipSync(bigLayer, { level: 1 });
  const flipped = Buffer.from(bigGz);
  flipped[11] ^= 0x20; // the first stored block's length: the gunzip fails at once, while the download still runs
  const bigDesc = { mediaType: good.mediaType, digest: sha(bigGz), size: bigGz.length };
  blobs.set(bigDesc.digest, bigGz);
  add('dropped', [bigDesc], config([sha(bigLayer)]));
  corrupted = { desc: bigDesc, flipped, good: bigGz };
  add('corrupted', [bigDesc], config([sha(bigLayer)]));
  // the right digest, but not a tar: the unpacker gives up at once, the download goes on to its end
  const junk = randomBytes(4 * 1024 * 1024);
  const junkDesc = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(junk), size: junk.length };
  blobs.set(junkDesc.digest, junk);
  add('junk', [junkDesc], config([sha(junk)]));
  // a base layer with device nodes (skipped, with a warning) and a 0:0 whiteout (kept)
  const devLayer = await tarOf([
    { name: 'dev/', type: 'directory' }, { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 },
    { name: 'gone', type: 'character-device', devmajor: 0, devminor: 0 }, { name: 'kept', content: 'k' },
  ]);
  const devGz = gzipSync(devLayer);
  const devDesc = { mediaType: good.mediaType, digest: sha(devGz), size: devGz.length };
  blobs.set(devDesc.digest, devGz);
  add('devices', [devDesc], config([sha(devLayer)]));
  devicesDiffId = sha(devLayer);
  // 8 MiB of zeros in a few kB of gzip
  const bombLayer = await tarOf([{ name: 'zeros', content: Buffer.alloc(8 * 1024 * 1024) }]);
  const bombGz = gzipSync(bombLayer);
  const bombDesc = { mediaType: good.mediaType, digest: sha(bombGz), size: bombGz.length };
  blobs.set(bombDesc.digest, bombGz);
  add('bomb', [bombDesc], config([sha(bombLayer)]));
});
let devicesDiffId = '';
let corrupted: { desc: { digest: string }; flipped: Buffer; good: Buffer };
test.after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

async function pullError(repo: string): Promise<BerthError> {
  try {
    await service.pull(`${addr}/${repo}:v1`, { policy: policyFrom([], ''), progress: createProgress('quiet') });
  } catch (e) {
    assert.ok(e instanceof BerthError, String(e));
    return e as BerthError;
  }
  throw new Error(`pull of ${repo} succeeded`);
}

const empty = () => {
  for (const d of ['blobs/sha256', 'layers', 'tmp']) assert.equal(readdirSync(join(root, d)), [], `${d} is empty`);
  assert.equal(readdirSync(join(root, 'images')).filter((n) => n === 'images.json'), []);
};

test('malformed or non-sha256 digests in a manifest are refused before anything is fetched', async () => {
  assert.match((await pullError('baddigest')).message, /names a blob as "sha256:\.\.\/\.\.\/.*only sha256 digests/);
  assert.match((await pullError('sha512')).message, /names a blob as "sha512:a+".*only sha256 digests/);
  empty();
});

test('a blob longer than its descriptor says: CORRUPT, nothing kept', async () => {
  const e = await pullError('short');
  assert.is(e.code, 'CORRUPT');
  assert.match(e.message, /the registry sent more than its \d+ bytes/);
  empty();
});

test("a layer whose content is not the config's diffID: CORRUPT, nothing kept", async () => {
  const e = await pullError('wrongdiff');
  assert.is(e.code, 'CORRUPT');
  assert.match(e.message, /hashes to sha256:[a-f0-9]{64}, expected sha256:[a-f0-9]{64}/);
  empty();
});

test('a Docker-Content-Digest that is not the manifest bytes: digest mismatch', async () => {
  const e = await pullError('header');
  assert.match(e.message, /digest mismatch for manifest sha256:[a-f0-9]{64}: registry sent sha256:[a-f0-9]{64}/);
  empty();
});

test('a gzipped blob with a flipped byte: a digest mismatch (not the gzip error it causes), nothing kept', async () => {
  blobs.set(corrupted.desc.digest, corrupted.flipped);
  try {
    const e = await pullError('corrupted');
    assert.is(e.code, 'CORRUPT');
    assert.match(e.message, new RegExp(`digest mismatch for blob ${corrupted.desc.digest}: registry sent sha256:[a-f0-9]{64}`));
  } finally {
    blobs.set(corrupted.desc.digest, corrupted.good);
  }
  empty();
});

test('a layer that is not a tar: the tar error, after the whole blob was read and verified; nothing kept', async () => {
  const e = await pullError('junk');
  assert.match(e.message, /^layer: /);
  empty();
});

test('a connection dropped in the middle of a layer: the download and the unpack start over, the pull succeeds', async () => {
  dropOnce.add(corrupted.desc.digest);
  const r = await service.pull(`${addr}/dropped:v1`, { policy: policyFrom([], ''), progress: createProgress('quiet') });
  assert.equal(r.record.repoTags, [`${addr}/dropped:v1`]);
  assert.not.ok(dropOnce.has(corrupted.desc.digest), 'the first GET was cut off');
  assert.equal(readdirSync(join(root, 'tmp')), []);
});

test('the same server honestly: the pull succeeds (the failures above were the lies)', async () => {
  const r = await service.pull(`${addr}/ok:v1`, { policy: policyFrom([], ''), progress: createProgress('quiet') });
  assert.equal(r.record.repoTags, [`${addr}/ok:v1`]);
  assert.equal(readdirSync(join(root, 'tmp')), []);
});

test('a layer that expands past BERTH_MAX_LAYER_SIZE, or a blob the free space cannot hold: refused, nothing kept', async () => {
  const limits = (env: Record<string, string>) => Object.assign(process.env, env);
  const store = () => ['blobs/sha256', 'layers', 'tmp', 'images'].map((d) => readdirSync(join(root, d)).sort());
  const before = store();
  try {
    limits({ BERTH_MAX_LAYER_SIZE: '1m' });
    assert.is((await pullError('bomb')).message, 'layer: it expands to more than 1m uncompressed (BERTH_MAX_LAYER_SIZE): refused');
    assert.equal(store(), before);
    limits({ BERTH_MAX_LAYER_SIZE: '', BERTH_MIN_FREE_SPACE: '100t' });
    const msg = (await pullError('bomb')).message;
    assert.match(msg, /^blob: not enough disk space: .* free, .* needed, and berth keeps 110TB free \(BERTH_MIN_FREE_SPACE\)$/, msg);
    assert.equal(store(), before);
  } finally {
    delete process.env.BERTH_MAX_LAYER_SIZE;
    delete process.env.BERTH_MIN_FREE_SPACE;
  }
});

test('device nodes in a pulled layer are skipped with one warning; the pull succeeds', async () => {
  warnings.length = 0;
  const r = await service.pull(`${addr}/devices:v1`, { policy: policyFrom([], ''), progress: createProgress('quiet') });
  assert.equal(warnings, [`layer ${devicesDiffId.slice(7, 19)}: skipped 1 device node (dev/null): a container's /dev is berth's own`]);
  const diff = join(root, 'layers', r.record.layers[0].slice(7), 'diff');
  assert.equal(readdirSync(join(diff, 'dev')), []);
  assert.ok(lstatSync(join(diff, 'gone')).isCharacterDevice(), 'the 0:0 whiteout is kept');
  assert.equal(readdirSync(join(root, 'tmp')), []);
});

test.run();
