// Outbound traffic through NAT: a container on the default bridge reaches a
// server in a second network namespace this test makes ("outside", joined to
// the runner's namespace by a veth) that has no route back to the bridge's
// subnet, so the answer can only come back masqueraded; the server reports
// the source it saw (the runner's side of the veth). berth's nft table holds
// one tagged rule per non-internal network, and loses it with the network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-nat-');
let outside: ChildProcess;
const nft = (): string => execFileSync('nft', ['list', 'table', 'ip', 'berth'], { encoding: 'utf8' });

test.before(async () => {
  assert.is(process.env.BERTH_TEST_NETNS, readlinkSync('/proc/self/ns/net'), 'runs under test/run.js');
  t.ok(['import', busyboxTar(), 'bb']);
  // the outside namespace: a node server on 10.200.0.2:8080 that answers with the peer's address
  outside = spawn('unshare', ['--net', process.execPath, '-e',
    "require('net').createServer((s) => s.end(s.remoteAddress + '\\n')).listen(8080, '0.0.0.0', () => console.log('up'))"], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => outside.stdout!.once('data', r));
  const pid = String(outside.pid);
  execFileSync('ip', ['link', 'add', 'berthnat0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pid]);
  execFileSync('ip', ['addr', 'add', '10.200.0.1/24', 'dev', 'berthnat0']);
  execFileSync('ip', ['link', 'set', 'berthnat0', 'up']);
  execFileSync('nsenter', ['-t', pid, '-n', 'sh', '-c', 'ip addr add 10.200.0.2/24 dev eth0 && ip link set eth0 up && ip link set lo up']);
});

test.after(() => {
  outside?.kill('SIGKILL'); // its namespace, and the veth's other end, go with it
  try { execFileSync('ip', ['link', 'del', 'berthnat0'], { stdio: 'ignore' }); } catch { /* gone with the peer */ }
  const left = t.cleanup();
  try { execFileSync('ip', ['link', 'del', 'berth0'], { stdio: 'ignore' }); } catch { /* not made */ }
  try { execFileSync('nft', ['delete', 'table', 'ip', 'berth'], { stdio: 'ignore' }); } catch { /* not made */ }
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('a container reaches a server in another namespace, masqueraded behind the runner\'s address', () => {
  const out = t.ok(['run', '--rm', 'bb', 'sh', '-c', 'echo | nc -w 3 10.200.0.2 8080']);
  assert.is(out, '10.200.0.1', 'the server saw the masqueraded source');
  assert.is(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), '1', 'forwarding on in the namespace berth runs in');
  const id = JSON.parse(t.ok(['network', 'inspect', 'bridge']))[0].Id.slice(0, 12);
  assert.match(nft(), new RegExp(`ip saddr 172\\.17\\.0\\.0/16 oifname != "berth0" masquerade comment "berth:${id}"`));
});

test('--internal: no masquerade and nothing forwarded out; the rule goes with the network', () => {
  t.ok(['network', 'create', '--internal', '--subnet', '10.79.0.0/24', '-o', 'com.docker.network.bridge.name=br-berthint', 'inner']);
  const id = JSON.parse(t.ok(['network', 'inspect', 'inner']))[0].Id.slice(0, 12);
  assert.match(nft(), new RegExp(`iifname "br-berthint" oifname != "br-berthint" drop comment "berth:${id}"`));
  const r = t.berth(['run', '--rm', '--network', 'inner', 'bb', 'sh', '-c', 'ip route; echo | nc -w 2 10.200.0.2 8080']);
  assert.is.not(r.code, 0);
  assert.not.match(r.stdout, /default/, 'no default route on an internal network');
  t.ok(['network', 'rm', 'inner']);
  assert.not.match(nft(), new RegExp(id), 'its rules are gone');
  assert.match(nft(), /masquerade/, 'the other networks\' rules stay');
});

test('--internal really has no way out: no -p into it, no forwarding even with a route the container adds', async () => {
  t.ok(['network', 'create', '--internal', '--subnet', '10.78.0.0/24', 'sealed']);
  // docker publishes no ports on an internal network: nothing reaches the container from the host
  t.ok(['run', '-d', '--name', 'in', '--network', 'sealed', '-p', '8086:80', 'bb', 'sh', '-c', 'while true; do echo inside | nc -l -p 80; done']);
  assert.is(t.ok(['port', 'in']), '', 'no published port');
  assert.not.match(nft(), /dport 8086/, 'no DNAT rule');
  const reached = await new Promise<string>((res) => {
    const s = connect({ host: '127.0.0.1', port: 8086 }, () => s.end());
    let data = '';
    s.on('data', (c) => (data += c)).on('close', () => res(data)).on('error', () => res(''));
  });
  assert.is(reached, '', 'the host cannot reach it through a published port');
  // a container allowed to change its routes adds a default route: the bridge still forwards nothing out
  const r = t.berth(['run', '--rm', '--cap-add', 'NET_ADMIN', '--network', 'sealed', 'bb', 'sh', '-c',
    'ip route add default via 10.78.0.1 && echo | nc -w 2 10.200.0.2 8080']);
  assert.is.not(r.code, 0, 'no answer from outside');
  assert.not.match(r.stdout, /10\.200/);
  t.ok(['rm', '-f', 'in']);
  t.ok(['network', 'rm', 'sealed']);
});

test.run();
