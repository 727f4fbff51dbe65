// Health checks on data (no kernel): docker's CLI parse of the --health-* flags and
// its messages, the daemon's merge with the image's HEALTHCHECK and its checks, the
// probe's command for CMD and CMD-SHELL, Go's duration text, and moby's rules for a
// probe's result (retries, the start period, the 5 kept results).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  goDurationString, healthTimings, mergeHealthcheck, parseHealthFlags, probeCommand, validateHealthcheck,
} from '../../src/engine/container/health-config.js';
import { applyProbeResult, type HealthResult, type HealthState } from '../../src/engine/container/health.js';

test('flags: none given = the image decides; any given = a config with the others 0; --no-healthcheck = NONE', () => {
  assert.is(parseHealthFlags({}), undefined);
  assert.equal(parseHealthFlags({ cmd: 'curl -f localhost', interval: '1m30s', retries: '5' }),
    { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 90e9, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 5 });
  assert.equal(parseHealthFlags({ timeout: '1.5s' }), { Interval: 0, Timeout: 1.5e9, StartPeriod: 0, StartInterval: 0, Retries: 0 });
  assert.equal(parseHealthFlags({ none: true }), { Test: ['NONE'] });
  // docker's haveHealthSettings: zeros are no settings, the image's check stays as it is
  assert.is(parseHealthFlags({ interval: '0', retries: '0', timeout: '0s' }), undefined);
  assert.equal(parseHealthFlags({ none: true, interval: '0s' }), { Test: ['NONE'] });
});

test("flags: docker's messages", () => {
  const bad: [Parameters<typeof parseHealthFlags>[0], string][] = [
    [{ interval: '30' }, 'invalid argument "30" for "--health-interval" flag: time: invalid duration "30"'],
    [{ startPeriod: 'soon' }, 'invalid argument "soon" for "--health-start-period" flag: time: invalid duration "soon"'],
    [{ timeout: '-1s' }, '--health-timeout cannot be negative'],
    [{ startInterval: '-5ms' }, '--health-start-interval cannot be negative'],
    [{ retries: '-2' }, '--health-retries cannot be negative'],
    [{ retries: '2.5' }, 'invalid argument "2.5" for "--health-retries" flag: strconv.ParseInt: parsing "2.5": invalid syntax'],
    [{ none: true, interval: '1s' }, '--no-healthcheck conflicts with --health-* options'],
    [{ none: true, interval: '-1s' }, '--no-healthcheck conflicts with --health-* options'],
  ];
  for (const [flags, msg] of bad) assert.throws(() => parseHealthFlags(flags), (e: Error) => e.message === msg, JSON.stringify(flags));
});

test("merge: the image's fields fill what the user left unset; the user's win", () => {
  const image = { Test: ['CMD', 'true'], Interval: 5e9, Timeout: 2e9, StartPeriod: 1e9, StartInterval: 1e8, Retries: 4 };
  assert.equal(mergeHealthcheck(undefined, image), image);
  assert.is(mergeHealthcheck(undefined, undefined), undefined);
  assert.equal(mergeHealthcheck({ Retries: 9, Interval: 0 }, image), { ...image, Retries: 9 });
  assert.equal(mergeHealthcheck({ Test: ['NONE'] }, image), { ...image, Test: ['NONE'] });
  assert.equal(mergeHealthcheck({ Test: ['CMD-SHELL', 'x'] }, undefined), { Test: ['CMD-SHELL', 'x'] });
});

test('validate: durations of at least 1ms (0 = default), retries not negative', () => {
  validateHealthcheck({ Interval: 1e6, Timeout: 0, StartPeriod: 0, StartInterval: 2e6, Retries: 0 });
  assert.throws(() => validateHealthcheck({ Interval: 999_999 }), /^Interval in Healthcheck cannot be less than 1ms$/);
  assert.throws(() => validateHealthcheck({ Timeout: 10 }), /^Timeout in Healthcheck cannot be less than 1ms$/);
  assert.throws(() => validateHealthcheck({ StartInterval: 10 }), /^StartInterval in Healthcheck cannot be less than 1ms$/);
  assert.throws(() => validateHealthcheck({ Retries: -1 }), /^Retries in Healthcheck cannot be negative$/);
});

test('probe command: CMD as argv, CMD-SHELL through /bin/sh -c, nothing for NONE, empty or unknown kinds', () => {
  assert.equal(probeCommand({ Test: ['CMD', 'curl', '-f', 'http://x/'] }), ['curl', '-f', 'http://x/']);
  assert.equal(probeCommand({ Test: ['CMD-SHELL', 'curl -f http://x/ || exit 1'] }), ['/bin/sh', '-c', 'curl -f http://x/ || exit 1']);
  for (const Test of [['NONE'], [], ['CMD'], ['SHELL', 'x']]) assert.is(probeCommand({ Test }), undefined, JSON.stringify(Test));
  assert.is(probeCommand(undefined), undefined);
  assert.equal(healthTimings({}), { interval: 30_000, timeout: 30_000, startPeriod: 0, startInterval: 5_000, retries: 3 });
});

test("Go's duration text (the timeout message)", () => {
  for (const [ms, s] of [[30_000, '30s'], [250, '250ms'], [1500, '1.5s'], [90_000, '1m30s'], [3_600_000, '1h0m0s'], [0, '0s'], [0.5, '500µs']] as const) {
    assert.is(goDurationString(ms), s, String(ms));
  }
});

const at = (ms: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + ms).toISOString();
const result = (ms: number, code: number): HealthResult => ({ Start: at(ms), End: at(ms + 10), ExitCode: code, Output: '' });
const starting: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };

test('results: retries failures in a row make it unhealthy, a success resets, 5 results kept', () => {
  const hc = { Retries: 2 };
  let h = applyProbeResult(starting, result(1000, 1), hc, at(0));
  assert.equal([h.Status, h.FailingStreak], ['starting', 1]);
  h = applyProbeResult(h, result(2000, 2), hc, at(0));
  assert.equal([h.Status, h.FailingStreak], ['unhealthy', 2]);
  h = applyProbeResult(h, result(3000, 0), hc, at(0));
  assert.equal([h.Status, h.FailingStreak], ['healthy', 0]);
  h = applyProbeResult(h, result(4000, -1), hc, at(0));
  assert.equal([h.Status, h.FailingStreak], ['healthy', 1], 'one failure is not enough');
  for (let i = 0; i < 4; i++) h = applyProbeResult(h, result(5000 + i * 1000, 1), hc, at(0));
  assert.is(h.Status, 'unhealthy');
  assert.is(h.Log.length, 5);
  assert.is(h.Log[4].Start, at(8000), 'the newest last');
});

test('results: failures inside the start period do not count while starting; after a success they do', () => {
  const hc = { Retries: 1, StartPeriod: 10e9 };
  let h = applyProbeResult(starting, result(1000, 1), hc, at(0));
  assert.equal([h.Status, h.FailingStreak], ['starting', 0]);
  h = applyProbeResult(h, result(9000, 1), hc, at(0));
  assert.equal([h.Status, h.FailingStreak], ['starting', 0]);
  assert.is(h.Log.length, 2, 'forgiven results are still logged');
  const after = applyProbeResult(h, result(10_000, 1), hc, at(0));
  assert.equal([after.Status, after.FailingStreak], ['unhealthy', 1]);
  const healthy = applyProbeResult(h, result(2000, 0), hc, at(0));
  const failed = applyProbeResult(healthy, result(3000, 1), hc, at(0));
  assert.equal([failed.Status, failed.FailingStreak], ['unhealthy', 1], 'healthy once: the start period is over for it');
});

test.run();
