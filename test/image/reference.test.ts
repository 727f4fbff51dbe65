// Reference normalisation (docker's rules), malformed references, familiar(),
// and the image lookup order (ID, name, name@digest, unique ID prefix).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BerthError } from '../../src/engine/errors.js';
import { familiar, normalize, parseTagReference } from '../../src/engine/image/reference.js';
import { findImage, setTag, type ImageRecord } from '../../src/engine/image/records.js';

const D = 'sha256:' + 'ab'.repeat(32);

const good: Array<[string, string]> = [
  ['bb', 'docker.io/library/bb:latest'],
  ['bb:1.36', 'docker.io/library/bb:1.36'],
  ['library/bb', 'docker.io/library/bb:latest'],
  ['docker.io/bb', 'docker.io/library/bb:latest'],
  ['docker.io/library/bb:latest', 'docker.io/library/bb:latest'],
  ['index.docker.io/library/bb:x', 'docker.io/library/bb:x'],
  ['team/app', 'docker.io/team/app:latest'],
  ['team/sub/app:v2', 'docker.io/team/sub/app:v2'],
  ['localhost/app', 'localhost/app:latest'],
  ['localhost:5000/app:1', 'localhost:5000/app:1'],
  ['127.0.0.1:5000/x', '127.0.0.1:5000/x:latest'],
  ['[::1]:5000/x:y', '[::1]:5000/x:y'],
  ['quay.io/org/app', 'quay.io/org/app:latest'],
  ['my-registry.example.com:443/a/b:c', 'my-registry.example.com:443/a/b:c'],
  ['Registry/app', 'Registry/app:latest'],                    // an upper-case first component is a host
  ['localhost:5000', 'docker.io/library/localhost:5000'],     // no '/': 5000 is a tag
  ['a_b.c__d-e--f:T_1.x-y', 'docker.io/library/a_b.c__d-e--f:T_1.x-y'],
  [`bb@${D}`, `docker.io/library/bb@${D}`],                    // a digest gets no default tag
  [`bb:1@${D}`, `docker.io/library/bb:1@${D}`],
  ['x'.repeat(200), `docker.io/library/${'x'.repeat(200)}:latest`],
];

for (const [input, want] of good) {
  test(`normalize ${input.slice(0, 60)}`, () => assert.is(normalize(input), want));
}

const bad: Array<[string, RegExp]> = [
  ['', /empty reference/],
  ['BB', /must be lowercase/],
  ['team/App', /must be lowercase/],
  ['bb:', /malformed tag ""/],
  ['bb:-x', /malformed tag "-x"/],
  [`bb:${'t'.repeat(129)}`, /malformed tag/],
  ['a//b', /empty path component/],
  ['/bb', /empty path component/],
  ['bb/', /empty path component/],
  ['a..b', /malformed repository name component "a\.\.b"/],
  ['a-', /malformed repository name component/],
  ['_a', /malformed repository name component/],
  ['bb:tag:more', /malformed repository name component "bb:tag"/],
  ['host:port/app', /malformed registry host "host:port"/],
  ['bb@sha256:abc', /malformed digest/],
  [`bb@md5:${'0'.repeat(32)}`, /unsupported digest/],
  ['ab'.repeat(32), /image ID, not a repository name/],
  [`${'x'.repeat(250)}/y`, /longer than 255/],
  ['@', /malformed digest/],
  [':tag', /missing repository name/],
];

for (const [input, why] of bad) {
  test(`malformed: ${JSON.stringify(input.slice(0, 40))}`, () => {
    let err: unknown;
    try { normalize(input); } catch (e) { err = e; }
    assert.ok(err instanceof BerthError, `no error for ${input}`);
    assert.is((err as BerthError).code, 'INVALID_ARGUMENT');
    assert.match((err as BerthError).message, why);
    assert.ok((err as BerthError).message.startsWith(`invalid reference "${input}": `));
  });
}

test('tags cannot be made from digest references', () => {
  assert.throws(() => parseTagReference(`bb@${D}`), /a tag cannot be created from a digest reference/);
  assert.is(parseTagReference('bb').tag, 'latest');
});

test('familiar: the short form docker prints', () => {
  assert.is(familiar('docker.io/library/bb:latest'), 'bb:latest');
  assert.is(familiar('docker.io/team/app:1'), 'team/app:1');
  assert.is(familiar('docker.io/library/a/b:c'), 'library/a/b:c');
  assert.is(familiar('localhost:5000/app:1'), 'localhost:5000/app:1');
  assert.is(familiar(`docker.io/library/bb@${D}`), `bb@${D}`);
  assert.is(familiar('quay.io/library/x:1'), 'quay.io/library/x:1');
});

const rec = (hex: string, tags: string[] = [], digests: string[] = []): ImageRecord => ({
  id: `sha256:${hex}`, repoTags: tags, repoDigests: digests, created: '2026-01-01T00:00:00.000Z', size: 0,
  layers: [], config: {}, manifestDigest: D,
});

test('lookup: full ID, name, name@digest, unique prefix; a name wins over a hex prefix', () => {
  const a = rec('bb' + '1'.repeat(62), ['docker.io/library/app:latest']);
  const b = rec('bc' + '2'.repeat(62), ['docker.io/library/bb:latest', 'docker.io/library/bb:2'], [`docker.io/library/bb@${D}`]);
  const images = [a, b];
  assert.is(findImage(images, a.id)?.image, a);
  assert.is(findImage(images, a.id.slice(7))?.by, 'id');
  assert.is(findImage(images, 'app')?.image, a);
  assert.is(findImage(images, 'docker.io/library/app:latest')?.by, 'tag');
  assert.is(findImage(images, 'bb')?.image, b, '"bb" is a name before it is an ID prefix');
  assert.is(findImage(images, 'bb')?.ref, 'docker.io/library/bb:latest');
  assert.is(findImage(images, 'bb1')?.image, a, 'unique prefix');
  assert.is(findImage(images, 'sha256:bc2')?.image, b, 'prefix with sha256:');
  assert.is(findImage(images, `bb@${D}`)?.by, 'digest');
  assert.is(findImage(images, 'bb:3'), undefined);
  assert.is(findImage(images, 'f'.repeat(64)), undefined, 'a 64-hex miss is not a name');
  assert.throws(() => findImage(images, 'b'), /ambiguous image ID prefix "b": it matches 2 images/);
  assert.throws(() => findImage(images, 'NOPE'), /must be lowercase/);
});

test('setTag moves a tag; the old image keeps its other tags or becomes dangling', () => {
  const a = rec('1'.repeat(64), ['docker.io/library/x:latest']);
  const b = rec('2'.repeat(64));
  setTag([a, b], 'docker.io/library/x:latest', b.id);
  assert.equal(a.repoTags, []);
  assert.equal(b.repoTags, ['docker.io/library/x:latest']);
  setTag([a, b], 'docker.io/library/x:latest', b.id);
  assert.equal(b.repoTags, ['docker.io/library/x:latest'], 'no duplicate');
});

test.run();
