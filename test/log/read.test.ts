// readLog: joining partial lines, --tail read backwards (checked against the
// forward reader across chunk boundaries), --since/--until, missing files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, truncateSync, writeFileSync } from 'node:fs';
import { readLog, type LogRecord } from '../../src/engine/log/index.js';
import { T0, at, logText, stamp, tempDir, type Piece } from './logfile.js';

const { dir, remove } = tempDir();
test.after(remove);

const short = (rs: LogRecord[]) => rs.map((r) => `${r.stream}:${r.data}${r.partial ? '…' : ''}`);

test('P pieces join per stream, other streams in between; records come out when completed', async () => {
  const f = at(dir, 'join.log');
  writeFileSync(f, logText([
    ['stdout', 'P', 'hel'],
    ['stderr', 'F', 'oops'],
    ['stdout', 'P', 'lo '],
    ['stdout', 'F', 'world'],
    ['stdout', 'F', ''],
    ['stderr', 'P', 'unfinished'],
  ]));
  const rs = await readLog(f);
  assert.equal(short(rs), ['stderr:oops', 'stdout:hello world', 'stdout:', 'stderr:unfinished…']);
  assert.is(rs[1].time, stamp(0), 'a joined line carries the time of its first piece');
});

test('a line without its newline (being written) is left out; garbage lines are skipped', async () => {
  const f = at(dir, 'torn.log');
  writeFileSync(f, 'not a record\n' + logText([['stdout', 'F', 'a']]) + `${stamp(9)} stdout F b`);
  assert.equal(short(await readLog(f)), ['stdout:a']);
});

test('a missing log is empty, and --tail 0 shows nothing', async () => {
  assert.equal(await readLog(at(dir, 'nope.log')), []);
  const f = at(dir, 'zero.log');
  writeFileSync(f, logText([['stdout', 'F', 'a']]));
  assert.equal(await readLog(f, { tail: 0 }), []);
});

test('tail: the last N records, a partial line started far before them included whole', async () => {
  const f = at(dir, 'tail.log');
  writeFileSync(f, logText([
    ['stdout', 'P', 'a1'],
    ['stderr', 'F', 'q'],
    ['stdout', 'F', 'a2'],
    ['stderr', 'F', 'r'],
    ['stdout', 'P', 'z'],
  ]));
  assert.equal(short(await readLog(f, { tail: 1 })), ['stdout:z…']);
  assert.equal(short(await readLog(f, { tail: 2 })), ['stderr:r', 'stdout:z…']);
  assert.equal(short(await readLog(f, { tail: 3 })), ['stdout:a1a2', 'stderr:r', 'stdout:z…']);
  assert.equal(short(await readLog(f, { tail: 99 })), ['stderr:q', 'stdout:a1a2', 'stderr:r', 'stdout:z…']);
});

// A log of a few hundred KiB: lines of varied length, long lines split into
// many P pieces (one spans several 64 KiB chunks), multi-byte characters that
// land on chunk boundaries. Backwards and forwards reading must agree.
function bigLog(): Piece[] {
  const pieces: Piece[] = [];
  let seed = 7;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  for (let i = 0; i < 4000; i++) {
    const stream = rnd(4) === 0 ? 'stderr' : 'stdout';
    const text = `${i} ` + 'é€x'.repeat(rnd(60));
    if (rnd(10) === 0) {
      const parts = 1 + rnd(5);
      for (let p = 0; p < parts; p++) pieces.push([stream, 'P', `${text}<${p}>`]);
    }
    if (i === 2000) for (let p = 0; p < 60; p++) pieces.push(['stdout', 'P', 'L'.repeat(4000)]);
    pieces.push([stream, 'F', text]);
  }
  pieces.push(['stderr', 'P', 'tail-end']);
  return pieces;
}

test('tail across chunk boundaries agrees with reading the whole log', async () => {
  const f = at(dir, 'big.log');
  writeFileSync(f, logText(bigLog()));
  const all = await readLog(f);
  assert.ok(all.length > 4000);
  assert.ok(all.some((r) => r.data.length >= 240_000), 'the 240 KB line is one record');
  for (const n of [1, 2, 3, 10, 100, 777, 1999, 2001, 3999, all.length, all.length + 10]) {
    const got = await readLog(f, { tail: n });
    assert.equal(got, all.slice(-n), `tail ${n}`);
  }
});

test('tail does not read the whole file: 1 GiB before the last lines costs nothing', async () => {
  const f = at(dir, 'huge.log');
  writeFileSync(f, '');
  truncateSync(f, 1024 ** 3); // sparse: no disk used, but reading it all would take seconds and 1 GiB of memory
  appendFileSync(f, '\n' + logText([['stdout', 'F', 'one'], ['stdout', 'P', 't'], ['stdout', 'F', 'wo'], ['stderr', 'F', 'three']]));
  const t0 = performance.now();
  const got = await readLog(f, { tail: 2 });
  const ms = performance.now() - t0;
  assert.equal(short(got), ['stdout:two', 'stderr:three']);
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
});

test('since and until keep the records in between (inclusive), by the first piece time', async () => {
  const f = at(dir, 'time.log');
  writeFileSync(f, logText([
    ['stdout', 'F', 'r0'], ['stdout', 'F', 'r1'], ['stdout', 'P', 'r2'], ['stdout', 'F', '+'],
    ['stdout', 'F', 'r4'], ['stdout', 'F', 'r5'],
  ]));
  const ms = (i: number) => new Date(T0 + i);
  assert.equal(short(await readLog(f, { since: ms(2) })), ['stdout:r2+', 'stdout:r4', 'stdout:r5']);
  assert.equal(short(await readLog(f, { since: ms(3) })), ['stdout:r4', 'stdout:r5'], 'a line that began before since is out');
  assert.equal(short(await readLog(f, { until: ms(1) })), ['stdout:r0']);
  assert.equal(short(await readLog(f, { since: ms(1), until: ms(4) })), ['stdout:r1', 'stdout:r2+']);
  // docker applies --tail first, then the time filter
  assert.equal(short(await readLog(f, { tail: 2, since: ms(5) })), ['stdout:r5']);
});

test('maxLineBytes: a long line keeps its last pieces, read backwards or forwards, marked cut', async () => {
  const f = at(dir, 'long-line.log');
  const long: Piece[] = [['stdout', 'F', 'before']];
  for (let p = 0; p < 200; p++) long.push(['stdout', 'P', `${String(p).padStart(3, '0')}${'x'.repeat(997)}`]);
  long.push(['stderr', 'F', 'between'], ['stdout', 'F', 'END'], ['stdout', 'F', 'after']);
  writeFileSync(f, logText(long));
  const check = (rs: LogRecord[], how: string): void => {
    assert.equal(rs.map((r) => r.data.length > 100 ? `${r.stream}:<${r.data.length}>` : `${r.stream}:${r.data}`).filter((x) => !x.startsWith('stdout:<')),
      how === 'tail' ? ['stderr:between', 'stdout:after'] : ['stdout:before', 'stderr:between', 'stdout:after'], how);
    const cut = rs.find((r) => r.data.length > 100)!;
    assert.ok(cut.cut, `${how}: marked cut`);
    // at least the limit, less than the limit and one piece: the line's end, whole pieces
    assert.ok(cut.data.length >= 5000 && cut.data.length < 6000, `${how}: ${cut.data.length} bytes kept`);
    assert.ok(cut.data.toString().endsWith('xEND'), how);
    assert.match(cut.data.toString(), /^\d{3}x/, `${how}: starts at a piece`);
  };
  check(await readLog(f, { tail: 3, maxLineBytes: 5000 }), 'tail');
  check(await readLog(f, { maxLineBytes: 5000 }), 'forward');
  // without the bound: the whole line, as docker prints it
  const whole = await readLog(f, { tail: 3 });
  assert.is(whole.find((r) => r.data.length > 100)!.data.length, 200 * 1000 + 3);
  assert.not.ok(whole.some((r) => r.cut));
});

test.run();
