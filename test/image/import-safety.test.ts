// `berth import` of the malicious-layer corpus through the CLI: each tar is
// refused with one clear line and status 1 (docker's for a refusal), nothing lands in the victim
// directory, and the store is left exactly as it was (no image, no layer, no
// blob, no temp dir).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

test.run();
