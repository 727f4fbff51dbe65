// Bridge networking end to end, in the test runner's own network namespace
// (test/run.js): the default bridge (eth0 with an address, docker's MAC, the
// default route, its own name in /etc/hosts, the gateway answering), none and
// host modes, user networks with --subnet/--ip, connect/disconnect on a
// running container, the network verbs' refusals, and that rm leaves no veth
// and no address behind, also what a killed start left. Bridges this file
// made are deleted at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { Layout } from '../../src/engine/store/layout.js';
import { NetworkStore } from '../../src/engine/network/index.js';

const t = new TestRoot('berth-test-net-');
const links = (): string[] => execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split(': ')[1].split('@')[0]);
/** Bridges this file made (network rm removes its own; the default one stays until here). */
const bridges: string[] = [];

test.before(() => {
  // never on the machine's own network: test/run.js puts every test in a namespace of its own
  assert.is(process.env.BERTH_TEST_NETNS, readlinkSync('/proc/self/ns/net'), 'runs under test/run.js');
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  for (const b of bridges.filter((x) => links().includes(x))) execFileSync('ip', ['link', 'del', b]);
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('default bridge: eth0, 02:42 MAC, route via the gateway, own name in /etc/hosts, the gateway answers', () => {
  const out = t.ok(['run', '--rm', '--hostname', 'web1', 'bb', 'sh', '-c',
    'ip -o -4 addr show eth0; cat /sys/class/net/eth0/address; ip route; grep web1 /etc/hosts; ping -c1 -W2 172.17.0.1 >/dev/null && echo pong']);
  const inspect = JSON.parse(t.ok(['network', 'inspect', 'bridge']))[0];
  bridges.push(inspect.Options['com.docker.network.bridge.name']);
  const [subnet] = inspect.IPAM.Config.map((c: { Subnet: string }) => c.Subnet);
  assert.is(subnet, '172.17.0.0/16', 'the runner namespace routes nothing else');
  assert.match(out, /inet 172\.17\.0\.2\/16/);
  assert.match(out, /^02:42:ac:11:00:02$/m);
  assert.match(out, /^default via 172\.17\.0\.1 dev eth0/m);
  assert.match(out, /^172\.17\.0\.2\tweb1$/m);
  assert.match(out, /^pong$/m);
  assert.equal(inspect.Containers, {}, 'the address is released when the run ends');
  assert.equal(links().filter((l) => l.startsWith('veth')), [], 'no veth left');
});

test('--network none: lo only; host: the runner namespace\'s interfaces', () => {
  assert.is(t.ok(['run', '--rm', '--network', 'none', 'bb', 'sh', '-c', 'ls /sys/class/net | tr "\\n" " "']), 'lo');
  const host = t.ok(['run', '--rm', '--network', 'host', 'bb', 'cat', '/proc/net/dev']);
  for (const l of links()) assert.ok(host.includes(`${l}:`), `host mode sees ${l}`);
});

test('user network: --subnet/--gateway/--ip-range, --ip, --mac-address, inspect, refusals', () => {
  const id = t.ok(['network', 'create', '--subnet', '10.77.0.0/16', '--gateway', '10.77.0.254', '--ip-range', '10.77.5.0/24', '-o', 'com.docker.network.bridge.name=br-berthtest', '--label', 'k=v', 'app']);
  bridges.push('br-berthtest');
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.ok(links().includes('br-berthtest'), 'the bridge is made at create, as docker');
  assert.match(t.ok(['network', 'ls']), /app\s+bridge\s+local/);
  const r = t.berth(['network', 'create', 'app']);
  assert.is(r.code, 1); // docker: an engine refusal outside run
  assert.match(r.stderr, /network with name app already exists/);
  assert.is(t.berth(['run', '--rm', '--network', 'nope', 'bb', 'true']).code, 125);
  assert.match(t.berth(['run', '--rm', '--ip', '172.17.0.9', 'bb', 'true']).stderr, /user defined networks only/);

  t.ok(['run', '-d', '--name', 'a1', '--network', 'app', 'bb', 'sleep', '60']);
  t.ok(['run', '-d', '--name', 'a2', '--network', 'app', '--ip', '10.77.9.9', '--mac-address', '02:00:00:00:09:09', 'bb', 'sleep', '60']);
  const ns = JSON.parse(t.ok(['inspect', 'a1']))[0].NetworkSettings;
  assert.is(ns.Networks.app.IPAddress, '10.77.5.0');
  assert.is(ns.Networks.app.Gateway, '10.77.0.254');
  assert.is(ns.IPAddress, '', 'top-level fields are the default bridge\'s only');
  assert.is(JSON.parse(t.ok(['inspect', 'a1']))[0].HostConfig.NetworkMode, 'app');
  const a2 = t.ok(['exec', 'a2', 'sh', '-c', 'cat /sys/class/net/eth0/address; ping -c1 -W2 10.77.5.0 >/dev/null && echo pong']);
  assert.equal(a2.split('\n'), ['02:00:00:00:09:09', 'pong']);
  const net = JSON.parse(t.ok(['network', 'inspect', 'app']))[0];
  assert.equal(Object.values(net.Containers).map((c) => (c as { IPv4Address: string }).IPv4Address).sort(), ['10.77.5.0/16', '10.77.9.9/16']);
  assert.equal(net.Labels, { k: 'v' });
  const busy = t.berth(['network', 'rm', 'app']);
  assert.is(busy.code, 1);
  assert.match(busy.stderr, /active endpoints/);
  t.ok(['rm', '-f', 'a1', 'a2']);
  assert.equal(JSON.parse(t.ok(['network', 'inspect', 'app']))[0].Containers, {});
  assert.equal(links().filter((l) => l.startsWith('veth')), [], 'rm -f leaves no veth');
  t.ok(['network', 'rm', 'app']);
  assert.not.ok(links().includes('br-berthtest'), 'network rm removes the bridge');
  assert.is(t.berth(['network', 'rm', 'bridge']).code, 1);
});

test('connect / disconnect a running container: eth1 comes and goes', () => {
  t.ok(['network', 'create', '--subnet', '10.78.0.0/24', '-o', 'com.docker.network.bridge.name=br-berthtest2', 'side']);
  bridges.push('br-berthtest2');
  t.ok(['run', '-d', '--name', 'c1', 'bb', 'sleep', '60']);
  t.ok(['network', 'connect', 'side', 'c1']);
  assert.match(t.ok(['exec', 'c1', 'ip', '-o', '-4', 'addr', 'show', 'eth1']), /10\.78\.0\.2\/24/);
  assert.match(t.ok(['exec', 'c1', 'ip', 'route']), /^default via 172\.17\.0\.1 dev eth0/m, 'the first network keeps the default route');
  assert.is(JSON.parse(t.ok(['inspect', 'c1']))[0].NetworkSettings.Networks.side.IPAddress, '10.78.0.2');
  assert.is(t.berth(['network', 'connect', 'side', 'c1']).code, 1, 'twice is refused');
  t.ok(['network', 'disconnect', 'side', 'c1']);
  assert.not.match(t.ok(['exec', 'c1', 'ls', '/sys/class/net']), /eth1/);
  assert.equal(JSON.parse(t.ok(['network', 'inspect', 'side']))[0].Containers, {});
  t.ok(['rm', '-f', 'c1']);
  assert.equal(t.ok(['network', 'prune', '-f']), 'Deleted Networks:\nside');
});

test('what a start killed after taking its address left is reused by the next start and freed by rm', async () => {
  const id = t.ok(['create', '--name', 'k1', 'bb', 'sleep', '60']);
  // the state a CLI SIGKILLed between allocation and spawn leaves: an endpoint, no run
  const store = new NetworkStore(new Layout(t.root));
  await store.ensureDefault();
  const left = await store.attach('bridge', { containerId: id, containerName: 'k1' });
  t.ok(['start', 'k1']);
  assert.match(t.ok(['exec', 'k1', 'ip', '-o', '-4', 'addr', 'show', 'eth0']), new RegExp(`inet ${left.ip.replace(/\./g, '\\.')}/16`), 'the same address');
  t.ok(['rm', '-f', 'k1']);
  assert.equal(JSON.parse(t.ok(['network', 'inspect', 'bridge']))[0].Containers, {}, 'released by rm');
  const id2 = t.ok(['create', '--name', 'k2', 'bb', 'true']);
  await store.attach('bridge', { containerId: id2, containerName: 'k2' });
  t.ok(['rm', 'k2']);
  assert.equal(JSON.parse(t.ok(['network', 'inspect', 'bridge']))[0].Containers, {}, 'released by rm of a container that never ran');
  assert.equal(links().filter((l) => l.startsWith('veth')), [], 'no veth left');
});

test.run();
