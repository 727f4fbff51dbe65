// Published ports beyond the basics (ports.test.ts): ranges ("8000-8002:80-82",
// a host range as a pool, "127.0.0.1::80"), udp, --expose and -P from the
// image's EXPOSE, and how ps's PORTS, `port` and inspect show them (docker's
// formats: ranges collapse only where host port = container port).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { busyboxTar, hostNodeFlags } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { displayPorts, parseExpose, parsePublish } from '../../src/engine/network/index.js';

const t = new TestRoot('berth-test-publish-');

/** The first line a TCP server at host:port sends, retried while the container starts. */
async function tcpLine(host: string, port: number): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const got = await new Promise<string>((res) => {
      const s = connect({ host, port }, () => s.end());
      let data = '';
      s.on('data', (c) => (data += c)).on('close', () => res(data.trim())).on('error', () => res(''));
      s.setTimeout(2000, () => s.destroy());
    });
    if (got) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return '';
}

/** A datagram to host:port, and the answer (the container echoes it with its hostname). */
async function udpAsk(host: string, port: number): Promise<string> {
  const s = createSocket('udp4');
  s.bind(0, '127.0.0.1');
  try {
    for (let i = 0; i < 40; i++) {
      const got = await new Promise<string>((res) => {
        const timer = setTimeout(() => res(''), 250);
        s.once('message', (m) => { clearTimeout(timer); res(m.toString().trim()); });
        s.send('ping', port, host);
      });
      if (got) return got;
    }
    return '';
  } finally {
    s.close();
  }
}

// one nc server per port, each answering with the port it serves
const servers = (ports: number[]) => ['sh', '-c', ports.map((p) => `(while true; do echo port-${p} | nc -l -p ${p}; done) &`).join(' ') + ' wait'];

test.before(() => {
  assert.is(process.env.BERTH_TEST_NETNS, readlinkSync('/proc/self/ns/net'), 'runs under test/run.js');
  t.ok(['import', busyboxTar(), 'bb']);
  t.ok(['import', '--change', 'EXPOSE 7000 7001/udp', busyboxTar(), 'bbx']);
});

test.after(() => {
  const left = t.cleanup();
  try { execFileSync('ip', ['link', 'del', 'berth0'], { stdio: 'ignore' }); } catch { /* not made */ }
  try { execFileSync('nft', ['delete', 'table', 'ip', 'berth'], { stdio: 'ignore' }); } catch { /* not made */ }
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('range syntaxes (docker nat.ParsePortSpec) and --expose', () => {
  assert.equal(parsePublish('8000-8002:80-82'), [80, 81, 82].map((c, i) => ({ hostIp: '', hostPort: 8000 + i, containerPort: c, proto: 'tcp' })));
  assert.equal(parsePublish('127.0.0.1::80-81/udp'), [80, 81].map((c) => ({ hostIp: '127.0.0.1', hostPort: 0, containerPort: c, proto: 'udp' })));
  assert.equal(parsePublish('9000-9010:80'), [{ hostIp: '', hostPort: 9000, hostPortEnd: 9010, containerPort: 80, proto: 'tcp' }]);
  assert.equal(parseExpose('5000-5001/udp'), ['5000/udp', '5001/udp']);
  for (const bad of ['8000-8001:80-82', '82-80', '8000-:80', '0-3:80']) assert.throws(() => parsePublish(bad), bad);
  const r = t.berth(['run', '--rm', '-p', '8000-8001:80-82', 'bb', 'true']);
  assert.is(r.code, 125);
  assert.match(r.stderr, /invalid ranges specified for container and host ports/);
  assert.is(t.berth(['run', '--rm', '--expose', '80/sctp', 'bb', 'true']).code, 125);
});

test('docker PORTS text: equal ports collapse into ranges, others listed one by one', () => {
  const pub = (publicPort: number, privatePort: number) => ({ ip: '0.0.0.0', privatePort, publicPort, proto: 'tcp' });
  assert.is(displayPorts([pub(8001, 81), pub(8000, 80)]), '0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp');
  assert.is(displayPorts([pub(9001, 9001), pub(9000, 9000), { privatePort: 443, proto: 'tcp' }, { privatePort: 444, proto: 'tcp' }]),
    '443-444/tcp, 0.0.0.0:9000-9001->9000-9001/tcp');
});

test('a range reaches every port; udp; port and ps show them as docker', async () => {
  // a UDP echo server (node's: busybox has none) that adds its hostname
  t.ok(['run', '-d', '--name', 'udp', ...hostNodeFlags(), '-p', '5353:53/udp', 'bb', 'node', '-e',
    "const s = require('dgram').createSocket('udp4'); s.on('message', (m, r) => s.send(`${m}-${require('os').hostname()}`, r.port, r.address)); s.bind(53)"]);
  t.ok(['run', '-d', '--name', 'rng', '-p', '8000-8002:80-82', '-p', '127.0.0.1:9100-9101:9100-9101', 'bb', ...servers([80, 81, 82, 9100, 9101])]);
  for (const [host, port] of [[8000, 80], [8001, 81], [8002, 82]]) assert.is(await tcpLine('127.0.0.1', host), `port-${port}`, `${host}->${port}`);
  assert.is(await tcpLine('127.0.0.1', 9101), 'port-9101');
  const id = t.ok(['inspect', '-f', '{{.Config.Hostname}}', 'udp']);
  assert.is(await udpAsk('127.0.0.1', 5353), `ping-${id}`, 'udp through -p 5353:53/udp');
  assert.is(t.ok(['port', 'udp', '53/udp']), '0.0.0.0:5353');
  assert.is(t.ok(['ps', '--filter', 'name=udp', '--format', '{{.Ports}}']), '0.0.0.0:5353->53/udp');
  assert.equal(t.ok(['port', 'rng']).split('\n'), [
    '80/tcp -> 0.0.0.0:8000', '81/tcp -> 0.0.0.0:8001', '82/tcp -> 0.0.0.0:8002',
    '9100/tcp -> 127.0.0.1:9100', '9101/tcp -> 127.0.0.1:9101']);
  assert.is(t.ok(['ps', '--filter', 'name=rng', '--format', '{{.Ports}}']),
    '127.0.0.1:9100-9101->9100-9101/tcp, 0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp, 0.0.0.0:8002->82/tcp', 'groups first, as docker');
  t.ok(['rm', '-f', 'rng', 'udp']);
});

test('a host range for one container port is a pool: the next container gets the next port', async () => {
  t.ok(['run', '-d', '--name', 'pool1', '-p', '127.0.0.1:8100-8102:80', 'bb', ...servers([80])]);
  t.ok(['run', '-d', '--name', 'pool2', '-p', '127.0.0.1:8100-8102:80', 'bb', ...servers([80])]);
  assert.is(t.ok(['port', 'pool1', '80']), '127.0.0.1:8100');
  assert.is(t.ok(['port', 'pool2', '80']), '127.0.0.1:8101');
  assert.is(await tcpLine('127.0.0.1', 8101), 'port-80');
  const hc = JSON.parse(t.ok(['inspect', 'pool2']))[0].HostConfig.PortBindings;
  assert.equal(hc, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8100-8102' }] });
  t.ok(['rm', '-f', 'pool1', 'pool2']);
});

test('-P publishes the image EXPOSE and --expose on chosen ports; exposed-only ports are listed', async () => {
  t.ok(['run', '-d', '--name', 'all', '-P', '--expose', '7002', 'bbx', ...servers([7000, 7002])]);
  const lines = t.ok(['port', 'all']).split('\n');
  assert.is(lines.length, 3, lines.join('; '));
  const hostOf = (key: string) => Number(lines.find((l) => l.startsWith(`${key} -> 0.0.0.0:`))!.split(':')[1]);
  assert.ok(hostOf('7000/tcp') > 1024 && hostOf('7001/udp') > 1024 && hostOf('7002/tcp') > 1024);
  assert.is(await tcpLine('127.0.0.1', hostOf('7002/tcp')), 'port-7002');
  const c = JSON.parse(t.ok(['inspect', 'all']))[0];
  assert.equal(Object.keys(c.Config.ExposedPorts), ['7000/tcp', '7001/udp', '7002/tcp']);
  assert.is(c.HostConfig.PublishAllPorts, true);
  t.ok(['run', '-d', '--name', 'exp', 'bbx', 'sleep', '60']);
  assert.is(t.ok(['ps', '--filter', 'name=exp', '--format', '{{.Ports}}']), '7000/tcp, 7001/udp');
  assert.equal(JSON.parse(t.ok(['inspect', 'exp']))[0].NetworkSettings.Ports, { '7000/tcp': null, '7001/udp': null });
  t.ok(['rm', '-f', 'all', 'exp']);
});

test.run();
