// The set-up every test/network file shares: it runs inside the runner's network
// namespace, imports busybox as `bb`, and at the end leaves nothing behind.
// TestRoot.cleanup removes the root's bridges (berth0 too) and berth's nft table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readlinkSync } from 'node:fs';
import { busyboxTar } from './fixtures.js';
import type { TestRoot } from './root.js';

export function networkSuite(t: TestRoot): void {
  test.before(() => {
    assert.is(process.env.BERTH_TEST_NETNS, readlinkSync('/proc/self/ns/net'), 'runs under test/run.js');
    t.ok(['import', busyboxTar(), 'bb']);
  });
  test.after(() => {
    const left = t.cleanup();
    assert.equal(left, [], `left behind: ${left.join('; ')}`);
  });
}
