// The container list over an engine that answers asynchronously (an API
// endpoint): two re-reads of one container in flight (a die, then a destroy),
// or of a whole list, may be answered out of order, and the model must end as the
// later one says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ContainerListModel } from '../../src/tui/model/containers.js';
import { LoadedList } from '../../src/tui/model/list.js';
import type { Backend } from '../../src/backend/index.js';
import type { ContainerSummary } from '../../src/engine/container/index.js';

const summary = (state: ContainerSummary['state']): ContainerSummary => ({
  id: 'c1', name: 'web', image: 'bb', imageId: 'sha256:1', command: 'sleep', created: '2026-01-01T00:00:00Z',
  state, status: state, labels: {}, pid: 0, mounts: [], networks: [], ports: [],
});

test('a re-read answered after a later one does not win', async () => {
  // the engine's answers, released by the test in the order it chooses
  const pending: Array<{ resolve(s: ContainerSummary): void; reject(e: Error): void }> = [];
  const engine = {
    containers: {
      list: async () => [summary('running')],
      summary: () => new Promise<ContainerSummary>((resolve, reject) => pending.push({ resolve, reject })),
    },
  } as unknown as Backend;
  const m = new ContainerListModel(engine);
  await m.loadAll();
  const afterDie = m.refresh('c1');
  const afterDestroy = m.refresh('c1');
  pending[1].reject(new Error('No such container: c1')); // the destroy's answer comes first
  await afterDestroy;
  assert.equal(m.get('c1'), undefined, 'destroyed: gone from the list');
  pending[0].resolve(summary('exited')); // then the die's, read before the destroy
  await afterDie;
  assert.equal(m.get('c1'), undefined, 'an older answer does not bring it back');
});

test('a list read answered after a later one does not win', async () => {
  const pending: Array<(v: string[]) => void> = [];
  const list = new LoadedList<string>({ read: () => new Promise<string[]>((r) => pending.push(r)) });
  const first = list.load(), second = list.load();
  pending[1](['new']);
  await second;
  pending[0](['old']);
  await first;
  assert.equal(list.all(), ['new']);
});

test.run();
