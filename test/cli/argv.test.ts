// What the CLI hands to yargs: the container command after IMAGE kept apart and
// untouched, value-less flags pinned so that IMAGE is never taken as a value,
// and docker's -h: --help everywhere except run/create, where it is --hostname.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandTail, splitTail } from '../../src/cli/argv-split.js';
import { runTail } from '../../src/cli/commands/run.js';
import { execTail } from '../../src/cli/commands/exec.js';

const verbs = { run: runTail, create: runTail, exec: execTail };
const split = (...argv: string[]) => ({ head: splitTail(argv, verbs), tail: commandTail() });

test('run: the command after IMAGE is the container\'s, flags and all', () => {
  assert.equal(split('run', '--rm', '-e', 'A=1', 'bb', 'ls', '-h', '--rm'), { head: ['run', '--rm=true', '-e', 'A=1', 'bb'], tail: ['ls', '-h', '--rm'] });
  assert.equal(split('--root', '/r', 'container', 'run', '-d', '--', 'bb', 'sh'), { head: ['--root', '/r', 'container', 'run', '-d', 'bb'], tail: ['sh'] });
});

test('a mistyped flag stays a flag: yargs names it instead of eating IMAGE', () => {
  assert.equal(split('run', '--bogus', 'bb', 'true').head, ['run', '--bogus=true', 'bb']);
  assert.equal(split('run', '--sig-proxy=false', 'bb').head, ['run', '--sig-proxy=false', 'bb']);
});

test('-h: --hostname for run and create, --help for every other verb', () => {
  assert.equal(split('run', '-h', 'myhost', 'bb', 'hostname'), { head: ['run', '-h', 'myhost', 'bb'], tail: ['hostname'] });
  assert.equal(split('create', '-h', 'x', 'bb').head, ['create', '-h', 'x', 'bb']);
  assert.equal(split('exec', '-h').head, ['exec', '--help=true']); // pinned like any value-less flag
  assert.equal(split('exec', 'box', 'ls', '-h'), { head: ['exec', 'box'], tail: ['ls', '-h'] });
  assert.equal(split('ps', '-h').head, ['ps', '--help']);
  assert.equal(split('-h').head, ['--help']);
  assert.equal(split('--root', '/r', 'logs', '-h').head, ['--root', '/r', 'logs', '--help']);
});

test.run();
