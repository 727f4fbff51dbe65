// berth's arguments and the files they name are data, never Node's. Node 20 reads
// `--env-file` and `--env-file-if-exists` from anywhere in its argv, also after the
// script, so a project's env file holding NODE_OPTIONS=--require … ran code as root
// and a missing one made node itself exit 9. berth is started as a user starts it
// (bin/berth.js through its first line) and checked: Node read nothing, the
// container got the file's lines as docker gives them, errors are berth's (125).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvFile } from '../../src/engine/runtime/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-node-args-');
const dir = t.root; // the project's files sit in the test root: removed with it
const evil = join(dir, 'evil.cjs');
const marker = join(dir, 'node-ran-it');
writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\n`);
writeFileSync(join(dir, 'project.env'), `NODE_OPTIONS=--require ${evil}\n`);

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** `berth ARGS` as a shell runs it: the file itself, through its #! line, from `dir`. */
const berth = (...args: string[]) => {
  const r = spawnSync(berthBin, ['--root', t.root, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const nodeRanIt = () => {
  const ran = existsSync(marker);
  rmSync(marker, { force: true });
  return ran;
};

test('setup: the busybox image', () => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test('run --env-file FILE: the file is the container\'s environment, never NODE_OPTIONS for berth', () => {
  const r = berth('run', '--rm', '--env-file', './project.env', 'bb', 'sh', '-c', 'echo "$NODE_OPTIONS"');
  assert.is(r.stderr, '');
  assert.is(r.code, 0);
  assert.is(r.stdout, `--require ${evil}\n`, 'the container sees the line as docker passes it');
  assert.not.ok(nodeRanIt(), 'node loaded NODE_OPTIONS from the env file');
});

test('--env-file in the container\'s command (or any verb\'s arguments) is an argument, nothing more', () => {
  const r = berth('run', '--rm', 'bb', 'echo', '--env-file', './project.env', '--env-file-if-exists=./project.env');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '--env-file ./project.env --env-file-if-exists=./project.env\n');
  assert.not.ok(nodeRanIt(), 'node read the container\'s argument');
  const ps = berth('ps', '--env-file-if-exists=./project.env');
  assert.is(ps.code, 125);
  assert.match(ps.stderr, /^unknown flag: --env-file-if-exists\n/, 'docker\'s usage error');
  assert.not.ok(nodeRanIt(), 'node read an argument of ps');
});

test('--env-file /missing: berth\'s one line and 125 (node exited 9)', () => {
  for (const args of [['run', '--rm', '--env-file', '/missing', 'bb', 'true'], ['run', '--rm', '--env-file=/missing', 'bb', 'true']]) {
    const r = berth(...args);
    assert.is(r.code, 125, args.join(' '));
    assert.is(r.stderr, 'berth: cannot read env file /missing: no such file or directory\n');
    assert.is(r.stdout, '');
  }
  assert.is(t.ok(['ps', '-a', '-q']), '', 'no container was created');
});

test('env file syntax: comments, blanks, bare KEY from the caller, no quote processing; exec takes it too', () => {
  writeFileSync(join(dir, 'vars.env'), '\uFEFF# a comment\n\n  A=1\nQ="quoted" \nFROM_CALLER\nUNSET_HERE\nE=\r\nEQ=a=b\n');
  const r = spawnSync(berthBin, ['--root', t.root, 'run', '--rm', '--env-file', 'vars.env', 'bb', 'sh', '-c',
    'echo "$A|$Q|$FROM_CALLER|${UNSET_HERE-unset}|$E|$EQ"'], { cwd: dir, encoding: 'utf8', env: { ...process.env, FROM_CALLER: 'c v' } });
  assert.is(r.stderr, '');
  assert.is(r.stdout, '1|"quoted" |c v|unset||a=b\n');
  writeFileSync(join(dir, 'bad.env'), 'GOOD=1\nBAD KEY=2\n');
  const bad = berth('run', '--rm', '--env-file', 'bad.env', 'bb', 'true');
  assert.is(bad.code, 125);
  assert.is(bad.stderr, "berth: env file bad.env: variable 'BAD KEY' contains whitespaces\n");

  t.ok(['run', '-d', '--name', 'envx', 'bb', 'sleep', '30']);
  const x = berth('exec', '--env-file', 'vars.env', 'envx', 'sh', '-c', 'echo "$A|$Q"');
  assert.is(x.stdout, '1|"quoted" \n', x.stderr);
  t.ok(['rm', '-f', 'envx']);
});

test('parseEnvFile: docker\'s errors name the file and the line', () => {
  const p = (s: string | Uint8Array) => parseEnvFile(typeof s === 'string' ? Buffer.from(s) : s, 'f.env', (k) => (k === 'K' ? 'v' : undefined));
  assert.equal(p('K\nX\n  # c\nY= spaced \n'), ['K=v', 'Y= spaced ']);
  assert.throws(() => p('=1\n'), /f\.env: no variable name on line '=1'/);
  assert.throws(() => p(Uint8Array.from([0x41, 0x3d, 0x31, 0x0a, 0xff, 0x0a])), /f\.env contains invalid utf8 bytes at line 2/);
});

test('node bin/berth.js without "--" is refused before berth does anything; with it, berth runs', () => {
  const bare = spawnSync(process.execPath, [berthBin, '--root', t.root, 'images', '-q'], { encoding: 'utf8' });
  assert.is(bare.status, 125);
  assert.match(bare.stderr, /^berth: start berth as `berth ARGS` or `node -- bin\/berth.js ARGS`/);
  const safe = spawnSync(process.execPath, ['--', berthBin, '--root', t.root, 'images', '-q'], { encoding: 'utf8' });
  assert.is(safe.status, 0, safe.stderr);
});

test.run();
