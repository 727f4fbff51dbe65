// `berth load` of hostile archives: documents naming paths outside the archive,
// symlinks leading out of it, blobs that do not match their digests, layers whose
// content differs from the config's diff_ids, and layers with ".." entries. Each
// is refused with status 1 (docker's) and one clear line; nothing is written outside the
// store (the victim directory stays empty, the canary never appears) and the
// store is left exactly as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRoot } from '../helpers/root.js';
import { scratch, tarOf, type Entry } from '../image/tars.js';

const t = new TestRoot('berth-test-archsafe-');
const s = scratch('berth-test-archsafe-files-');
const canary = join('/tmp', `berth-test-archsafe-canary-${process.pid}`);

test.after(() => {
  s.remove();
  rmSync(canary, { force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const ls = (sub: string) => (existsSync(join(t.root, sub)) ? readdirSync(join(t.root, sub)) : []);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** A valid one-layer image: its layer tar, config and hex names. */
async function image(layerEntries: Entry[]) {
  const layer = await tarOf(layerEntries);
  const config = json({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] } });
  return { layer, config, layerHex: sha(layer), configHex: sha(config) };
}

const honestLayer: Entry[] = [{ name: 'hello.txt', content: 'hi\n' }];

function loadRefused(name: string, archive: Buffer, why: RegExp): void {
  const file = join(s.dir, `${name}.tar`);
  writeFileSync(file, archive);
  const r = t.berth(['load', '-i', file]);
  assert.is(r.code, 1, `${name}: exit status (stderr: ${r.stderr})`);
  assert.match(r.stderr, why, `${name}: the message says why`);
  assert.is(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
  const index = join(t.root, 'images', 'images.json');
  const images = existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as { images: unknown[] }).images : [];
  assert.equal(images, [], `${name}: no image recorded`);
  assert.equal(ls('layers'), [], `${name}: no layer`);
  assert.equal(ls('blobs/sha256'), [], `${name}: no blob`);
  assert.equal(ls('tmp'), [], `${name}: no temp file`);
  assert.equal(readdirSync(s.victim), [], `${name}: the victim dir stays empty`);
  assert.not.ok(existsSync(canary), `${name}: nothing written outside the store`);
}

test('docker-archive: manifest.json naming ../../etc/passwd as its config is refused', async () => {
  const img = await image(honestLayer);
  loadRefused('config-escape', await tarOf([
    { name: 'manifest.json', content: json([{ Config: '../../etc/passwd', RepoTags: ['evil:1'], Layers: ['l/layer.tar'] }]) },
    { name: 'l/layer.tar', content: img.layer },
  ]), /manifest\.json entry 1: path "\.\.\/\.\.\/etc\/passwd" leaves the archive/);
});

test('docker-archive: a layer path with ".." or an absolute path is refused', async () => {
  const img = await image(honestLayer);
  for (const bad of ['../layer.tar', 'x/../../layer.tar', `/${s.victim}/layer.tar`]) {
    loadRefused('layer-escape', await tarOf([
      { name: `${img.configHex}.json`, content: img.config },
      { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: null, Layers: [bad] }]) },
    ]), /leaves the archive|absolute path/);
  }
});

test('a symlink member pointing out of the archive is refused', async () => {
  const img = await image(honestLayer);
  loadRefused('symlink-out', await tarOf([
    { name: 'l/layer.tar', type: 'symlink', linkname: '../../../../etc/passwd' },
    { name: `${img.configHex}.json`, content: img.config },
    { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: null, Layers: ['l/layer.tar'] }]) },
  ]), /symlink l\/layer\.tar: path ".*" leaves the archive/);
  loadRefused('symlink-abs', await tarOf([
    { name: 'l/layer.tar', type: 'symlink', linkname: '/etc/passwd' },
  ]), /symlink l\/layer\.tar points outside the archive/);
});

test('a layer with ".." entries (and one writing to the canary) is refused by the safe unpacker', async () => {
  const img = await image([
    { name: 'ok.txt', content: 'fine' },
    { name: `../../../../../../../..${canary}`, content: 'escaped' },
  ]);
  loadRefused('dotdot-layer', await tarOf([
    { name: `${img.configHex}.json`, content: img.config },
    { name: `${img.layerHex}/layer.tar`, content: img.layer },
    { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: ['evil:1'], Layers: [`${img.layerHex}/layer.tar`] }]) },
  ]), /layer: .*: "\.\." component in the name \(it would leave the layer\)/);
});

test('a layer whose content is not the config\'s diff_id is refused', async () => {
  const img = await image(honestLayer);
  const other = await tarOf([{ name: 'other.txt', content: 'not the same' }]);
  loadRefused('diffid-mismatch', await tarOf([
    { name: `${img.configHex}.json`, content: img.config },
    { name: 'l/layer.tar', content: other },
    { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: null, Layers: ['l/layer.tar'] }]) },
  ]), /layer 1 uncompresses to sha256:[0-9a-f]{64}, but the image config says/);
  // a config whose name promises another digest
  loadRefused('config-digest', await tarOf([
    { name: `${'0'.repeat(64)}.json`, content: img.config },
    { name: 'l/layer.tar', content: img.layer },
    { name: 'manifest.json', content: json([{ Config: `${'0'.repeat(64)}.json`, RepoTags: null, Layers: ['l/layer.tar'] }]) },
  ]), /config 0{64}\.json does not match its digest/);
});

test('OCI layout: a blob that does not match its name, or its descriptor size, is refused', async () => {
  const img = await image(honestLayer);
  const manifest = (layerDigest: string, size: number) => json({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${img.configHex}`, size: img.config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size }],
  });
  const layout = (m: Buffer, layerBlob: Buffer) => tarOf([
    { name: 'oci-layout', content: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', content: json({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(m)}`, size: m.length }] }) },
    { name: `blobs/sha256/${sha(m)}`, content: m },
    { name: `blobs/sha256/${img.configHex}`, content: img.config },
    { name: `blobs/sha256/${img.layerHex}`, content: layerBlob },
  ]);
  const tampered = Buffer.from(img.layer);
  tampered[600] ^= 0xff;
  loadRefused('oci-tampered', await layout(manifest(`sha256:${img.layerHex}`, img.layer.length), tampered), /layer blob sha256:[0-9a-f]{64} does not match its digest/);
  loadRefused('oci-size', await layout(manifest(`sha256:${img.layerHex}`, 10), img.layer), /is \d+ bytes, its descriptor says 10/);
  loadRefused('oci-escape', await layout(manifest('sha256:../../../etc/passwd', 10), img.layer), /not a sha256 digest berth can check/);
});

test('not an image archive, or not a tar at all', async () => {
  loadRefused('no-manifest', await tarOf([{ name: 'hello.txt', content: 'hi' }]), /not an image archive/);
  loadRefused('garbage', Buffer.from('this is not a tar archive, not even close'.repeat(30)), /archive: not a valid tar archive|not an image archive/);
});

test('many small members past the memory budget are spilled to temp blobs; the documents after them still load', async () => {
  const img = await image(honestLayer);
  const filler: Entry[] = Array.from({ length: 70 }, (_, i) => ({ name: `filler/${i}`, content: Buffer.alloc(1 << 20, i) }));
  const file = join(s.dir, 'big.tar');
  writeFileSync(file, await tarOf([
    ...filler,
    { name: `${img.configHex}.json`, content: img.config },
    { name: `${img.layerHex}/layer.tar`, content: img.layer },
    { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: ['spilled:1'], Layers: [`${img.layerHex}/layer.tar`] }]) },
  ]));
  assert.is(t.ok(['load', '-i', file]), 'Loaded image: spilled:1');
  assert.is(t.ok(['image', 'inspect', '--format', '{{.Id}}', 'spilled:1']), `sha256:${img.configHex}`);
  assert.equal(ls('tmp'), [], 'the spilled members are deleted');
  t.ok(['rmi', 'spilled:1']);
});

test('device nodes in a loaded layer are skipped with one warning; the image loads', async () => {
  const img = await image([{ name: 'dev/', type: 'directory' }, { name: 'dev/full', type: 'character-device', devmajor: 1, devminor: 7 }, ...honestLayer]);
  const file = join(s.dir, 'devices.tar');
  writeFileSync(file, await tarOf([
    { name: `${img.configHex}.json`, content: img.config },
    { name: `${img.layerHex}/layer.tar`, content: img.layer },
    { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: ['devices:1'], Layers: [`${img.layerHex}/layer.tar`] }]) },
  ]));
  const r = t.berth(['load', '-i', file]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'Loaded image: devices:1\n');
  assert.is(r.stderr, `WARNING: layer ${img.layerHex.slice(0, 12)}: skipped 1 device node (dev/full): a container's /dev is berth's own\n`);
  assert.equal(readdirSync(join(t.root, 'layers', ls('layers')[0], 'diff', 'dev')), []);
  t.ok(['rmi', 'devices:1']);
  assert.equal(ls('tmp'), []);
});

test('after all that, an honest archive built the same way loads', async () => {
  const img = await image(honestLayer);
  const file = join(s.dir, 'honest.tar');
  writeFileSync(file, await tarOf([
    { name: `${img.configHex}.json`, content: img.config },
    { name: `${img.layerHex}/layer.tar`, content: img.layer },
    { name: 'manifest.json', content: json([{ Config: `${img.configHex}.json`, RepoTags: ['honest:1'], Layers: [`${img.layerHex}/layer.tar`] }]) },
  ]));
  assert.is(t.ok(['load', '-i', file]), 'Loaded image: honest:1');
  assert.is(t.ok(['image', 'inspect', '--format', '{{.Id}}', 'honest:1']), `sha256:${img.configHex}`);
  assert.equal(ls('tmp'), []);
  // without RepoTags the image loads untagged and is named by its ID
  const untagged = await image([{ name: 'other.txt', content: 'other' }]);
  writeFileSync(file, await tarOf([
    { name: `${untagged.configHex}.json`, content: untagged.config },
    { name: 'l.tar', content: untagged.layer },
    { name: 'manifest.json', content: json([{ Config: `${untagged.configHex}.json`, RepoTags: null, Layers: ['l.tar'] }]) },
  ]));
  assert.is(t.ok(['load', '-i', file]), `Loaded image ID: sha256:${untagged.configHex}`);
  assert.match(t.ok(['images']), new RegExp(`<none> +<none> +${untagged.configHex.slice(0, 12)}`));
});

test.run();
