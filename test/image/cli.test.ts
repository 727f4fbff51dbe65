// The image verbs through the CLI, on the busybox fixture: import (file, gzip,
// stdin, --change, -m), images (columns, filters, -q, --no-trunc, --digests,
// --format json), tag (moving tags, dangling images), image inspect, rmi (by
// name, by ID prefix, forced, in use), layer sharing, and a clean store at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Engine } from '../../src/engine/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { scratch } from './tars.js';

const t = new TestRoot('berth-test-image-');
const s = scratch('berth-test-image-files-');
const tar = busyboxTar();
const tarBytes = readFileSync(tar);
const diffId = `sha256:${createHash('sha256').update(tarBytes).digest('hex')}`;

test.after(() => {
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const ls = (sub: string) => (existsSync(join(t.root, sub)) ? readdirSync(join(t.root, sub)).sort() : []);
const inspect = (ref: string) => (JSON.parse(t.ok(['image', 'inspect', ref])) as Array<Record<string, any>>)[0];
const rows = () => t.ok(['images']).split('\n').slice(1).map((l) => l.split(/\s{3,}/));
const blobJson = (digest: string) => JSON.parse(readFileSync(join(t.root, 'blobs', 'sha256', digest.slice(7)), 'utf8'));

let bbId = '';

test('import the busybox rootfs as bb; images lists it as "bb latest"', () => {
  bbId = t.ok(['import', tar, 'bb']);
  assert.match(bbId, /^sha256:[a-f0-9]{64}$/);
  const out = t.ok(['images']).split('\n');
  // docker's tabwriter: a column is at least 10 wide, 3 spaces past its widest cell
  assert.match(out[0], /^REPOSITORY {3}TAG {7}IMAGE ID {7}CREATED {2,}SIZE$/);
  const [repo, tag, id, created, size] = out[1].split(/\s{3,}/);
  assert.equal([repo, tag, id], ['bb', 'latest', bbId.slice(7, 19)]);
  assert.match(created, /ago$/);
  assert.match(size, /^\d+(\.\d+)?MB$/);
});

test('the store holds the OCI documents and one unpacked layer', () => {
  assert.equal(ls('layers'), [diffId.slice(7)], 'a base layer is keyed by its diffID (= its chain ID)');
  const diff = join(t.root, 'layers', diffId.slice(7), 'diff');
  assert.is(lstatSync(join(diff, 'bin/busybox')).mode & 0o7777, 0o755);
  assert.is(readlinkSync(join(diff, 'bin/sh')), '/bin/busybox');
  assert.is(lstatSync(join(diff, 'tmp')).mode & 0o7777, 0o1777);
  const layer = JSON.parse(readFileSync(join(t.root, 'layers', diffId.slice(7), 'layer.json'), 'utf8'));
  assert.equal({ ...layer, size: 0 }, { chainId: diffId, diffId, parent: null, size: 0 });
  assert.ok(layer.size > 1_000_000);
  assert.ok(readFileSync(join(t.root, 'blobs', 'sha256', diffId.slice(7))).equals(tarBytes), 'the layer tar blob is the uncompressed tar');
  const config = blobJson(bbId);
  assert.is(config.architecture, 'amd64');
  assert.is(config.os, 'linux');
  assert.equal(config.rootfs, { type: 'layers', diff_ids: [diffId] });
  assert.is(config.history[0].comment, 'Imported from -');
  const rec = JSON.parse(readFileSync(join(t.root, 'images', 'images.json'), 'utf8')).images[0];
  const manifest = blobJson(rec.manifestDigest);
  assert.is(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config, { mediaType: 'application/vnd.oci.image.config.v1+json', digest: bbId, size: lstatSync(join(t.root, 'blobs/sha256', bbId.slice(7))).size });
  assert.equal(manifest.layers, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: diffId, size: tarBytes.length }]);
  assert.equal(rec.repoTags, ['docker.io/library/bb:latest']);
  assert.equal(ls('tmp'), []);
});

test('image inspect: docker fields', () => {
  const i = inspect('bb');
  assert.is(i.Id, bbId);
  assert.equal(i.RepoTags, ['bb:latest']);
  assert.equal(i.RepoDigests, []);
  assert.is(i.Architecture, 'amd64');
  assert.is(i.Os, 'linux');
  assert.is(i.Comment, 'Imported from -');
  assert.equal(i.RootFS, { Type: 'layers', Layers: [diffId] });
  assert.is(i.Config.Cmd, null);
  assert.ok(i.Size > 1_000_000);
  assert.match(i.Created, /^\d{4}-\d\d-\d\dT/);
  assert.ok(existsSync(join(i.GraphDriver.Data.LowerDir, 'bin/busybox')));
  // also through the top-level inspect, and by ID prefix / full ID
  assert.is(inspect(bbId.slice(7, 12)).Id, bbId);
  assert.is(inspect(bbId).Id, bbId);
  assert.is(t.ok(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', 'bb']), 'linux/amd64');
  const miss = t.berth(['image', 'inspect', 'bb', 'nope']);
  assert.is(miss.code, 1);
  assert.is(JSON.parse(miss.stdout).length, 1);
  assert.is(miss.stderr, 'Error: No such image: nope:latest\n');
});

test('images --format json, -q, --no-trunc, --digests', () => {
  const lines = t.ok(['images', '--format', 'json']).split('\n').map((l) => JSON.parse(l));
  assert.is(lines.length, 1);
  assert.is(lines[0].Repository, 'bb');
  assert.is(lines[0].Tag, 'latest');
  assert.is(lines[0].ID, bbId.slice(7, 19));
  assert.match(lines[0].Size, /MB$/);
  assert.match(lines[0].CreatedAt, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
  assert.is(t.ok(['images', '-q']), bbId.slice(7, 19));
  assert.is(t.ok(['images', '-q', '--no-trunc']), bbId);
  assert.match(t.ok(['images', '--digests']).split('\n')[0], /^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID/);
  assert.is(t.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']), 'bb:latest');
});

test('importing the same tar again shares the layer (one layer dir, two images)', () => {
  const id2 = t.ok(['image', 'import', tar, 'bb2']);
  assert.is.not(id2, bbId, 'a new image (its config has its own created time)');
  assert.equal(ls('layers'), [diffId.slice(7)]);
  assert.is(inspect('bb2').RootFS.Layers[0], diffId);
});

test('gzip import: same diffID, same layer', () => {
  const gz = join(s.dir, 'bb.tar.gz');
  writeFileSync(gz, gzipSync(tarBytes));
  t.ok(['import', gz, 'bbgz:1']);
  assert.equal(inspect('bbgz:1').RootFS.Layers, [diffId]);
  assert.equal(ls('layers'), [diffId.slice(7)]);
});

test('stdin import (-) of a gzipped tar', () => {
  const r = spawnSync(process.execPath, ['--', berthBin, '--root', t.root, 'import', '-', 'fromstdin'], { input: gzipSync(tarBytes), encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
  assert.equal(inspect('fromstdin').RootFS.Layers, [diffId]);
});

test('--change and -m', () => {
  t.ok(['import',
    '-c', 'CMD ["/bin/sh", "-c", "echo hi"]', '-c', 'ENV A=1 B="x y"', '-c', 'WORKDIR /tmp', '-c', 'EXPOSE 80',
    '-c', 'LABEL k=v', '-c', 'USER 1000', '-c', 'ENTRYPOINT /bin/env', '-c', 'STOPSIGNAL SIGINT', '-c', 'VOLUME /data',
    '-m', 'my message', tar, 'withcmd']);
  const c = inspect('withcmd');
  assert.equal(c.Config.Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.equal(c.Config.Entrypoint, ['/bin/sh', '-c', '/bin/env']);
  assert.equal(c.Config.Env, ['A=1', 'B=x y']);
  assert.is(c.Config.WorkingDir, '/tmp');
  assert.equal(c.Config.ExposedPorts, { '80/tcp': {} });
  assert.equal(c.Config.Labels, { k: 'v' });
  assert.is(c.Config.User, '1000');
  assert.is(c.Config.StopSignal, 'SIGINT');
  assert.equal(c.Config.Volumes, { '/data': {} });
  assert.is(c.Comment, 'my message');
});

test('tag: new names, moving a tag leaves the old image dangling', () => {
  t.ok(['tag', 'bb', 'mine:v1']);
  assert.is(inspect('mine:v1').Id, bbId);
  assert.equal(inspect('bb').RepoTags.sort(), ['bb:latest', 'mine:v1']);
  const first = t.ok(['import', tar, 'dang']);
  const second = t.ok(['import', tar, 'dang']);
  assert.is(inspect('dang').Id, second);
  assert.equal(inspect(first).RepoTags, [], 'the old image lost its tag');
  assert.ok(rows().some(([r, tg, id]) => r === '<none>' && tg === '<none>' && id === first.slice(7, 19)), 'listed as <none> <none>');
  assert.equal(t.ok(['images', 'mine']).split('\n').slice(1).map((l) => l.split(/\s{3,}/).slice(0, 2).join(':')), ['mine:v1']);
  assert.equal(t.ok(['images', 'bb*', '--format', '{{.Repository}}']).split('\n').sort(), ['bb', 'bb2', 'bbgz']);
  assert.equal(t.ok(['images', 'docker.io/library/bbgz:1', '--format', '{{.Tag}}']), '1');
  // errors: one line, docker's words, status 1
  const nf = t.berth(['tag', 'nope', 'x']);
  assert.is(nf.code, 1);
  assert.is(nf.stderr, 'Error: No such image: nope:latest\n');
  assert.match(t.berth(['tag', 'bb', 'UPPER']).stderr, /must be lowercase/);
  assert.match(t.berth(['tag', 'bb', `x@sha256:${'0'.repeat(64)}`]).stderr, /cannot be created from a digest/);
  // `images -q` lists each image once even with several tags
  const q = t.ok(['images', '-q']).split('\n');
  assert.is(q.length, new Set(q).size);
  t.ok(['rmi', first.slice(7, 15)]);
});

test('rmi: by name untags (the shared layer stays), by ID prefix deletes', () => {
  const id2 = inspect('bb2').Id;
  assert.is(t.ok(['rmi', 'bb2']), `Untagged: bb2:latest\nDeleted: ${id2}`);
  assert.equal(ls('layers'), [diffId.slice(7)], 'the layer is still used by other images');
  // several tags in different repositories: by ID needs -f; by name just untags
  const r = t.berth(['rmi', bbId.slice(7, 19)]);
  assert.is(r.code, 1);
  assert.is(r.stderr, `Error: conflict: unable to delete ${bbId.slice(7, 19)} (must be forced) - image is referenced in multiple repositories\n`);
  assert.is(t.ok(['rmi', 'mine:v1']), 'Untagged: mine:v1');
  assert.is(inspect('bb').Id, bbId, 'still there under its other name');
  const gz = inspect('bbgz:1').Id;
  assert.is(t.ok(['image', 'rm', gz.slice(7, 10)]), `Untagged: bbgz:1\nDeleted: ${gz}`);
  const miss = t.berth(['rmi', 'nope', 'fromstdin']);
  assert.is(miss.code, 1, 'one failure fails the command...');
  assert.is(miss.stderr, 'Error: No such image: nope:latest\n');
  assert.match(miss.stdout, /^Untagged: fromstdin:latest\nDeleted: sha256:/, '...but the others are still removed');
});

test('an image a container uses: refused, then -f only untags it', async () => {
  // the container is made through the engine API: only its record matters here
  const engine = Engine.open({ root: t.root });
  const name = `img-user-${process.pid}`;
  const ctr = await engine.containers.create({ image: 'withcmd', name });
  t.seen.push(ctr.id);
  const id = inspect('withcmd').Id;
  const r = t.berth(['rmi', 'withcmd']);
  assert.is(r.code, 1);
  assert.is(r.stderr, `Error: conflict: unable to remove repository reference "withcmd" (must force) - container ${ctr.id.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}\n`);
  assert.is(t.berth(['rmi', id]).stderr, `Error: conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is being used by container ${ctr.id.slice(0, 12)}\n`);
  assert.is(t.ok(['rmi', '-f', 'withcmd']), 'Untagged: withcmd:latest');
  assert.is(inspect(id).Id, id, 'kept (dangling): the container still needs its layers');
  await engine.containers.remove(name);
  assert.is(t.ok(['rmi', id]), `Deleted: ${id}`);
});

test('removing every image empties the store', () => {
  for (const id of new Set(t.ok(['images', '-q', '--no-trunc']).split('\n').filter(Boolean))) t.ok(['rmi', '-f', id]);
  assert.is(t.ok(['images', '-q']), '');
  assert.equal(ls('layers'), []);
  assert.equal(ls('blobs/sha256'), []);
  assert.equal(ls('tmp'), []);
});

test.run();
