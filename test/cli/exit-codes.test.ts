// docker's exit statuses and words, which scripts test and grep: 1 when the
// engine refuses (no such object, wrong state, in use, name conflict, missing
// tag), 125 when `run` fails or a flag cannot be parsed, 1 for an unknown verb
// or a wrong number of arguments. The texts are what docker 20.10's daemon with
// the docker 28 client printed for the same commands (after "Error response from
// daemon: ", which berth, having no daemon, writes as "Error: ").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-exitcodes-');
let created = '';
let running = '';

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  created = t.ok(['create', '--name', 'c1', 'bb', 'true']);
  running = t.ok(['run', '-d', '--name', 'r1', 'bb', 'sleep', '1000']);
  t.seen.push(created, running);
});
test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

function expect(args: string[], code: number, stderr: string | RegExp): void {
  const r = t.berth(args);
  assert.is(r.code, code, `berth ${args.join(' ')}: ${r.stderr}`);
  if (typeof stderr === 'string') assert.is(r.stderr, stderr, `berth ${args.join(' ')}`);
  else assert.match(r.stderr, stderr, `berth ${args.join(' ')}`);
}

test('no such container: every verb exits 1 with "No such container: x"', () => {
  const verbs = [
    ['rm'], ['stop'], ['start'], ['restart'], ['kill'], ['pause'], ['unpause'], ['logs'], ['top'], ['wait'],
    ['diff'], ['export'], ['commit'], ['attach'], ['container', 'inspect'], ['update', '--memory', '64m'],
    ['exec', '--'], ['rename'], ['start', '-a'], ['container', 'rm'],
  ];
  for (const v of verbs) {
    const args = v[0] === 'exec' ? ['exec', 'nope', 'true'] : v[0] === 'rename' ? ['rename', 'nope', 'other'] : [...v, 'nope'];
    expect(args, 1, 'Error: No such container: nope\n');
  }
  expect(['cp', 'nope:/etc/passwd', '/tmp/berth-test-exitcodes-never'], 1, /^Error: No such container: nope\n$/);
  expect(['inspect', 'nope'], 1, 'Error: No such object: nope\n');
});

test('no such image, volume, tag: 1', () => {
  expect(['rmi', 'nope'], 1, 'Error: No such image: nope:latest\n');
  expect(['history', 'nope'], 1, 'Error: No such image: nope:latest\n');
  expect(['tag', 'nope', 'x'], 1, 'Error: No such image: nope:latest\n');
  expect(['image', 'inspect', 'nope'], 1, 'Error: No such image: nope:latest\n');
  expect(['volume', 'inspect', 'nope'], 1, 'Error: get nope: no such volume\n');
  expect(['volume', 'rm', 'nope'], 1, 'Error: get nope: no such volume\n');
  expect(['push', '127.0.0.1:9/x'], 1, 'Error: An image does not exist locally with the tag: 127.0.0.1:9/x\n');
});

test('wrong state, in use, name conflict: 1 for the verb, 125 for run; create refused by the engine: 1', () => {
  expect(['kill', 'c1'], 1, `Error: Container ${created} is not running\n`);
  expect(['pause', 'c1'], 1, `Error: Container ${created} is not running\n`);
  expect(['unpause', 'r1'], 1, `Error: Container ${running} is not paused\n`);
  expect(['exec', 'c1', 'true'], 1, `Error: Container ${created} is not running\n`);
  expect(['attach', 'c1'], 1, 'Error: You cannot attach to a stopped container, start it first\n');
  expect(['rm', 'r1'], 1, 'Error: cannot remove container "/r1": container is running: stop the container before removing or force remove\n');
  const inUse = `Conflict. The container name "/r1" is already in use by container "${running}". You have to remove (or rename) that container to be able to reuse that name.\n`;
  expect(['rename', 'c1', 'r1'], 1, `Error: ${inUse}`);
  expect(['create', '--name', 'r1', 'bb', 'true'], 1, `Error: ${inUse}`);
  expect(['run', '--name', 'r1', 'bb', 'true'], 125, `berth: ${inUse}`);
  expect(['container', 'run', '--name', 'r1', 'bb', 'true'], 125, `berth: ${inUse}`);
  expect(['create', '--pull', 'never', 'nope'], 1, 'Error: No such image: nope:latest\n');
  expect(['run', '--pull', 'never', 'nope'], 125, 'berth: No such image: nope:latest\n');
  // create's own checks of its options stay 125, as docker's parse errors do
  expect(['create', '--name', 'bad/name', 'bb', 'true'], 125, /^Error: invalid container name "bad\/name"/);
  // stopping a stopped container succeeds, as in docker
  expect(['stop', 'c1'], 0, '');
  assert.is(t.ok(['ps', '-a', '-q']).split('\n').length, 2, 'no refused command made a container');
});

test('rm -f of a missing container: reported, not a failure (docker)', () => {
  expect(['rm', '-f', 'nope'], 0, 'Error: No such container: nope\n');
});

test('several targets: the others still act, the status is 1', () => {
  const r = t.berth(['stop', 'nope', 'c1']);
  assert.is(r.code, 1);
  assert.is(r.stdout, 'c1\n');
  assert.is(r.stderr, 'Error: No such container: nope\n');
});

test('unknown flags are named (125) whatever follows them; unknown verbs and argument counts: 1', () => {
  expect(['run', '-j', '8080:80', 'bb'], 125, "unknown shorthand flag: 'j' in -j\nSee 'berth run --help'.\n");
  expect(['run', '-itj', '80', 'bb'], 125, "unknown shorthand flag: 'j' in -itj\nSee 'berth run --help'.\n");
  expect(['logs', '--bogus', 'r1'], 125, "unknown flag: --bogus\nSee 'berth logs --help'.\n");
  expect(['container', 'logs', '--bogus=1', 'r1'], 125, "unknown flag: --bogus\nSee 'berth container logs --help'.\n");
  expect(['ps', '--bogus'], 125, "unknown flag: --bogus\nSee 'berth ps --help'.\n");
  expect(['ps', '-p', '8080:80'], 125, "unknown shorthand flag: 'p' in -p\nSee 'berth ps --help'.\n"); // the issue's own example
  expect(['events', '--bogus', '1'], 125, "unknown flag: --bogus\nSee 'berth events --help'.\n");
  expect(['foo'], 1, "berth: 'foo' is not a berth command.\nSee 'berth --help'\n");
  expect(['foo', 'bar'], 1, "berth: 'foo' is not a berth command.\nSee 'berth --help'\n");
  expect(['container', 'foo'], 1, "berth: 'container foo' is not a berth command.\nSee 'berth --help'\n");
  expect(['rm'], 1, "\"berth rm\" requires at least 1 argument.\nSee 'berth rm --help'.\n");
  expect(['ps', 'extra'], 1, "\"berth ps\" accepts no arguments.\nSee 'berth ps --help'.\n");
});

test.run();
