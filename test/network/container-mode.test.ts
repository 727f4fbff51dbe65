// --network container:NAME: the container joins another running container's
// network namespace (docker's semantics): the same interfaces and addresses,
// that container's loopback services, its hostname and hosts file; ports
// belong to the other container; docker's conflicting flags refused before
// anything is created; a start refused while the other container is stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TestRoot } from '../helpers/root.js';
import { networkSuite } from '../helpers/network-suite.js';

const t = new TestRoot('berth-test-netcontainer-');

networkSuite(t);

const addr = (...flags: string[]) => t.ok(['run', '--rm', ...flags, 'bb', 'sh', '-c', 'ip -4 -o addr show eth0 | awk \'{print $4}\'']);

test('joins the other container\'s namespace: its address, its loopback server, its hostname and hosts', () => {
  t.ok(['run', '-d', '--name', 'web', '-p', '8080:80', 'bb', 'sh', '-c', 'while true; do echo hi-from-web | nc -l -p 80; done']);
  const webIp = t.ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web']);
  const webHost = t.ok(['inspect', '-f', '{{.Config.Hostname}}', 'web']);
  assert.is(addr('--network', 'container:web'), `${webIp}/16`, 'the same eth0');
  assert.is.not(addr(), `${webIp}/16`, 'a container of its own has another address');
  let got = '';
  for (let i = 0; i < 20 && got !== 'hi-from-web'; i++) got = t.ok(['run', '--rm', '--network', 'container:web', 'bb', 'sh', '-c', 'nc 127.0.0.1 80 </dev/null; true']);
  assert.is(got, 'hi-from-web', "web's server on the shared loopback");
  assert.is(t.ok(['run', '--rm', '--network', 'container:web', 'bb', 'hostname']), webHost, "web's hostname (docker)");
  assert.match(t.ok(['run', '--rm', '--network', 'container:web', 'bb', 'cat', '/etc/hosts']), new RegExp(`^${webIp.replace(/\./g, '\\.')}\\t${webHost}$`, 'm'));
  t.ok(['run', '-d', '--name', 'side', '--network', 'container:web', 'bb', 'sleep', '60']);
  assert.is(t.ok(['port', 'side']), '', 'ports belong to web');
  assert.is(t.ok(['ps', '--filter', 'name=side', '--format', '{{.Ports}}']), '');
  assert.is(t.ok(['inspect', '-f', '{{.HostConfig.NetworkMode}}', 'side']), 'container:web');
  t.ok(['rm', '-f', 'side']);
});

test("docker's conflicts: refused with 125, nothing created", () => {
  const before = t.ok(['ps', '-aq']);
  for (const [flags, why] of [
    [['-p', '81:81'], 'port publishing and the container type network mode'],
    [['-P'], 'port publishing and the container type network mode'],
    [['--expose', '81'], 'port exposing and the container type network mode'],
    [['--hostname', 'x'], 'hostname and the network mode'],
    [['--dns', '10.0.0.1'], 'dns and the network mode'],
    [['--add-host', 'a:10.0.0.1'], 'custom host-to-IP mapping and the network mode'],
    [['--mac-address', '02:42:ac:11:00:09'], 'mac-address and the network mode'],
  ] as [string[], string][]) {
    const r = t.berth(['run', '--rm', '--network', 'container:web', ...flags, 'bb', 'true']);
    assert.is(r.code, 125, flags.join(' '));
    assert.is(r.stderr.trim(), `berth: conflicting options: ${why}`);
  }
  const missing = t.berth(['run', '--rm', '--network', 'container:nope', 'bb', 'true']);
  assert.is(missing.code, 125);
  assert.match(missing.stderr, /No such container: nope/);
  assert.is(t.ok(['ps', '-aq']), before);
});

test('a start while the other container is stopped is refused; after it starts, it works', () => {
  t.ok(['create', '--name', 'later', '--network', 'container:web', 'bb', 'sleep', '60']);
  t.ok(['stop', '-t', '0', 'web']);
  const r = t.berth(['start', 'later']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /cannot join network of a non running container: web/);
  t.ok(['start', 'web']);
  t.ok(['start', 'later']);
  assert.is(t.ok(['exec', 'later', 'sh', '-c', 'ip -4 -o addr show eth0 | awk \'{print $4}\'']), `${t.ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'web'])}/16`);
  t.ok(['rm', '-f', 'later', 'web']);
});

test.run();
