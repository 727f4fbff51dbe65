// Published ports (-p), in the runner's network namespace: docker's syntaxes
// (refusals included), reachable on 127.0.0.1 and on another local address,
// from another container through the gateway (hairpin), `port` and inspect
// in docker's shape, a host port taken twice refused, a chosen port for
// `-p 80`, and the DNAT rules gone with the container.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { TestRoot } from '../helpers/root.js';
import { networkSuite } from '../helpers/network-suite.js';
import { parsePublish } from '../../src/engine/network/index.js';

const t = new TestRoot('berth-test-ports-');
const nft = (): string => execFileSync('nft', ['list', 'table', 'ip', 'berth'], { encoding: 'utf8' });
const get = (host: string, port: number): Promise<string> => new Promise((res, rej) => {
  request({ host, port, path: '/', timeout: 3000 }, (r) => {
    let body = '';
    r.on('data', (c) => (body += c)).on('end', () => res(body));
  }).on('error', rej).on('timeout', function (this: { destroy(e: Error): void }) { this.destroy(new Error('timeout')); }).end();
});
const httpd = ['sh', '-c', 'mkdir /www; echo hello-$HOSTNAME > /www/index.html; exec httpd -f -p 80 -h /www'];

networkSuite(t);

test('-p syntaxes', () => {
  assert.equal(parsePublish('8080:80'), [{ hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' }]);
  assert.equal(parsePublish('127.0.0.1:8080:80/udp'), [{ hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, proto: 'udp' }]);
  assert.equal(parsePublish('127.0.0.1::80'), [{ hostIp: '127.0.0.1', hostPort: 0, containerPort: 80, proto: 'tcp' }]);
  assert.equal(parsePublish('80'), [{ hostIp: '', hostPort: 0, containerPort: 80, proto: 'tcp' }]);
  for (const bad of ['80/sctp', '0:80', '70000', 'x:80', '1.2.3:80:80', '8000-8010:80-81']) assert.throws(() => parsePublish(bad), bad);
  const r = t.berth(['run', '--rm', '-p', '80/sctp', 'bb', 'true']);
  assert.is(r.code, 125);
  assert.match(r.stderr, /tcp or udp/);
  assert.match(t.berth(['run', '--rm', '--network', 'none', '-p', '80', 'bb', 'true']).stderr, /needs a bridge network/);
});

test('reachable on 127.0.0.1, on a local address and from another container; port and inspect', async () => {
  t.ok(['run', '-d', '--name', 'web', '--hostname', 'web', '-p', '8080:80', '-p', '80', 'bb', ...httpd]);
  const chosen = Number(t.ok(['port', 'web']).split('\n')[1].split(':')[1]);
  assert.equal(t.ok(['port', 'web']).split('\n'), ['80/tcp -> 0.0.0.0:8080', `80/tcp -> 0.0.0.0:${chosen}`]);
  assert.ok(chosen > 1024, 'a free port was chosen for -p 80');
  assert.match(t.ok(['ps', '--filter', 'name=web']), new RegExp(`0\\.0\\.0\\.0:8080->80/tcp, 0\\.0\\.0\\.0:${chosen}->80/tcp\\s+web$`, 'm'), 'ps PORTS');
  const ports = JSON.parse(t.ok(['inspect', 'web']))[0].NetworkSettings.Ports;
  assert.equal(ports, { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '0.0.0.0', HostPort: String(chosen) }] });
  let body = '';
  for (let i = 0; i < 30 && !body; i++) body = await get('127.0.0.1', 8080).catch(() => new Promise((r) => setTimeout(() => r(''), 100)));
  assert.is(body, 'hello-web\n', 'via the host\'s loopback');
  assert.is(await get('172.17.0.1', chosen), 'hello-web\n', 'via another local address, on the chosen port');
  const hairpin = t.ok(['run', '--rm', 'bb', 'sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 172.17.0.1 8080 | tail -1']);
  assert.is(hairpin, 'hello-web', 'from another container on the same bridge');
  const taken = t.berth(['run', '--rm', '-p', '8080:80', 'bb', 'true']);
  assert.is(taken.code, 125);
  assert.match(taken.stderr, /0\.0\.0\.0:8080 failed: port is already allocated/);
  assert.match(nft(), /tcp dport 8080 dnat to 172\.17\.0\.2:80/);
  t.ok(['rm', '-f', 'web']);
  assert.not.match(nft(), /dnat/, 'the DNAT rules go with the container');
  await get('127.0.0.1', 8080).then(() => assert.unreachable('still answering'), () => {});
});

test.run();
