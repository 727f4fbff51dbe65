// The other direction: an image another implementation (skopeo) pushed —
// five layers, gzip and uncompressed, a whiteout and an opaque directory —
// pulled and run by berth with the deletions in effect; pushed back by berth
// under another name (blobs mounted across repositories, not re-uploaded),
// read by skopeo with identical digests, and pulled again after rmi.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { busyboxTar } from '../helpers/fixtures.js';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TestRoot } from '../helpers/root.js';
import { scratch } from '../image/tars.js';
import { multiLayerLayout, type Layout } from './layouts.js';

const t = new TestRoot('berth-test-regskopeo-');
const s = scratch('berth-test-regskopeo-files-');
let reg: TestRegistry;
let img: Layout;
let src = '';
/** The layer digests in the registry (skopeo gzips the uncompressed layer on the way in). */
let layers: string[] = [];

function skopeoInspect(ref: string): { Digest: string; Layers: string[] } {
  return JSON.parse(execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], { encoding: 'utf8' })) as { Digest: string; Layers: string[] };
}

test.before(async () => {
  reg = await startRegistry();
  img = await multiLayerLayout(join(s.dir, 'oci'));
  src = `${reg.addr}/multi:v1`;
  execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${img.dir}:v1`, `docker://${src}`], { stdio: 'pipe' });
  layers = skopeoInspect(src).Layers;
});
test.after(async () => {
  await reg?.stop();
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const ls = (sub: string) => (existsSync(join(t.root, sub)) ? readdirSync(join(t.root, sub)).sort() : []);
/** What the image looks like from inside a container. */
const view = (ref: string) => t.ok(['run', '--rm', ref, 'sh', '-c', 'ls -A /data; echo --; ls -AR /opq; echo --; cat /etc/motd /data/plain']);
const EXPECTED = 'keep\nplain\n--\n/opq:\nnew\n--\nlayer four\nuncompressed layer';

test('berth pulls what skopeo pushed: five layers, the config, the digest skopeo reports', () => {
  const out = t.ok(['pull', src]).split('\n');
  for (const l of layers) assert.ok(out.includes(`${l.slice(7, 19)}: Pull complete`), `${l}\n${out.join('\n')}`);
  const digest = skopeoInspect(src).Digest;
  assert.ok(out.includes(`Digest: ${digest}`));
  const [inspect] = JSON.parse(t.ok(['image', 'inspect', src])) as Array<{ RootFS: { Layers: string[] }; RepoDigests: string[]; Config: { WorkingDir: string } }>;
  assert.equal(inspect.RootFS.Layers, img.diffIds);
  assert.equal(inspect.RepoDigests, [`${reg.addr}/multi@${digest}`]);
  assert.is(inspect.Config.WorkingDir, '/data');
  // the layer blobs are kept as the registry sent them (compressed), under their manifest digests
  for (const l of layers) assert.ok(ls('blobs/sha256').includes(l.slice(7)), l);
  assert.is(ls('layers').length, 5);
});

test('it runs: config defaults apply, the whiteout deleted /data/gone, the opaque /opq hides the lower layer', () => {
  assert.is(t.ok(['run', '--rm', src]), 'yes\n/data');
  assert.is(view(src), EXPECTED);
});

test('berth pushes it under another name: blobs mounted from multi, skopeo sees identical digests', () => {
  const dst = `${reg.addr}/copy:v2`;
  t.ok(['tag', src, dst]);
  const out = t.ok(['push', dst]);
  for (const l of layers) assert.match(out, new RegExp(`${l.slice(7, 19)}: Mounted from multi`));
  const a = skopeoInspect(src);
  const b = skopeoInspect(dst);
  assert.is(b.Digest, a.Digest);
  assert.equal(b.Layers, layers);
  // and skopeo can copy all of it out again (every blob is really there)
  execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${dst}`, `oci:${join(s.dir, 'back')}:v2`], { stdio: 'pipe' });
  const back = JSON.parse(readFileSync(join(s.dir, 'back', 'index.json'), 'utf8')).manifests[0].digest;
  assert.is(back, a.Digest);
});

test('a second pull of the same layers downloads nothing', () => {
  const out = t.ok(['pull', `${reg.addr}/copy:v2`]);
  assert.is((out.match(/: Already exists/g) ?? []).length, 5, out);
  assert.not.match(out, /Downloading|Pull complete/);
});

test('round trip: rmi everything, pull the berth-pushed copy, the whiteouts still hold', () => {
  t.ok(['rmi', src, `${reg.addr}/copy:v2`]);
  assert.equal(ls('layers'), []);
  t.ok(['pull', `${reg.addr}/copy:v2`]);
  assert.is(view(`${reg.addr}/copy:v2`), EXPECTED);
  assert.equal(ls('tmp'), []);
});

test('a layer the store has from an import: only its compressed blob is fetched and checked against the diffID, not unpacked again', () => {
  const ref = `${reg.addr}/copy:v2`;
  t.ok(['rmi', ref]);
  t.ok(['import', busyboxTar(), 'bbase']);
  const base = ls('layers');
  assert.equal(base, [img.diffIds[0].slice(7)], 'the import made the same base layer (same diffID)');
  const ino = statSync(join(t.root, 'layers', base[0])).ino;
  const out = t.ok(['pull', ref]);
  assert.match(out, new RegExp(`${layers[0].slice(7, 19)}: Download complete`));
  assert.not.match(out, new RegExp(`${layers[0].slice(7, 19)}: Extracting`));
  assert.is(statSync(join(t.root, 'layers', base[0])).ino, ino, 'the unpacked base layer is shared, not replaced');
  assert.ok(ls('blobs/sha256').includes(layers[0].slice(7)), 'the compressed blob is kept for pushes');
  assert.is(view(ref), EXPECTED);
  t.ok(['rmi', ref, 'bbase']);
  assert.equal(ls('layers'), []);
  assert.equal(ls('blobs/sha256'), []);
});

test.run();
