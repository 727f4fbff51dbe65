// The context's file hashes kept across builds (engine/build/file-hashes.ts):
// a rebuild reuses them, and a file rewritten in place with its size and
// mtime put back is still seen as changed (its ctime moved), so the COPY runs
// again and the image gets the new content.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-filehash-');
const dir = mkdtempSync('/tmp/berth-test-filehash-ctx-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});
test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const build = (tag: string) => {
  const r = t.berth(['build', '--network', 'none', '--progress', 'plain', '-t', tag, dir], { timeoutMs: 120_000 });
  assert.is(r.code, 0, r.stderr);
  return r.stderr;
};

test('a file rewritten with the same size and mtime: the COPY runs again (the kept hash goes by ctime too)', () => {
  writeFileSync(join(dir, 'Dockerfile'), 'FROM bb\nCOPY f /f\n');
  const f = join(dir, 'f');
  writeFileSync(f, 'aaaa\n');
  // whole seconds: put back exactly below (utimes takes no nanoseconds)
  utimesSync(f, 1_700_000_000, 1_700_000_000);
  // hashes are kept only for files whose ctime is over 2 s old
  spawnSync('sleep', ['2.2']);
  build('h1');
  assert.ok(readFileSync(join(t.root, 'builder', 'file-hashes.json'), 'utf8').includes(f), 'the hash was kept');
  assert.match(build('h1'), /COPY f \/f\n#\d+ CACHED/);
  const before = statSync(f, { bigint: true });
  writeFileSync(f, 'bbbb\n');
  utimesSync(f, 1_700_000_000, 1_700_000_000);
  const after = statSync(f, { bigint: true });
  assert.equal([after.ino, after.size, after.mtimeNs], [before.ino, before.size, before.mtimeNs], 'only the ctime tells');
  const again = build('h2');
  assert.not.match(again, /COPY f \/f\n#\d+ CACHED/, again);
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'h2', 'cat', '/f']), 'bbbb');
});

test.run();
