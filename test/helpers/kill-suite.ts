// The set-up the files that kill berth commands mid-way share (test/reliability's
// crash points and parallel soak): busybox as `bb`, and a loopback registry that
// holds it as REGISTRY/bb:latest for pull and push. At the end the registry
// stops, and the leak check covers every container a killed command may have
// made, also those no listing shows: the ones the events name and the ones whose
// monitors still run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { busyboxTar } from './fixtures.js';
import { idsFromEvents, idsOfMonitors } from './procs.js';
import { startRegistry, type TestRegistry } from './registry.js';
import type { TestRoot } from './root.js';

/** Registers the file's before and after; the registry is there once the tests run. */
export function killSuite(t: TestRoot): { readonly registry: TestRegistry } {
  let registry: TestRegistry | undefined;
  test.before(async () => {
    t.ok(['import', busyboxTar(), 'bb']);
    registry = await startRegistry();
    t.ok(['tag', 'bb', `${registry.addr}/bb:latest`]);
    t.ok(['push', `${registry.addr}/bb:latest`]);
  });
  test.after(async () => {
    await registry?.stop();
    for (const id of [...idsFromEvents(t.root), ...idsOfMonitors(t.root)]) t.seen.push(id);
    const left = t.cleanup();
    assert.equal(left, [], `left behind: ${left.join('; ')}`);
  });
  return { get registry() { if (!registry) throw new Error('the registry starts in test.before'); return registry; } };
}
