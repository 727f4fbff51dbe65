// berth against a real registry (Debian's docker-registry on 127.0.0.1):
// push → skopeo reads it back → rmi → pull by tag → pull by digest → run;
// a second pull downloads nothing; a blob corrupted in the registry's storage
// fails the pull with a digest error and leaves the store exactly as it was.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { scratch, tarOf } from '../image/tars.js';

const t = new TestRoot('berth-test-regpush-');
const s = scratch('berth-test-regpush-files-');
let reg: TestRegistry;
let repo = '';

test.before(async () => {
  reg = await startRegistry();
  repo = `${reg.addr}/bb`;
});
test.after(async () => {
  await reg?.stop();
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const ls = (sub: string) => (existsSync(join(t.root, sub)) ? readdirSync(join(t.root, sub)).sort() : []);
const records = () => JSON.parse(readFileSync(join(t.root, 'images', 'images.json'), 'utf8')).images as Array<{ id: string; repoTags: string[]; repoDigests: string[]; manifestDigest: string }>;
const skopeoInspect = (ref: string) =>
  JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], { encoding: 'utf8' })) as { Digest: string; Layers: string[] };

let id = '';
let digest = '';
let layer = '';

test('push: docker lines, the registry has what berth stored, skopeo reads it back', () => {
  id = t.ok(['import', busyboxTar(), 'bb', '-c', 'CMD ["/bin/sh", "-c", "echo from-cmd"]']);
  t.ok(['tag', 'bb', `${repo}:v1`]);
  const out = t.ok(['push', `${repo}:v1`]).split('\n');
  const rec = records().find((r) => r.id === id)!;
  digest = rec.manifestDigest;
  layer = JSON.parse(readFileSync(join(t.root, 'blobs/sha256', digest.slice(7)), 'utf8')).layers[0].digest;
  assert.is(out[0], `The push refers to repository [${repo}]`);
  assert.ok(out.includes(`${layer.slice(7, 19)}: Pushed`), out.join('\n'));
  assert.match(out[out.length - 1], new RegExp(`^v1: digest: ${digest} size: \\d+$`));
  assert.ok(rec.repoDigests.includes(`${repo}@${digest}`), 'the pushed digest is recorded');
  const seen = skopeoInspect(`${repo}:v1`);
  assert.is(seen.Digest, digest, 'the manifest digest is the stored one (nothing re-encoded)');
  assert.equal(seen.Layers, [layer]);
  // pushing again: every blob is already there
  const again = t.ok(['push', `${repo}:v1`]);
  assert.match(again, new RegExp(`${layer.slice(7, 19)}: Layer already exists`));
});

test('rmi the image, then pull by tag: same image ID, docker summary lines, the full name last', () => {
  const rmi = t.ok(['rmi', 'bb', `${repo}:v1`]);
  assert.match(rmi, new RegExp(`Untagged: ${repo}@${digest}`), 'the last tag of a repository takes its digests along');
  assert.match(rmi, new RegExp(`Deleted: ${id}`));
  assert.equal(ls('layers'), []);
  assert.equal(ls('blobs/sha256'), []);
  const out = t.ok(['pull', `${repo}:v1`]).split('\n');
  assert.is(out[0], 'v1: Pulling from bb');
  assert.ok(out.includes(`${layer.slice(7, 19)}: Pull complete`), out.join('\n'));
  assert.equal(out.slice(-3), [`Digest: ${digest}`, `Status: Downloaded newer image for ${repo}:v1`, `${repo}:v1`]);
  const rec = records();
  assert.is(rec.length, 1);
  assert.is(rec[0].id, id, 'same config bytes: same image ID');
  assert.equal(rec[0].repoTags, [`${repo}:v1`]);
  assert.equal(rec[0].repoDigests, [`${repo}@${digest}`]);
  assert.equal(ls('tmp'), []);
});

test('events: push and pull name the reference (docker\'s actor for them), rmi untags and deletes by ID', () => {
  const ev = t.ok(['events', '--since', '10m', '--until', '0s', '--filter', 'type=image', '--filter', 'event=push', '--filter', 'event=pull',
    '--filter', 'event=delete', '--format', '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}']).split('\n');
  assert.equal(ev, [`push ${repo}:v1 ${repo}:v1`, `push ${repo}:v1 ${repo}:v1`, `delete ${id} ${id}`, `pull ${repo}:v1 ${repo}:v1`]);
});

test('pull into a pipe that closes at once (| head -c 1): the pull still completes, exit 0, nothing left in tmp', () => {
  t.ok(['rmi', `${repo}:v1`]);
  const r = spawnSync('bash', ['-c', `"$0" -- "$1" --root "$2" pull "$3" | head -c 1 >/dev/null; exit \${PIPESTATUS[0]}`,
    process.execPath, berthBin, t.root, `${repo}:v1`], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(records()[0]?.id, id, 'the image is in the store');
  assert.equal(ls('tmp'), []);
});

test('pull by digest and again by tag: nothing downloaded, "Image is up to date"', () => {
  const out = t.ok(['pull', `${repo}@${digest}`]);
  assert.match(out, new RegExp(`${layer.slice(7, 19)}: Already exists`));
  assert.not.match(out, /Downloading|Pull complete/);
  assert.match(out, new RegExp(`Status: Image is up to date for ${repo}@${digest}`));
  const q = t.ok(['pull', '-q', `${repo}:v1`]);
  assert.is(q, `${repo}:v1`);
  assert.is(t.ok(['image', 'pull', '-q', `${repo}:v1`]), `${repo}:v1`, "docker's `image pull` spelling");
});

test('the pulled image runs with its config defaults (by tag and by digest)', () => {
  assert.is(t.ok(['run', '--rm', `${repo}:v1`]), 'from-cmd');
  assert.is(t.ok(['run', '--rm', `${repo}@${digest}`, 'cat', '/etc/passwd']).split('\n')[0], 'root:x:0:0:root:/root:/bin/sh');
});

test('run of an image that is not in the store pulls it first, docker-style, on stderr', () => {
  t.ok(['rmi', `${repo}:v1`]);
  const r = t.berth(['run', '--rm', `${repo}:v1`]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'from-cmd\n', 'stdout is the container\'s alone');
  assert.match(r.stderr, new RegExp(`^Unable to find image '${repo}:v1' locally\nv1: Pulling from bb\n`));
  assert.match(r.stderr, new RegExp(`Status: Downloaded newer image for ${repo}:v1\n$`));
  const always = t.berth(['run', '--rm', '--pull', 'always', `${repo}:v1`]);
  assert.is(always.stdout, 'from-cmd\n');
  assert.match(always.stderr, new RegExp(`Status: Image is up to date for ${repo}:v1`), '--pull always asks the registry even when present');
  t.ok(['rmi', `${repo}:v1`]);
  const never = t.berth(['run', '--rm', '--pull', 'never', `${repo}:v1`]);
  assert.is(never.code, 125);
  assert.is(never.stderr, `berth: No such image: ${repo}:v1\n`);
  assert.not.match(never.stderr, /Pulling/);
  // docker's lines in docker's order: nothing is "Pulling from" a manifest that was not found
  const missing = t.berth(['run', '--rm', `${repo}:nope`]);
  assert.is(missing.code, 125);
  assert.is(missing.stderr, `Unable to find image '${repo}:nope' locally\nberth: manifest for ${repo}:nope not found: manifest unknown: manifest unknown\n`);
  const created = t.berth(['create', `${reg.addr}/nothing/here`]);
  assert.is(created.code, 1, 'create: the engine refused (docker\'s 1)');
  assert.is(created.stderr, `Unable to find image '${reg.addr}/nothing/here:latest' locally\nError: manifest for ${reg.addr}/nothing/here:latest not found: manifest unknown: manifest unknown\n`);
  // -q: the pull's progress and summary are left out, docker's first line stays
  const quiet = t.berth(['run', '--rm', '-q', `${repo}:v1`]);
  assert.is(quiet.code, 0, quiet.stderr);
  assert.is(quiet.stdout, 'from-cmd\n');
  assert.is(quiet.stderr, `Unable to find image '${repo}:v1' locally\n`);
  t.ok(['rmi', `${repo}:v1`]);
});

test('a blob corrupted in the registry: the pull fails with a digest error, the store is unchanged', async () => {
  const small = join(s.dir, 'small.tar');
  writeFileSync(small, await tarOf([{ name: 'hello.txt', content: 'hello registry\n'.repeat(100) }]));
  t.ok(['import', small, `${reg.addr}/small:v1`]);
  t.ok(['push', `${reg.addr}/small:v1`]);
  const smallDigest = records().find((r) => r.repoTags.includes(`${reg.addr}/small:v1`))!.manifestDigest;
  const smallLayer = JSON.parse(readFileSync(join(t.root, 'blobs/sha256', smallDigest.slice(7)), 'utf8')).layers[0].digest as string;
  t.ok(['rmi', `${reg.addr}/small:v1`]);
  const file = reg.blobFile(smallLayer);
  const bytes = readFileSync(file);
  bytes[700] ^= 0x20; // inside hello.txt's content: still a valid tar, wrong digest
  writeFileSync(file, bytes);

  const before = { images: readFileSync(join(t.root, 'images', 'images.json'), 'utf8'), blobs: ls('blobs/sha256'), layers: ls('layers') };
  const r = t.berth(['pull', `${reg.addr}/small:v1`]);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`digest mismatch for blob ${smallLayer}: registry sent sha256:[a-f0-9]{64}`));
  assert.is(readFileSync(join(t.root, 'images', 'images.json'), 'utf8'), before.images);
  assert.equal(ls('blobs/sha256'), before.blobs);
  assert.equal(ls('layers'), before.layers);
  assert.equal(ls('tmp'), [], 'no partial blob or layer left');
});

test('pull errors: unknown tag, unknown repository', () => {
  const r = t.berth(['pull', `${repo}:nope`]);
  assert.is(r.code, 1);
  assert.is(r.stdout, '', 'no "Pulling from" before the manifest was found');
  assert.is(r.stderr, `Error: manifest for ${repo}:nope not found: manifest unknown: manifest unknown\n`);
  const r2 = t.berth(['pull', `${reg.addr}/nothing/here`]);
  assert.is(r2.code, 1);
  assert.match(r2.stderr, /(name|manifest) unknown/i);
});

test.run();
