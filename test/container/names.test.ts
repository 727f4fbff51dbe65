// The name index (container/names.ts): create and rename find a taken name without reading
// every record, and an entry that no longer matches its record (removed, renamed away, a
// create killed before its commit, a root made before the index) never takes a name away.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readlinkSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/index.js';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-names-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** The message a promise rejects with ('' if it resolves). */
const failure = async (p: () => Promise<unknown>): Promise<string> => {
  try { await p(); } catch (e) { return (e as Error).message; }
  return '';
};

const names = () => join(t.root, 'containers', '.names');
const opts = (name?: string) => ({ image: 'bb', cmd: ['true'], network: { mode: 'none' as const }, ...(name ? { name } : {}) });

test('a taken name is refused; removed and renamed-away names are free again', async () => {
  const c = Engine.open({ root: t.root }).containers;
  const a = await c.create(opts('alpha'));
  t.seen.push(a.id);
  assert.is(readlinkSync(join(names(), 'alpha')), a.id);
  assert.match(await failure(() => c.create(opts('alpha'))), /The container name "\/alpha" is already in use by container "[0-9a-f]{64}"/);
  assert.is(c.find('alpha').id, a.id);

  await c.rename('alpha', 'beta');
  assert.is(c.find('beta').id, a.id);
  assert.throws(() => c.find('alpha'), /No such container/);
  const b = await c.create(opts('alpha')); // the old entry points at a record named beta now
  t.seen.push(b.id);
  assert.match(await failure(() => c.rename('alpha', 'beta')), /"\/beta" is already in use/);

  await c.remove(b.id, { force: true });
  assert.not.ok(existsSync(join(names(), 'alpha')), 'rm drops the entry of the name it frees');
  symlinkSync(b.id, join(names(), 'alpha')); // as a killed rm leaves it: pointing at a removed container
  const again = await c.create(opts('alpha'));
  t.seen.push(again.id);
  assert.is(c.find('alpha').id, again.id);
  for (const id of [a.id, again.id]) await c.remove(id, { force: true });
});

test('a root made before the index: the first create indexes every record, so no name is given twice', async () => {
  const c = Engine.open({ root: t.root }).containers;
  const a = await c.create(opts('old'));
  t.seen.push(a.id);
  rmSync(names(), { recursive: true }); // as an older berth left the root
  assert.match(await failure(() => c.create(opts('old'))), /"\/old" is already in use/);
  assert.equal(readdirSync(names()), ['old']);
  await c.remove(a.id, { force: true });
});

test('an entry pointing at no container (a create killed before its commit) is free', async () => {
  const c = Engine.open({ root: t.root }).containers;
  const first = await c.create(opts('seed')); // the index exists from here on
  t.seen.push(first.id);
  symlinkSync('f'.repeat(64), join(names(), 'ghost'));
  const g = await c.create(opts('ghost'));
  t.seen.push(g.id);
  assert.is(readlinkSync(join(names(), 'ghost')), g.id);
  assert.ok(!existsSync(join(t.root, 'containers', 'f'.repeat(64))));
  for (const id of [first.id, g.id]) await c.remove(id, { force: true });
});

test.run();
