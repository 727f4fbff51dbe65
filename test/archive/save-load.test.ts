// save / load against the independent tools: berth's docker-archive and OCI
// layout tars are read by skopeo and umoci; archives skopeo writes (docker-archive,
// OCI layout with gzipped layers) are loaded by berth and run; a save → rmi →
// load round trip keeps the image ID; gzipped archives and stdin work.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { scratch } from '../image/tars.js';

const t = new TestRoot('berth-test-archive-');
const s = scratch('berth-test-archive-files-');
const tar = busyboxTar();
const diffId = `sha256:${createHash('sha256').update(readFileSync(tar)).digest('hex')}`;

test.after(() => {
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const inspectId = (ref: string) => t.ok(['image', 'inspect', '--format', '{{.Id}}', ref]);
const f = (name: string) => join(s.dir, name);
const tarList = (file: string) => execFileSync('tar', ['tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();

let bbId = '';

test('save (default): a docker-archive that skopeo reads, with the layer and tag', () => {
  bbId = t.ok(['import', '-c', 'CMD ["/bin/sh"]', '-c', 'ENV A=1', tar, 'bb']);
  t.ok(['save', '-o', f('bb-docker.tar'), 'bb']);
  const hex = diffId.slice(7);
  assert.equal(tarList(f('bb-docker.tar')), [`${bbId.slice(7)}.json`, `${hex}/`, `${hex}/layer.tar`, 'manifest.json', 'repositories'].sort());
  const manifest = JSON.parse(execFileSync('tar', ['xOf', f('bb-docker.tar'), 'manifest.json'], { encoding: 'utf8' }));
  assert.equal(manifest, [{ Config: `${bbId.slice(7)}.json`, RepoTags: ['bb:latest'], Layers: [`${hex}/layer.tar`] }]);
  const info = JSON.parse(skopeo('inspect', `docker-archive:${f('bb-docker.tar')}`));
  assert.equal(info.Layers, [diffId]);
  assert.equal(info.Env, ['A=1']);
  assert.is(info.Architecture, 'amd64');
  const config = JSON.parse(skopeo('inspect', '--config', `docker-archive:${f('bb-docker.tar')}`));
  assert.equal(config.config.Cmd, ['/bin/sh']);
  assert.equal(config.rootfs.diff_ids, [diffId]);
  assert.equal(readdirSync(s.dir).filter((n) => n.includes('.tmp-')), [], 'no temp file next to the output');
});

test('save --format oci: an OCI layout that skopeo (oci-archive: and oci:dir) and umoci read', () => {
  t.ok(['save', '--format', 'oci', '-o', f('bb-oci.tar'), 'bb']);
  const names = tarList(f('bb-oci.tar'));
  assert.ok(names.includes('oci-layout') && names.includes('index.json'));
  assert.ok(names.includes(`blobs/sha256/${bbId.slice(7)}`) && names.includes(`blobs/sha256/${diffId.slice(7)}`));
  const info = JSON.parse(skopeo('inspect', `oci-archive:${f('bb-oci.tar')}`));
  assert.equal(info.Layers, [diffId]);
  const index = JSON.parse(execFileSync('tar', ['xOf', f('bb-oci.tar'), 'index.json'], { encoding: 'utf8' }));
  assert.is(index.manifests.length, 1);
  assert.equal(index.manifests[0].annotations, { 'io.containerd.image.name': 'docker.io/library/bb:latest', 'org.opencontainers.image.ref.name': 'latest' });
  // the same layout unpacked as a directory: skopeo by ref name, umoci lists it
  execFileSync('mkdir', ['-p', f('oci-dir')]);
  execFileSync('tar', ['xf', f('bb-oci.tar'), '-C', f('oci-dir')]);
  assert.equal(JSON.parse(skopeo('inspect', `oci:${f('oci-dir')}:latest`)).Layers, [diffId]);
  assert.equal(execFileSync('umoci', ['ls', '--layout', f('oci-dir')], { encoding: 'utf8' }).trim(), 'latest');
  // skopeo's own verification: copying it re-reads every blob against its digest
  skopeo('copy', `oci-archive:${f('bb-oci.tar')}`, `oci:${f('oci-copy')}:x`);
});

test('save → rmi → load (docker-archive, then OCI from stdin) keeps the image ID and the tag; the image runs', () => {
  t.ok(['rmi', 'bb']);
  assert.is(t.ok(['images', '-q']), '');
  assert.is(t.ok(['load', '-i', f('bb-docker.tar')]), 'Loaded image: bb:latest');
  assert.is(inspectId('bb'), bbId);
  t.ok(['rmi', 'bb']);
  assert.equal(readdirSync(join(t.root, 'layers')), [], 'rmi removed the loaded layer');
  assert.is(loadStdin(readFileSync(f('bb-oci.tar'))), 'Loaded image: bb:latest');
  assert.is(inspectId('bb'), bbId);
  assert.is(t.ok(['run', '--rm', 'bb', 'sh', '-c', 'echo $A; ls /bin/busybox']), '1\n/bin/busybox');
  assert.equal(readdirSync(join(t.root, 'tmp')), [], 'no temp blob or layer left');
});

test('a gzipped archive loads; loading what is already there adds nothing', () => {
  writeFileSync(f('bb-docker.tar.gz'), gzipSync(readFileSync(f('bb-docker.tar'))));
  const layersBefore = readdirSync(join(t.root, 'layers')).sort();
  const blobsBefore = readdirSync(join(t.root, 'blobs/sha256')).sort();
  assert.is(t.ok(['load', '-i', f('bb-docker.tar.gz')]), 'Loaded image: bb:latest');
  assert.equal(readdirSync(join(t.root, 'layers')).sort(), layersBefore);
  assert.equal(readdirSync(join(t.root, 'blobs/sha256')).sort(), blobsBefore);
  assert.is(t.ok(['images', '-q']), bbId.slice(7, 19));
});

test('skopeo-written archives load and run: docker-archive, and an OCI layout with gzipped layers', () => {
  skopeo('copy', `oci-archive:${f('bb-oci.tar')}`, `docker-archive:${f('sk-docker.tar')}:sk/docker:t1`);
  assert.is(t.ok(['load', '-i', f('sk-docker.tar')]), 'Loaded image: sk/docker:t1');
  skopeo('copy', '--dest-compress', `oci-archive:${f('bb-oci.tar')}`, `oci:${f('sk-oci')}:sk/oci:t2`);
  const gz = readdirSync(join(f('sk-oci'), 'blobs/sha256')).map((n) => readFileSync(join(f('sk-oci'), 'blobs/sha256', n)))
    .filter((b) => b[0] === 0x1f && b[1] === 0x8b);
  assert.is(gz.length, 1, 'skopeo wrote the layer gzipped');
  execFileSync('tar', ['-C', f('sk-oci'), '-cf', f('sk-oci.tar'), '.']);
  assert.is(t.ok(['load', '-i', f('sk-oci.tar')]), 'Loaded image: sk/oci:t2');
  for (const ref of ['sk/docker:t1', 'sk/oci:t2']) {
    // skopeo rewrites the config (it is the same image content, not the same bytes)
    assert.equal(JSON.parse(t.ok(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref])), [diffId]);
    assert.is(t.ok(['run', '--rm', ref, 'sh', '-c', 'echo ok-$A']), 'ok-1');
  }
});

test('save of several images writes shared layers once; RepoTags per name, none when saved by ID', () => {
  t.ok(['tag', 'bb', 'other:v2']);
  t.ok(['save', '-o', f('multi.tar'), 'bb', 'other:v2', bbId.slice(7, 19)]);
  assert.is(tarList(f('multi.tar')).filter((n) => n.endsWith('layer.tar')).length, 1);
  const manifest = JSON.parse(execFileSync('tar', ['xOf', f('multi.tar'), 'manifest.json'], { encoding: 'utf8' }));
  assert.equal(manifest.map((m: { RepoTags: string[] }) => m.RepoTags), [['bb:latest', 'other:v2']]);
  t.ok(['save', '-o', f('byid.tar'), bbId.slice(7, 19)]);
  assert.is(JSON.parse(execFileSync('tar', ['xOf', f('byid.tar'), 'manifest.json'], { encoding: 'utf8' }))[0].RepoTags, null);
});

test('save errors leave no file; stdout gets the same bytes as -o', () => {
  const r = t.berth(['save', '-o', f('none.tar'), 'nosuch']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /^Error: No such image: nosuch/);
  assert.not.ok(existsSync(f('none.tar')));
  const r2 = t.berth(['save', '--format', 'zip', '-o', f('none.tar'), 'bb']);
  assert.is(r2.code, 1);
  assert.match(r2.stderr, /unknown format "zip"/);
  const out = execFileSync(process.execPath, ['--', berthBin, '--root', t.root, 'save', 'bb'], { maxBuffer: 64 << 20 });
  assert.ok(out.equals(readFileSync(f('bb-docker.tar'))), 'stdout gets the same bytes as -o (saves are reproducible)');
});

test('two images sharing a layer in one archive: the layer is written once and both load', () => {
  const zId = t.ok(['import', '-c', 'ENV Z=9', tar, 'z']);
  t.ok(['save', '-o', f('two.tar'), 'bb', 'z']);
  assert.is(tarList(f('two.tar')).filter((n) => n.endsWith('layer.tar')).length, 1);
  t.ok(['rmi', 'bb', 'other:v2', 'z', 'sk/docker:t1', 'sk/oci:t2']);
  assert.equal(readdirSync(join(t.root, 'layers')), []);
  assert.is(t.ok(['load', '-i', f('two.tar')]), 'Loaded image: bb:latest\nLoaded image: z:latest');
  assert.is(inspectId('z'), zId);
  assert.is(inspectId('bb'), bbId);
  assert.equal(readdirSync(join(t.root, 'layers')), [diffId.slice(7)]);
  assert.is(t.ok(['run', '--rm', 'z', 'sh', '-c', 'echo $Z']), '9');
});

function loadStdin(data: Buffer): string {
  return execFileSync(process.execPath, ['--', berthBin, '--root', t.root, 'load'], { input: data, encoding: 'utf8' }).trim();
}

test.run();
