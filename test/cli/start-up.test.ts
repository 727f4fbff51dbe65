// What a short command loads before it does anything: node's ES module loader (bin/berth.js
// is CommonJS for that) and the built-ins that scripts/bundle.mjs loads on first use
// (LAZY_BUILTINS) must not be among it. Each is a few ms of every command's start (issue
// 21); a new static import of node:http somewhere in the engine would bring them back
// unnoticed, so the modules node loaded are read, not timed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-start-up-');
const hook = join(t.root, 'loaded.cjs');
const list = join(t.root, 'loaded.txt');
writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** The built-in modules node loaded running FILE ARGS (names as in process.moduleLoadList). */
function loaded(file: string, ...args: string[]): Set<string> {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: `--require ${hook}` } });
  assert.is(r.status, 0, r.stderr);
  return new Set(readFileSync(list, 'utf8').split('\n').filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)));
}
/** What node loads for nothing at all: its own start-up. */
const nodeItself = loaded(process.execPath, '-e', '0');
/** What `berth ARGS` loads beyond node's own start-up. */
const loadedBy = (...args: string[]): string[] => [...loaded(berthBin, '--root', join(t.root, 'state'), ...args)].filter((m) => !nodeItself.has(m));

const lazy = ['http', 'https', 'tls', 'dgram', 'crypto', 'zlib', 'child_process', 'readline', 'assert'];

for (const args of [['version'], ['ps', '-a'], ['images']]) {
  test(`berth ${args.join(' ')} loads neither the ES module loader nor ${lazy.join(', ')}`, () => {
    const modules = loadedBy(...args);
    assert.ok(modules.includes('vm'), 'the hook saw the command run'); // bin/berth.js's own
    assert.equal(modules.filter((m) => m.startsWith('internal/modules/esm/')), []);
    assert.equal(lazy.filter((m) => modules.includes(m)), []);
  });
}

test('a lazily loaded built-in works when a command uses it', () => {
  // an anonymous volume's name is 32 random bytes from node:crypto
  const state = join(t.root, 'state');
  const created = spawnSync(berthBin, ['--root', state, 'volume', 'create'], { encoding: 'utf8', timeout: 60_000 });
  assert.is(created.status, 0, created.stderr);
  assert.match(created.stdout, /^[0-9a-f]{64}\n$/);
  const removed = spawnSync(berthBin, ['--root', state, 'volume', 'rm', created.stdout.trim()], { encoding: 'utf8', timeout: 60_000 });
  assert.is(removed.status, 0, removed.stderr);
});

test.run();
