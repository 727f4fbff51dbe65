// `berth import` of the malicious-layer corpus through the CLI: each tar is
// refused with one clear line and status 1 (docker's for a refusal), nothing lands in the victim
// directory, and the store is left exactly as it was (no image, no layer, no
// blob, no temp dir).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { corpus, scratch, tarOf } from './tars.js';

const t = new TestRoot('berth-test-imgsafe-');
const s = scratch('berth-test-imgsafe-files-');

test.after(() => {
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const ls = (sub: string) => (existsSync(join(t.root, sub)) ? readdirSync(join(t.root, sub)) : []);

function assertStoreEmpty(label: string): void {
  const index = join(t.root, 'images', 'images.json');
  const images = existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as { images: unknown[] }).images : [];
  assert.equal(images, [], `${label}: no image recorded`);
  assert.equal(ls('layers'), [], `${label}: no layer dir`);
  assert.equal(ls('blobs/sha256'), [], `${label}: no blob`);
  assert.equal(ls('tmp'), [], `${label}: no temp dir left`);
  assert.equal(readdirSync(s.victim), [], `${label}: the victim dir stays empty`);
}

let n = 0;
for (const c of corpus(s.victim)) {
  test(`import refuses: ${c.label}`, async () => {
    const file = join(s.dir, `evil-${n++}.tar`);
    writeFileSync(file, await tarOf(c.entries));
    const r = t.berth(['import', file, 'evil']);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, `one line: ${r.stderr}`);
    assert.ok(lines[0].includes(`layer: ${c.entry}: `), lines[0]);
    assert.match(lines[0], c.why);
    assertStoreEmpty(c.label);
  });
}

test('import refuses an empty input and a non-tar', () => {
  const empty = join(s.dir, 'empty.tar');
  writeFileSync(empty, '');
  assert.match(t.berth(['import', empty]).stderr, /the input is empty/);
  const junk = join(s.dir, 'junk.tar');
  writeFileSync(junk, 'this is not a tar archive, not at all'.repeat(40));
  const r = t.berth(['import', junk, 'junk']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /layer: not a valid tar archive/);
  assert.match(t.berth(['import', join(s.dir, 'missing.tar')]).stderr, /import: cannot read .*missing\.tar: ENOENT/);
  assert.match(t.berth(['import', s.dir]).stderr, /is not a regular file/);
  assertStoreEmpty('empty/junk');
});

test('a bad reference or --change is refused before the input is read', () => {
  const file = join(s.dir, 'never-read.tar');
  writeFileSync(file, 'x');
  assert.match(t.berth(['import', file, 'Bad:Ref']).stderr, /invalid reference "Bad:Ref": repository name must be lowercase/);
  assert.match(t.berth(['import', '-c', 'RUN true', file]).stderr, /RUN is not supported here/);
  assertStoreEmpty('bad args');
});

test('a debootstrap-like rootfs with device nodes imports with one warning and runs; /dev is berth\'s', () => {
  const rootfs = join(s.dir, 'rootfs');
  mkdirSync(rootfs);
  execFileSync('tar', ['-C', rootfs, '-xf', busyboxTar()]);
  for (const [name, major, minor] of [['null', 1, 3], ['full', 1, 7], ['zero', 1, 5], ['console', 5, 1], ['ptmx', 5, 2]] as const) {
    execFileSync('mknod', ['-m', '666', join(rootfs, 'dev', name), 'c', String(major), String(minor)]);
  }
  execFileSync('mknod', ['-m', '660', join(rootfs, 'dev', 'sda'), 'b', '8', '0']);
  const file = join(s.dir, 'debootstrap-like.tar.gz');
  execFileSync('tar', ['--numeric-owner', '-C', rootfs, '-czf', file, '.']);
  const r = t.berth(['import', file, 'devs']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[a-f0-9]{64}\n$/);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0], /^WARNING: layer [a-f0-9]{12}: skipped 6 device nodes \(\.\/dev\/\w+, .*, …\): a container's \/dev is berth's own$/);
  const layer = ls('layers')[0];
  assert.equal(readdirSync(join(t.root, 'layers', layer, 'diff', 'dev')), [], 'no node in the layer');
  assert.is(t.ok(['run', '--rm', 'devs', 'sh', '-c', 'echo x > /dev/null && head -c 3 /dev/zero | wc -c && test ! -e /dev/sda && echo ok']), '3\nok');
  t.ok(['rmi', 'devs']);
  assertStoreEmpty('after rmi');
});

test.run();
