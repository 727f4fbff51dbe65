// What stats and ps say about a container's network, as docker: NET I/O counts
// the container's own interfaces (300 kB sent to it show up as received), and
// 0B / 0B without a namespace of its own (--network host, container:NAME: the
// traffic there is not its own); ps's Networks names the container's networks
// and --filter publish= / expose= find containers by their ports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { TestRoot } from '../helpers/root.js';
import { networkSuite } from '../helpers/network-suite.js';

const t = new TestRoot('berth-test-netstats-');

networkSuite(t);

/** Sends `bytes` zeros to host:port, retried until the listener is up. */
async function send(host: string, port: number, bytes: number): Promise<void> {
  for (let i = 0; i < 40; i++) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect({ host, port }, () => s.end(Buffer.alloc(bytes)));
      s.on('close', (hadError) => res(!hadError)).on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${host}:${port}`);
}

const kB = (s: string): number => {
  const m = /^([\d.]+)(B|kB|MB)$/.exec(s)!;
  return Number(m[1]) * ({ B: 1e-3, kB: 1, MB: 1e3 } as Record<string, number>)[m[2]];
};

test('NET I/O: the container\'s own traffic; 0B / 0B for host and container: modes', async () => {
  t.ok(['run', '-d', '--name', 'sink', 'bb', 'sh', '-c', 'nc -l -p 80 > /dev/null; sleep 60']);
  t.ok(['run', '-d', '--name', 'onhost', '--network', 'host', 'bb', 'sleep', '60']);
  t.ok(['run', '-d', '--name', 'joined', '--network', 'container:sink', 'bb', 'sleep', '60']);
  await send(t.ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'sink']), 80, 300_000);
  const rows = Object.fromEntries(t.ok(['stats', '--no-stream', '--format', '{{.Name}} {{.NetIO}}']).split('\n').map((l) => {
    const [name, ...io] = l.split(' ');
    return [name, io.join(' ')];
  }));
  const [rx, tx] = rows.sink.split(' / ');
  assert.ok(kB(rx) >= 300 && kB(rx) < 400, `received ${rx}`);
  assert.ok(kB(tx) < 50, `sent ${tx}`);
  assert.is(rows.onhost, '0B / 0B', 'the host\'s interfaces are not the container\'s');
  assert.is(rows.joined, '0B / 0B', 'the other container\'s interfaces are its own');
});

test('ps: Networks names the networks; publish= and expose= filters', () => {
  t.ok(['network', 'create', 'app']);
  t.ok(['run', '-d', '--name', 'pub', '--network', 'app', '-p', '8090:80', '--expose', '443', 'bb', 'sleep', '60']);
  t.ok(['run', '-d', '--name', 'lonely', '--network', 'none', 'bb', 'sleep', '60']);
  const nets = Object.fromEntries(t.ok(['ps', '--format', '{{.Names}}={{.Networks}}']).split('\n').map((l) => l.split('=')));
  assert.equal(nets, { pub: 'app', lonely: 'none', joined: '', onhost: 'host', sink: 'bridge' });
  assert.is(t.ok(['ps', '--filter', 'network=app', '--format', '{{.Names}}']), 'pub');
  assert.is(t.ok(['ps', '--filter', 'publish=8090', '--format', '{{.Names}}']), 'pub');
  assert.is(t.ok(['ps', '--filter', 'expose=443', '--format', '{{.Names}}']), 'pub');
  assert.is(t.ok(['ps', '--filter', 'expose=80/udp', '--format', '{{.Names}}']), '');
  assert.is(t.ok(['ps', '--filter', 'name=pub', '--format', '{{.Ports}}']), '443/tcp, 0.0.0.0:8090->80/tcp');
  t.ok(['rm', '-f', 'pub', 'lonely', 'sink', 'onhost', 'joined']);
  t.ok(['network', 'rm', 'app']);
});

test.run();
