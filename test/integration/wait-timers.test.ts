// Waiting for a container's exit leaves nothing behind in the waiting process: a CLI
// call (stop, rm -f, wait) ends when the container does. The wait races a directory
// watch against a fallback timer; a timer left running kept `berth stop -t 0` alive
// up to 200 ms after its work was done.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../../src/engine/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-waittimers-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('stop -t 0 and wait leave no timer running once they return', async () => {
  const engine = Engine.open({ root: t.root });
  const before = timers();
  const a = t.ok(['run', '-d', '--network', 'none', 'bb', 'sleep', '1000']);
  t.seen.push(a);
  await engine.containers.stop(a, { timeout: 0 });
  assert.is(timers(), before, 'stop');
  const b = t.ok(['run', '-d', '--network', 'none', 'bb', 'sleep', '1000']);
  t.seen.push(b);
  const waited = engine.containers.wait(b);
  setTimeout(() => t.ok(['kill', b]), 300); // the wait is under way when the container ends
  assert.is(await waited, 137);
  assert.is(timers(), before, 'wait');
  t.ok(['rm', a, b]);
});

test.run();
