// IPAM and the network store without the kernel: docker's pool order, routed
// prefixes skipped, --subnet/--gateway/--ip-range checks, address allocation
// under --ip-range (its own first address included, as docker), --ip, release, and docker's 02:42 MAC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Layout } from '../../src/engine/store/layout.js';
import { NetworkStore, formatCidr, macFor, nextSubnet, parseCidr, parseIp, routedPrefixes } from '../../src/engine/network/index.js';

const dir = mkdtempSync('/tmp/berth-test-ipam-');
const layout = new Layout(dir);
layout.ensure();
const store = new NetworkStore(layout);
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('pool: 172.17/16 first, routed and taken blocks skipped, then 192.168/20s', () => {
  assert.is(formatCidr(nextSubnet([])), '172.17.0.0/16');
  assert.is(formatCidr(nextSubnet([parseCidr('172.17.5.0/24', 's')])), '172.18.0.0/16');
  assert.is(formatCidr(nextSubnet([parseCidr('172.16.0.0/12', 's')])), '192.168.0.0/20');
  assert.is(formatCidr(nextSubnet([parseCidr('172.16.0.0/12', 's'), parseCidr('192.168.1.0/24', 's')])), '192.168.16.0/20');
});

test('/proc/net/route parsing: destination and mask, default route left out', () => {
  const text = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
    'eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
    'eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n' +
    'eth1\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n';
  assert.equal(routedPrefixes(text).map(formatCidr), ['172.17.0.0/16', '192.168.1.0/24']);
});

test('bad input is refused with a message naming it', async () => {
  for (const [o, re] of [
    [{ name: 'a', subnet: '10.1.0.1/16' }, /host bits/],
    [{ name: 'a', subnet: '10.1.0.0' }, /not an IPv4 CIDR/],
    [{ name: 'a', subnet: '10.1.0.0/16', gateway: '10.2.0.1' }, /not inside the subnet/],
    [{ name: 'a', subnet: '10.1.0.0/16', ipRange: '10.2.0.0/24' }, /not inside the subnet/],
    [{ name: 'a', gateway: '10.2.0.1' }, /need --subnet/],
    [{ name: 'a', driver: 'overlay' }, /plugin "overlay" not found/],
    [{ name: 'host' }, /already exists/],
    [{ name: 'bridge', subnet: '10.5.0.0/16' }, /already exists/],
    [{ name: 'a b' }, /invalid network name/],
    [{ name: 'a', options: { 'com.docker.network.bridge.name': 'much-too-long-name' } }, /interface name/],
  ] as const) {
    await store.create(o as never).then(() => assert.unreachable(JSON.stringify(o)), (e: Error) => assert.match(e.message, re));
  }
  assert.equal(store.list(), []);
});

test('networks take the next free block; addresses are unique, released and reused', async () => {
  const def = await store.ensureDefault();
  const again = await store.ensureDefault();
  assert.is(again.Id, def.Id);
  assert.is(def.Options['com.docker.network.bridge.name'], 'berth0');
  const routed = routedPrefixes().map(formatCidr);
  if (!routed.includes('172.17.0.0/16')) assert.is(def.IPAM.Config[0].Subnet, '172.17.0.0/16');
  const app = await store.create({ name: 'app' });
  assert.is.not(app.IPAM.Config[0].Subnet, def.IPAM.Config[0].Subnet);
  await store.create({ name: 'app' }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /already exists/));
  await store.create({ name: 'clash', subnet: def.IPAM.Config[0].Subnet }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /overlaps/));

  const r = await store.create({ name: 'ranged', subnet: '10.99.0.0/16', gateway: '10.99.0.254', ipRange: '10.99.7.0/31' });
  const a = await store.attach('ranged', { containerId: 'c1', containerName: 'one' });
  const b = await store.attach('ranged', { containerId: 'c2', containerName: 'two' });
  assert.equal([a.ip, b.ip, a.gateway, a.prefixLen], ['10.99.7.0', '10.99.7.1', '10.99.0.254', 16]);
  assert.is(a.mac, macFor(parseIp('10.99.7.0')!));
  assert.is(a.mac, '02:42:0a:63:07:00');
  assert.is((await store.attach('ranged', { containerId: 'c1', containerName: 'one' })).ip, '10.99.7.0', 'attach twice: same address');
  await store.attach('ranged', { containerId: 'c3', containerName: 'x' }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /no available IPv4/));
  await store.attach('ranged', { containerId: 'c3', containerName: 'x', ip: '10.99.7.1' }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /already in use/));
  await store.attach('ranged', { containerId: 'c3', containerName: 'x', ip: '10.98.0.5' }).then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /does not belong/));
  const c = await store.attach('ranged', { containerId: 'c3', containerName: 'x', ip: '10.99.200.9', mac: '02:00:00:00:00:09' });
  assert.equal([c.ip, c.mac], ['10.99.200.9', '02:00:00:00:00:09']);
  await store.remove('ranged').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /active endpoints/));
  assert.is((await store.detach('ranged', 'c1'))?.ip, '10.99.7.0');
  assert.is((await store.attach('ranged', { containerId: 'c4', containerName: 'y' })).ip, '10.99.7.0', 'a released address is reused');
  assert.equal(store.attachmentsOf('c4').map((x) => x.network), ['ranged']);
  for (const id of ['c2', 'c3', 'c4']) await store.detach(r.Id.slice(0, 8), id);
  await store.remove('ranged');
  await store.remove('bridge').then(() => assert.unreachable(), (e: Error) => assert.match(e.message, /pre-defined/));
  assert.equal(store.list().map((n) => n.Name), ['app', 'bridge']);
});

test.run();
