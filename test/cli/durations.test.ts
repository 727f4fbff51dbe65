// "Up 5 seconds", "2 minutes ago": docker's units.HumanDuration, which cuts seconds and
// minutes down (1.9 s is "1 second") and rounds hours; days, weeks, months and years are
// whole hours divided down. ps against a Docker endpoint prints the daemon's Status next
// to berth's CREATED, so the two must count alike (test/cli/endpoint-verbs compares them).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ago, humanDuration } from '../../src/engine/format.js';

const S = 1000, M = 60 * S, H = 60 * M;

test("docker's HumanDuration, boundary by boundary", () => {
  const cases: Array<[number, string]> = [
    [999, 'Less than a second'], [1000, '1 second'], [1999, '1 second'], [2000, '2 seconds'], [59_999, '59 seconds'],
    [60 * S, 'About a minute'], [119 * S, 'About a minute'], [120 * S, '2 minutes'], [59 * M + 59 * S, '59 minutes'],
    [60 * M, 'About an hour'], [89 * M, 'About an hour'], [90 * M, '2 hours'], [47 * H, '47 hours'],
    [48 * H, '2 days'], [71 * H, '2 days'], [14 * 24 * H, '2 weeks'], [60 * 24 * H, '2 months'], [800 * 24 * H, '2 years'],
  ];
  for (const [ms, words] of cases) assert.is(humanDuration(ms), words, `${ms} ms`);
  assert.is(ago(new Date(10_000 - 1900).toISOString(), 10_000), '1 second ago');
});

test.run();
