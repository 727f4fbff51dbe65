// -i without a terminal: stdin piped through the monitor (EOF reaches the container),
// stdout and stderr kept apart, exit codes through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';

const t = new TestRoot('berth-test-stdin-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('echo hi | berth run -i --rm bb cat', () => {
  const r = t.berth(['run', '-i', '--rm', 'bb', 'cat'], { input: 'hi\n' });
  assert.is(r.code, 0);
  assert.is(r.stdout, 'hi\n');
  assert.is(r.stderr, '');
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('stdin EOF reaches the container; a large input arrives whole', () => {
  const big = Array.from({ length: 20000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const r = t.berth(['run', '-i', '--rm', 'bb', 'sh', '-c', 'wc -l; echo eof-seen'], { input: big });
  assert.is(r.code, 0);
  assert.is(r.stdout.trim().split(/\s+/).join(' '), '20000 eof-seen');
});

test('without a tty stdout and stderr stay separate, and the exit code comes back', () => {
  const r = t.berth(['run', '-i', '--rm', 'bb', 'sh', '-c', 'read x; echo "out $x"; echo "err $x" >&2; exit 4'], { input: 'v\n' });
  assert.is(r.stdout, 'out v\n');
  assert.is(r.stderr, 'err v\n');
  assert.is(r.code, 4);
});

test('without -i the container gets no stdin (EOF at once)', () => {
  const r = t.berth(['run', '--rm', 'bb', 'sh', '-c', 'cat; echo done'], { input: 'ignored\n' });
  assert.is(r.stdout, 'done\n');
});

test('-it with a pipe for stdin is refused as docker does, before anything is made', () => {
  const r = t.berth(['run', '-it', '--rm', 'bb', 'sh'], { input: 'ls\n', timeoutMs: 20_000 });
  assert.is(r.code, 125);
  assert.match(r.stderr, /not a TTY/);
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('a -d -i container keeps stdin open until an attach closes it', () => {
  const id = t.ok(['run', '-d', '-i', '--name', 'reader', 'bb', 'sh', '-c', 'cat > /tmp/got; echo got: $(cat /tmp/got)']);
  t.seen.push(id);
  assert.is(JSON.parse(t.ok(['inspect', 'reader']))[0].State.Status, 'running');
  const r = t.berth(['attach', 'reader'], { input: 'piped in\n' });
  assert.is(r.code, 0);
  assert.is(r.stdout, 'got: piped in\n');
  assert.is(JSON.parse(t.ok(['inspect', 'reader']))[0].State.ExitCode, 0);
});

/** Starts berth with a stdin that stays open, feeds it `line`, waits until the container
 * echoed it back (so the client is attached), then kills the client as `timeout -s KILL` would. */
async function killAttachedClient(args: string[], line: string): Promise<void> {
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const seen = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes(`got ${line}`)) resolve(); });
    child.on('exit', () => reject(new Error(`berth ended before attaching: ${out}`)));
  });
  child.stdin.write(`${line}\n`);
  await seen;
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await gone;
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !check();) {
    if (Date.now() > end) assert.unreachable(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a killed run -i client closes the container\'s stdin (StdinOnce): cat ends, --rm removes it', async () => {
  await killAttachedClient(['run', '--rm', '-i', '--name', 'once', 'bb', 'sh', '-c', 'read x; echo "got $x"; cat'], 'first');
  await until('the container is removed', () => t.berth(['inspect', 'once']).code !== 0);
});

test('a killed start -ai client closes its stdin too; a killed later attach does not (as docker)', async () => {
  t.seen.push(t.ok(['create', '-i', '--name', 'later', 'bb', 'sh', '-c', 'while read x; do echo "got $x"; done']));
  await killAttachedClient(['start', '-ai', 'later'], 'one');
  await until('the container exits', () => JSON.parse(t.ok(['inspect', 'later']))[0].State.Status === 'exited');
  t.ok(['start', 'later']); // no client: stdin stays open until an attach closes it
  await killAttachedClient(['attach', 'later'], 'two');
  await new Promise((r) => setTimeout(r, 1500));
  assert.is(JSON.parse(t.ok(['inspect', 'later']))[0].State.Status, 'running', 'a later attach does not own stdin');
  t.ok(['rm', '-f', 'later']);
});

test.run();
