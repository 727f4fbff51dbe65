// save of a pulled image: the store keeps the registry's gzipped layer blob, not
// the uncompressed tar, so save decompresses it (verified against the diffID)
// into both archive formats; skopeo reads them and a rmi/load round trip keeps
// the image ID. The image reaches a local registry through skopeo (gzipped).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TestRoot } from '../helpers/root.js';
import { scratch } from '../image/tars.js';

const t = new TestRoot('berth-test-pullsave-');
const s = scratch('berth-test-pullsave-files-');
const diffId = `sha256:${createHash('sha256').update(readFileSync(busyboxTar())).digest('hex')}`;
let registry: TestRegistry | undefined;

test.after(async () => {
  await registry?.stop();
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const f = (name: string) => join(s.dir, name);
const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('a pulled image (gzipped layer in the store) saves in both formats, and loads back with its ID', async () => {
  registry = await startRegistry();
  t.ok(['import', '-c', 'ENV P=1', busyboxTar(), 'bb']);
  t.ok(['save', '--format', 'oci', '-o', f('bb.tar'), 'bb']);
  t.ok(['rmi', 'bb']);
  skopeo('copy', '--dest-tls-verify=false', '--dest-compress', `oci-archive:${f('bb.tar')}`, `docker://${registry.addr}/lib/bb:1`);
  t.ok(['pull', '-q', `${registry.addr}/lib/bb:1`]);
  const ref = `${registry.addr}/lib/bb:1`;
  const id = t.ok(['image', 'inspect', '--format', '{{.Id}}', ref]);
  const blobs = readdirSync(join(t.root, 'blobs', 'sha256'));
  assert.not.ok(blobs.includes(diffId.slice(7)), 'the store holds the compressed layer, not the tar');

  t.ok(['save', '-o', f('pulled-docker.tar'), ref]);
  t.ok(['save', '--format', 'oci-archive', '-o', f('pulled-oci.tar'), ref]);
  assert.equal(JSON.parse(skopeo('inspect', `docker-archive:${f('pulled-docker.tar')}`)).Layers, [diffId]);
  assert.equal(JSON.parse(skopeo('inspect', `oci-archive:${f('pulled-oci.tar')}`)).Layers, [diffId]);
  assert.equal(readdirSync(join(t.root, 'tmp')), [], 'the decompressed temp blob is gone');

  t.ok(['rmi', ref]);
  assert.is(t.ok(['load', '-i', f('pulled-docker.tar')]), `Loaded image: ${ref}`);
  assert.is(t.ok(['image', 'inspect', '--format', '{{.Id}}', ref]), id);
  assert.is(t.ok(['run', '--rm', ref, 'sh', '-c', 'echo $P']), '1');
});

test.run();
