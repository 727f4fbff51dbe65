// network rm -f and network prune --filter as docker: rm -f of a network that
// does not exist succeeds and names nothing (docker's CLI prints only what it
// removed; volume rm -f prints the name, as docker's does), a network in use is
// still refused under -f; prune keeps what until=, label= and label!= keep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestRoot } from '../helpers/root.js';
import { networkSuite } from '../helpers/network-suite.js';

const t = new TestRoot('berth-test-netrm-');
const names = () => t.ok(['network', 'ls', '--format', '{{.Name}}']).split('\n').sort();

networkSuite(t);

test('rm -f: a missing network is no error and prints nothing; one in use is still refused', () => {
  t.ok(['network', 'create', 'used']);
  t.ok(['network', 'create', 'spare']);
  const r = t.berth(['network', 'rm', '-f', 'nope', 'spare']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'spare\n');
  assert.is(r.stderr, '');
  const plain = t.berth(['network', 'rm', 'nope']);
  assert.is(plain.code, 1);
  assert.match(plain.stderr, /network nope not found|No such network: nope/);
  t.ok(['run', '-d', '--name', 'c', '--network', 'used', 'bb', 'sleep', '60']);
  const busy = t.berth(['network', 'rm', '-f', 'used']);
  assert.is(busy.code, 1);
  assert.match(busy.stderr, /has active endpoints/);
  t.ok(['rm', '-f', 'c']);
  t.ok(['network', 'rm', 'used']);
  const vol = t.berth(['volume', 'rm', '-f', 'novol']);
  assert.equal([vol.code, vol.stdout], [0, 'novol\n'], 'volume rm -f names it (docker)');
});

test('prune --filter label=, label!= and until=', () => {
  t.ok(['network', 'create', '--label', 'keep', 'k']);
  t.ok(['network', 'create', '--label', 'env=test', 'e1']);
  t.ok(['network', 'create', '--label', 'env=prod', 'e2']);
  const bad = t.berth(['network', 'prune', '-f', '--filter', 'dangling=true']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /invalid filter 'dangling'/);
  assert.is(t.ok(['network', 'prune', '-f', '--filter', 'until=1h']), '', 'nothing is an hour old');
  assert.is(t.ok(['network', 'prune', '-f', '--filter', 'label=env=test']), 'Deleted Networks:\ne1');
  assert.is(t.ok(['network', 'prune', '-f', '--filter', 'label!=keep']), 'Deleted Networks:\ne2');
  assert.equal(names(), ['bridge', 'k']);
  t.ok(['network', 'prune', '-f']);
  assert.equal(names(), ['bridge']);
});

test.run();
