// docker's progress output: sizes and bars, plain lines (one per status change,
// byte counts dropped) for pipes, redrawn lines for terminals, nothing with -q.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { createProgress, humanSize, progressBar } from '../../src/engine/registry/progress.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

function sink(): { out: Writable; text: () => string } {
  let s = '';
  const out = new Writable({ write(c, _e, cb) { s += c.toString(); cb(); } });
  return { out, text: () => s };
}

test('sizes and bars as docker prints them', () => {
  assert.is(humanSize(0), '0B');
  assert.is(humanSize(999), '999B');
  assert.is(humanSize(1234), '1.23kB');
  assert.is(humanSize(2_345_678), '2.35MB');
  assert.is(progressBar(0, 100), `[${' '.repeat(50)}]  0B/100B`);
  assert.is(progressBar(50, 100), `[${'='.repeat(24)}>${' '.repeat(25)}]  50B/100B`);
  assert.is(progressBar(100, 100), `[${'='.repeat(50)}]  100B/100B`);
  assert.is(progressBar(1500), '1.5kB', 'no total: just the bytes');
});

test('plain: each status once per layer, in order, byte updates collapsed', () => {
  const { out, text } = sink();
  const p = createProgress('plain', out);
  p.line('v1: Pulling from bb');
  p.status(D1, 'Pulling fs layer');
  p.status(D2, 'Already exists');
  p.status(D1, 'Downloading', { done: 1, total: 10 });
  p.status(D1, 'Downloading', { done: 5, total: 10 });
  p.status(D1, 'Pull complete');
  p.end();
  assert.is(text(), `v1: Pulling from bb\n${'a'.repeat(12)}: Pulling fs layer\n${'b'.repeat(12)}: Already exists\n${'a'.repeat(12)}: Downloading\n${'a'.repeat(12)}: Pull complete\n`);
});

test('tty: lines redrawn in place (cursor up, clear line); quiet writes nothing', () => {
  const { out, text } = sink();
  const p = createProgress('tty', out);
  p.status(D1, 'Pulling fs layer');
  p.status(D2, 'Pulling fs layer');
  p.status(D1, 'Pull complete');
  p.end();
  const last = text().split('\x1b[2A').pop()!;
  assert.is(last, `\r\x1b[2K${'a'.repeat(12)}: Pull complete\n\r\x1b[2K${'b'.repeat(12)}: Pulling fs layer\n`);
  const q = sink();
  const quiet = createProgress('quiet', q.out);
  quiet.line('x');
  quiet.status(D1, 'y');
  quiet.end();
  assert.is(q.text(), '');
});

test.run();
