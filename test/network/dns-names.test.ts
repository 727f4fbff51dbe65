// The resolver's answers without sockets or kernel: names, aliases and the
// hostname from the records, any case; only for a querier on the network;
// names across the querier's networks (its resolver's first), none across
// networks it is not on; PTR; AAAA of a known name empty (not forwarded);
// unknown names forwarded, except on an --internal network; not-DNS ignored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as packet from 'dns-packet';
import { answerQuery } from '../../src/engine/network/dns-answer.js';
import { lookupName, reverseName } from '../../src/engine/network/dns-names.js';
import type { EndpointRecord, NetworkRecord } from '../../src/engine/network/index.js';

function net(id: string, containers: Record<string, [string, string[]]>): NetworkRecord {
  const eps: Record<string, EndpointRecord> = {};
  for (const [cid, [ip, names]] of Object.entries(containers)) {
    eps[cid] = { Name: names[0], EndpointID: `e-${cid}-${id}`, MacAddress: '', IPv4Address: `${ip}/24`, IPv6Address: '', DNSNames: names };
  }
  return {
    Name: id, Id: id, Created: '', Scope: 'local', Driver: 'bridge', EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.0.0.0/24', Gateway: '10.0.0.1' }] },
    Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
    Containers: eps, Options: {}, Labels: {},
  };
}

const app = net('app', { c1: ['10.1.0.2', ['web', 'www', 'c1short', 'webhost']], c2: ['10.1.0.3', ['client']] });
const back = net('back', { c2: ['10.2.0.3', ['client']], c3: ['10.2.0.4', ['db']], c1: ['10.2.0.9', ['web']] });
const other = net('other', { c4: ['10.3.0.2', ['secret']] });
const all = [app, back, other];

test('names, aliases, hostname, any case; only for a querier on the network', () => {
  for (const n of ['web', 'www', 'WebHost', 'c1short']) assert.equal(lookupName(all, 'app', '10.1.0.3', n), { kind: 'known', ips: ['10.1.0.2'] }, n);
  assert.equal(lookupName(all, 'app', '10.1.0.99', 'web'), { kind: 'refused' }, 'not an endpoint of app');
  assert.equal(lookupName(all, 'app', '10.2.0.3', 'web'), { kind: 'refused' }, 'its address on another network');
  assert.equal(lookupName(all, 'app', '10.1.0.3', 'example.org'), { kind: 'unknown' });
});

test("across the querier's networks, its resolver's own first; never a network it is not on", () => {
  assert.equal(lookupName(all, 'app', '10.1.0.3', 'db'), { kind: 'known', ips: ['10.2.0.4'] });
  assert.equal(lookupName(all, 'app', '10.1.0.3', 'web'), { kind: 'known', ips: ['10.1.0.2'] });
  assert.equal(lookupName(all, 'back', '10.2.0.3', 'web'), { kind: 'known', ips: ['10.2.0.9'] });
  assert.equal(lookupName(all, 'app', '10.1.0.3', 'secret'), { kind: 'unknown' });
  assert.is(reverseName('4.0.2.10.in-addr.arpa'), '10.2.0.4');
  assert.is(reverseName('example.org'), undefined);
});

const ask = (name: string, type: 'A' | 'AAAA' | 'PTR' | 'MX', id = 7): Buffer =>
  packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });

function decoded(a: ReturnType<typeof answerQuery>): packet.DecodedPacket & { rcode?: string } {
  if (!('reply' in a)) throw new Error('forwarded');
  return packet.decode(a.reply) as packet.DecodedPacket & { rcode?: string };
}

test('A answers, empty AAAA, PTR, REFUSED for strangers, forward for the rest', () => {
  const a = decoded(answerQuery(ask('web', 'A', 42), '10.1.0.3', all, 'app', false));
  assert.is(a.id, 42);
  assert.is(a.type, 'response');
  assert.is(a.rcode, 'NOERROR');
  assert.equal(a.answers?.map((x) => [x.type, x.name, (x as { data: string }).data]), [['A', 'web', '10.1.0.2']]);
  const aaaa = decoded(answerQuery(ask('web', 'AAAA'), '10.1.0.3', all, 'app', false));
  assert.is(aaaa.rcode, 'NOERROR');
  assert.equal(aaaa.answers, [], 'a known name is not sent to the host for AAAA');
  const ptr = decoded(answerQuery(ask('2.0.1.10.in-addr.arpa', 'PTR'), '10.1.0.3', all, 'app', false));
  assert.equal(ptr.answers?.map((x) => (x as { data: string }).data), ['web']);
  assert.is(decoded(answerQuery(ask('web', 'A'), '10.9.9.9', all, 'app', false)).rcode, 'REFUSED');
  assert.equal(answerQuery(ask('example.org', 'A'), '10.1.0.3', all, 'app', false), { forward: true });
  assert.equal(answerQuery(ask('8.8.8.8.in-addr.arpa', 'PTR'), '10.1.0.3', all, 'app', false), { forward: true });
  assert.is(decoded(answerQuery(ask('example.org', 'A'), '10.1.0.3', all, 'app', true)).rcode, 'SERVFAIL', '--internal: nothing outside');
  assert.equal(answerQuery(Buffer.from('hello'), '10.1.0.3', all, 'app', false), { reply: Buffer.alloc(0) }, 'not DNS: no answer');
});

test.run();
