// The nft batch berth's table is rebuilt from (pure): the table is dropped and
// re-made in the same batch, one tagged masquerade per non-internal network,
// drops for an --internal bridge, DNAT per published port, and no networks =
// no table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firewallBatch, type NetworkRecord } from '../../src/engine/network/index.js';

const net = (name: string, subnet: string, bridge: string, extra: Partial<NetworkRecord> = {}): NetworkRecord => ({
  Name: name, Id: `${name}`.padEnd(64, '0'), Created: '', Scope: 'local', Driver: 'bridge', EnableIPv6: false,
  IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: subnet, Gateway: '' }] }, Internal: false, Attachable: false,
  Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false, Containers: {}, Options: { 'com.docker.network.bridge.name': bridge }, Labels: {},
  ...extra,
});

test('no networks: the table is removed (and removing a missing one is no error)', () => {
  assert.is(firewallBatch([]), 'add table ip berth\ndelete table ip berth\n');
});

test('masquerade, internal drops and DNAT, each tagged with its network', () => {
  const web = { Name: 'web', EndpointID: 'e'.repeat(64), MacAddress: '', IPv4Address: '172.17.0.2/16', IPv6Address: '',
    Ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' as const }, { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, proto: 'udp' as const }] };
  const b = firewallBatch([net('bridge', '172.17.0.0/16', 'berth0', { Containers: { c: web } }), net('inner', '10.9.0.0/24', 'br-in', { Internal: true })]);
  const lines = b.trim().split('\n');
  assert.equal(lines.slice(0, 3), ['add table ip berth', 'delete table ip berth', 'add table ip berth']);
  assert.ok(lines.includes('add rule ip berth postrouting ip saddr 172.17.0.0/16 oifname != "berth0" masquerade comment "berth:bridge000000"'));
  assert.ok(lines.includes('add rule ip berth prerouting fib daddr type local tcp dport 8080 dnat to 172.17.0.2:80 comment "berth:bridge000000:eeeeeeeeeeee"'));
  assert.ok(lines.includes('add rule ip berth output fib daddr type local ip daddr 127.0.0.1 udp dport 53 dnat to 172.17.0.2:53 comment "berth:bridge000000:eeeeeeeeeeee"'));
  assert.ok(lines.includes('add rule ip berth forward iifname "br-in" oifname != "br-in" drop comment "berth:inner0000000"'));
  assert.not.ok(b.includes('10.9.0.0/24'), 'an internal network is never masqueraded');
});

test.run();
