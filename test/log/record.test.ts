// One log line, and docker's --since/--until values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLine, parseSince, parseTimeNs } from '../../src/engine/log/index.js';
import { BerthError } from '../../src/engine/errors.js';

test('parseLine reads time, stream, flag and text', () => {
  const r = parseLine(Buffer.from('2026-11-22T21:40:00.123456789Z stdout F hello world'));
  assert.equal(r, {
    time: '2026-11-22T21:40:00.123456789Z',
    timeNs: BigInt(Date.UTC(2026, 10, 22, 21, 40, 0)) * 1_000_000n + 123_456_789n,
    stream: 'stdout', data: Buffer.from('hello world'), partial: false,
  });
  const p = parseLine(Buffer.from('2026-11-22T21:40:00Z stderr P  two  spaces '));
  assert.is(p?.stream, 'stderr');
  assert.is(p?.partial, true);
  assert.is(p?.data.toString(), ' two  spaces ', 'the text is everything after the one separator, spaces kept');
});

test('parseLine takes an empty line with or without the separator', () => {
  assert.is(parseLine(Buffer.from('2026-11-22T21:40:00Z stdout F '))?.data.toString(), '');
  assert.is(parseLine(Buffer.from('2026-11-22T21:40:00Z stdout F'))?.data.toString(), '');
});

test('parseLine refuses what is not a record', () => {
  assert.is(parseLine(Buffer.from('')), undefined);
  assert.is(parseLine(Buffer.from('hello')), undefined);
  assert.is(parseLine(Buffer.from('2026-11-22T21:40:00Z stdin F x')), undefined);
  assert.is(parseLine(Buffer.from('2026-11-22T21:40:00Z stdout X x')), undefined);
  assert.is(parseLine(Buffer.from('yesterday stdout F x')), undefined);
  assert.is(parseLine(Buffer.from('2026-11-22T21:40:00Z stdout Fx')), undefined);
});

test('timestamps with offsets are the same instant as in UTC', () => {
  assert.is(parseTimeNs('2026-11-22T22:40:00.5+01:00'), parseTimeNs('2026-11-22T21:40:00.500000000Z'));
  assert.is(parseTimeNs('2026-11-22T20:10:00-01:30'), parseTimeNs('2026-11-22T21:40:00Z'));
  assert.is(parseTimeNs('2026-11-22 21:40'), undefined);
});

const now = new Date('2026-11-22T21:40:00.000Z');

test('parseSince: relative durations count back from now', () => {
  assert.is(parseSince('10m', now).toISOString(), '2026-11-22T21:30:00.000Z');
  assert.is(parseSince('1h30m', now).toISOString(), '2026-11-22T20:10:00.000Z');
  assert.is(parseSince('1.5h', now).toISOString(), '2026-11-22T20:10:00.000Z');
  assert.is(parseSince('250ms', now).toISOString(), '2026-11-22T21:39:59.750Z');
  assert.is(parseSince('-5s', now).toISOString(), '2026-11-22T21:40:05.000Z');
});

test('parseSince: RFC3339 timestamps, with zone or local', () => {
  assert.is(parseSince('2013-01-02T13:23:37Z', now).toISOString(), '2013-01-02T13:23:37.000Z');
  assert.is(parseSince('2013-01-02T13:23:37.123456789Z', now).toISOString(), '2013-01-02T13:23:37.123Z');
  assert.is(parseSince('2013-01-02T14:23:37+01:00', now).toISOString(), '2013-01-02T13:23:37.000Z');
  assert.is(parseSince('2013-01-02T13:23Z', now).toISOString(), '2013-01-02T13:23:00.000Z');
  assert.is(parseSince('2013-01-02T13:23:37', now).getTime(), new Date(2013, 0, 2, 13, 23, 37).getTime());
  assert.is(parseSince('2013-01-02', now).getTime(), new Date(2013, 0, 2).getTime());
});

test('parseSince: unix seconds, with a fraction', () => {
  assert.is(parseSince('1700000000', now).getTime(), 1_700_000_000_000);
  assert.is(parseSince('1700000000.25', now).getTime(), 1_700_000_000_250);
  assert.is(parseSince('0', now).getTime(), 0, '"0" is the epoch, not a zero duration');
});

test('parseSince refuses nonsense with INVALID_ARGUMENT', () => {
  for (const bad of ['', 'yesterday', '10x', '2013-02-30', '2013-01-02T25:00Z', '12:30', 'm']) {
    try {
      parseSince(bad, now);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (e) {
      assert.instance(e, BerthError, `for ${JSON.stringify(bad)}: ${e}`);
      assert.is((e as BerthError).code, 'INVALID_ARGUMENT');
    }
  }
});

test.run();
