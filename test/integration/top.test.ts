// `top CONTAINER [ps OPTIONS]`: docker's form, the host's ps with the user's options and
// only the container's processes in its table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { parsePs } from '../../src/engine/container/top-ps.js';

const t = new TestRoot('berth-test-top-');
let init = 0;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  // two processes: the shell (PID 1 inside) and its sleep child
  t.seen.push(t.ok(['run', '-d', '--name', 'two', 'bb', 'sh', '-c', 'sleep 1000; true']));
  init = JSON.parse(t.ok(['inspect', 'two']))[0].State.Pid;
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** The table's header and rows, split on runs of spaces. */
const table = (out: string) => out.trim().split('\n').map((l) => l.trim().split(/\s{3,}/));

for (const [args, header] of [
  [['aux'], ['USER', 'PID', '%CPU', '%MEM', 'VSZ', 'RSS', 'TTY', 'STAT', 'START', 'TIME', 'COMMAND']],
  [['-ef'], ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']],
  [['-o', 'pid,comm'], ['PID', 'COMMAND']],
  [['-o pid,args'], ['PID', 'COMMAND']], // one word with a space: docker splits it too
  [['auxf'], ['USER', 'PID', '%CPU', '%MEM', 'VSZ', 'RSS', 'TTY', 'STAT', 'START', 'TIME', 'COMMAND']], // f refuses -q
] as const) {
  test(`top two ${args.join(' ')}: ps's columns, the container's two processes only`, () => {
    const r = t.berth(['top', 'two', ...args]);
    assert.is(r.code, 0, r.stderr);
    const [head, ...rows] = table(r.stdout);
    assert.equal(head, header);
    const pid = head.indexOf('PID');
    assert.is(rows.length, 2, r.stdout);
    assert.is(Number(rows[0][pid]), init, 'the init first, by its host pid');
    assert.match(rows[1][rows[1].length - 1], /sleep/);
  });
}

test('ps options that hide the pid column or rename another column to PID are refused', () => {
  const hidden = t.berth(['top', 'two', '-o', 'comm']);
  assert.is(hidden.code, 1);
  assert.match(hidden.stderr, /PID column/);
  const renamed = t.berth(['top', 'two', '-o', 'user=PID']);
  assert.is(renamed.code, 1);
  assert.match(renamed.stderr, /"user=PID" is not allowed/);
  const bad = t.berth(['top', 'two', '--no-such-ps-option']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /^Error: ps: /); // docker: the daemon refuses, status 1
});

test('thread lines (PID "-") follow the process they belong to; long commands stay one column', () => {
  const out = [
    'USER PID TID CMD',
    'root 7 - sleep 1000',
    'root - 7 -',
    'root 9 - other thing',
    'root - 9 -',
    'root 8 - sh -c x',
  ].join('\n');
  assert.equal(parsePs(out, new Set([7, 8])), {
    titles: ['USER', 'PID', 'TID', 'CMD'],
    processes: [['root', '7', '-', 'sleep 1000'], ['root', '-', '7', '-'], ['root', '8', '-', 'sh -c x']],
  });
});

test.run();
