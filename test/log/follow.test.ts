// followLog: existing records, then appends (from timers, as the monitor would
// write them), ending when done() and everything written is read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { followLog, type FollowOptions, type LogRecord } from '../../src/engine/log/index.js';
import { at, logText, tempDir } from './logfile.js';

const { dir, remove } = tempDir();
test.after(remove);

const short = (r: LogRecord) => `${r.stream}:${r.data}${r.partial ? '…' : ''}`;

/** Runs a follow to its end, failing (not hanging) after `ms`. */
async function collect(path: string, opts: Partial<FollowOptions> & { done: () => boolean }, ms = 5000, seen: string[] = []): Promise<string[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    for await (const r of followLog(path, { signal: opts.signal ?? ac.signal, ...opts })) seen.push(short(r));
  } finally {
    clearTimeout(timer);
  }
  if (ac.signal.aborted) throw new Error(`follow did not end within ${ms} ms; saw ${JSON.stringify(seen)}`);
  return seen;
}

test('yields what is there, then appends, and ends once done and drained', async () => {
  const f = at(dir, 'live.log');
  writeFileSync(f, logText([['stdout', 'F', 'old']]));
  let done = false;
  (async () => {
    for (let i = 0; i < 5; i++) {
      await sleep(30);
      appendFileSync(f, logText([['stdout', 'F', `new${i}`]], 10 + i));
    }
    // the last write and the exit in the same tick: the follower must still read it
    appendFileSync(f, logText([['stderr', 'F', 'last']], 20));
    done = true;
  })();
  assert.equal(await collect(f, { done: () => done }), ['stdout:old', 'stdout:new0', 'stdout:new1', 'stdout:new2', 'stdout:new3', 'stdout:new4', 'stderr:last']);
});

test('waits for a log that does not exist yet', async () => {
  const f = at(dir, 'later.log');
  let done = false;
  setTimeout(() => writeFileSync(f, logText([['stdout', 'F', 'hello']])), 150);
  setTimeout(() => { done = true; }, 300);
  assert.equal(await collect(f, { done: () => done }), ['stdout:hello']);
});

test('ends at once when done and there is no log', async () => {
  assert.equal(await collect(at(dir, 'never.log'), { done: () => true }, 1000), []);
});

test('a line written in two halves and in P pieces comes out whole', async () => {
  const f = at(dir, 'halves.log');
  writeFileSync(f, '');
  let done = false;
  const text = logText([['stdout', 'P', 'ab'], ['stderr', 'F', 'x'], ['stdout', 'F', 'cd']]);
  (async () => {
    await sleep(50);
    appendFileSync(f, text.slice(0, 45)); // mid-line: nothing may come out of it yet
    await sleep(80);
    appendFileSync(f, text.slice(45));
    await sleep(50);
    done = true;
  })();
  assert.equal(await collect(f, { done: () => done }), ['stderr:x', 'stdout:abcd']);
});

test('tail: only the last N existing records, then everything new', async () => {
  const f = at(dir, 'tailf.log');
  writeFileSync(f, logText([['stdout', 'F', 'a'], ['stdout', 'F', 'b'], ['stdout', 'F', 'c'], ['stdout', 'P', 'd']]));
  let done = false;
  setTimeout(() => { appendFileSync(f, logText([['stdout', 'F', 'e'], ['stdout', 'F', 'f']], 10)); done = true; }, 100);
  assert.equal(await collect(f, { tail: 2, done: () => done }), ['stdout:c', 'stdout:de', 'stdout:f']);
  assert.equal(await collect(f, { tail: 0, done: () => true }), []);
});

test('pieces: a P piece comes out before its line ends (a prompt shows at once)', async () => {
  const f = at(dir, 'prompt.log');
  writeFileSync(f, logText([['stdout', 'F', 'before'], ['stdout', 'P', 'name']]));
  let done = false;
  const seen: string[] = [];
  (async () => {
    await sleep(100);
    appendFileSync(f, logText([['stdout', 'P', '? ']], 5));
    // the follower shows the open pieces before the line is finished
    for (let i = 0; i < 50 && !seen.includes('stdout:? …'); i++) await sleep(20);
    appendFileSync(f, logText([['stdout', 'F', 'bob']], 6));
    done = true;
  })();
  assert.equal(await collect(f, { pieces: true, done: () => done }, 5000, seen), ['stdout:before', 'stdout:name…', 'stdout:? …', 'stdout:bob']);
});

test('a line never finished is flushed as partial when done', async () => {
  const f = at(dir, 'cut.log');
  writeFileSync(f, logText([['stdout', 'F', 'a'], ['stdout', 'P', 'cut']]));
  assert.equal(await collect(f, { done: () => true }), ['stdout:a', 'stdout:cut…']);
});

test('since and until apply to followed records; until ends the follow', async () => {
  const f = at(dir, 'until.log');
  writeFileSync(f, logText([['stdout', 'F', 'r0'], ['stdout', 'F', 'r1'], ['stdout', 'F', 'r2'], ['stdout', 'F', 'r3']]));
  const t0 = Date.UTC(2026, 10, 22, 21, 40, 0);
  // never done: the until bound alone must end it
  assert.equal(await collect(f, { since: new Date(t0 + 1), until: new Date(t0 + 2), done: () => false }), ['stdout:r1']);
});

test('abort ends the follow quietly', async () => {
  const f = at(dir, 'abort.log');
  writeFileSync(f, logText([['stdout', 'F', 'a']]));
  const ac = new AbortController();
  const seen: string[] = [];
  setTimeout(() => ac.abort(), 150);
  const t0 = performance.now();
  for await (const r of followLog(f, { signal: ac.signal, done: () => false })) seen.push(short(r));
  assert.equal(seen, ['stdout:a']);
  assert.ok(performance.now() - t0 < 1000, 'ended soon after the abort');
});

test.run();
