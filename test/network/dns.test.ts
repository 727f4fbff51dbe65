// Names on user-defined networks, end to end in the runner's namespace: two
// containers resolve each other's names, --network-alias values and hostnames
// by DNS (busybox nslookup asks the server itself) and through getaddrinfo
// (ping, nc); a stopped container stops resolving and resolves again when it
// starts; `network connect --alias` on a running container; other names are
// forwarded to the resolvers of the resolv.conf berth sees, or to a container's
// --dns servers, through the resolver all the same (a test server on a
// loopback address of this namespace, named by a resolv.conf bind-mounted in a
// mount namespace of the test's own: the machine's file is never touched); the
// default bridge keeps the host's resolvers; the resolver is gone once its
// network is empty, and `system check` finds a missing or a stale one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as packet from 'dns-packet';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { Layout } from '../../src/engine/store/layout.js';
import { packageRoot } from '../../src/native/index.js';
import { resolverFiles, resolverProcesses, runningResolver } from '../../src/engine/network/index.js';

const t = new TestRoot('berth-test-dns-');
const layout = new Layout(t.root);
const tmp = mkdtempSync('/tmp/berth-test-dns-conf-');
let appId = '';

const resolvers = (): number[] => resolverProcesses(layout).map((p) => p.pid);
/** The addresses busybox nslookup printed under "Name:" lines (not the server's own). */
const answers = (out: string): string[] => [...out.matchAll(/^Name:\s+\S+\n((?:Address:\s+\S+\n?)+)/gm)]
  .flatMap((m) => [...m[1].matchAll(/Address:\s+(\S+)/g)].map((a) => a[1]));

/** nslookup NAME in a container finds exactly `ips` (busybox exits 1 for the empty AAAA answer). */
function expectLookup(container: string, name: string, ips: string[]): void {
  const r = t.berth(['exec', container, 'nslookup', name]);
  assert.equal(answers(r.stdout), ips, `nslookup ${name} in ${container}: ${r.stdout}${r.stderr}`);
}

/** berth run without blocking this process (its test DNS server must answer meanwhile);
 * `wrap`: a command line berth runs under. Output: stdout and stderr together. */
async function berthAsync(args: string[], wrap: string[] = []): Promise<{ code: number | null; out: string }> {
  const argv = [...wrap, process.execPath, '--', berthBin, '--root', t.root, ...args];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  return { code, out };
}

async function waitFor(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ok(), what);
}

test.before(() => {
  assert.is(process.env.BERTH_TEST_NETNS, readlinkSync('/proc/self/ns/net'), 'runs under test/run.js');
  t.ok(['import', busyboxTar(), 'bb']);
  appId = t.ok(['network', 'create', '--subnet', '10.88.0.0/24', 'app']);
});

test.after(() => {
  const left = t.cleanup();
  rmSync(tmp, { recursive: true, force: true });
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('two containers resolve each other: name, alias, hostname, by DNS and by getaddrinfo', () => {
  assert.equal(resolvers(), [], 'no resolver before a container needs it');
  t.ok(['run', '-d', '--name', 'web', '--network', 'app', '--network-alias', 'www', '--hostname', 'webhost', 'bb', 'nc', '-ll', '-p', '7000', '-e', '/bin/hostname']);
  t.ok(['run', '-d', '--name', 'client', '--network', 'app', 'bb', 'sleep', '300']);
  const ip = (name: string) => JSON.parse(t.ok(['inspect', name]))[0].NetworkSettings.Networks.app.IPAddress as string;
  const [web, client] = [ip('web'), ip('client')];
  assert.is(t.ok(['exec', 'client', 'cat', '/etc/resolv.conf']).split('\n').filter((l) => l.startsWith('nameserver')).join(), 'nameserver 10.88.0.1');
  for (const name of ['web', 'www', 'webhost', 'WEB']) assert.equal(answers(t.berth(['exec', 'client', 'nslookup', name]).stdout), [web], `nslookup ${name}`);
  assert.equal(answers(t.berth(['exec', 'web', 'nslookup', 'client']).stdout), [client], 'and the other way');
  assert.match(t.ok(['exec', 'client', 'ping', '-c1', '-W2', 'www']), new RegExp(`bytes from ${web.replace(/\./g, '\\.')}`));
  assert.is(t.ok(['exec', 'client', 'nc', 'web', '7000']), 'webhost');
  assert.is(resolvers().length, 1, 'one resolver for the network');
  assert.is(runningResolver(layout, appId), resolvers()[0]);
  const dnsNames = JSON.parse(t.ok(['inspect', 'web']))[0].NetworkSettings.Networks.app;
  assert.equal(dnsNames.Aliases, ['www']);
  assert.ok(dnsNames.DNSNames.includes('web') && dnsNames.DNSNames.includes('webhost'), dnsNames.DNSNames);
});

test('the gateway keeps its MAC as containers come and go (a changed one cost lookups seconds)', () => {
  const bridge = JSON.parse(t.ok(['network', 'inspect', 'app']))[0].Options['com.docker.network.bridge.name'];
  const mac = () => /link\/ether (\S+)/.exec(execFileSync('ip', ['-o', 'link', 'show', bridge], { encoding: 'utf8' }))![1];
  const before = mac();
  assert.is(before, `02:${appId.slice(0, 10).match(/../g)!.join(':')}`, 'set from the network id, not taken from a port');
  for (let i = 0; i < 3; i++) {
    t.ok(['run', '--rm', '--network', 'app', 'bb', 'true']);
    assert.is(mac(), before);
  }
});

test('a stopped container stops resolving, and resolves again when it starts', async () => {
  const before = resolvers();
  t.ok(['stop', '-t', '0', 'web']);
  const out = t.berth(['exec', 'client', 'nslookup', 'web']);
  assert.equal(answers(out.stdout), [], out.stdout);
  assert.equal(resolvers(), before, 'the resolver stays while client is on the network');
  t.ok(['start', 'web']);
  const web = JSON.parse(t.ok(['inspect', 'web']))[0].NetworkSettings.Networks.app.IPAddress as string;
  expectLookup('client', 'www', [web]);
});

test('network connect --alias on a running container; disconnect takes the names away', () => {
  t.ok(['run', '-d', '--name', 'solo', 'bb', 'sleep', '300']);
  t.ok(['network', 'connect', '--alias', 'api', 'app', 'solo']);
  const solo = JSON.parse(t.ok(['inspect', 'solo']))[0].NetworkSettings.Networks.app.IPAddress as string;
  assert.match(solo, /^10\.88\.0\./);
  expectLookup('client', 'api', [solo]);
  expectLookup('client', 'solo', [solo]);
  t.ok(['network', 'disconnect', 'app', 'solo']);
  expectLookup('client', 'api', []);
  t.ok(['rm', '-f', 'solo']);
});

test('the default bridge keeps the host\'s resolvers; --network-alias needs a user-defined network', () => {
  const conf = t.ok(['run', '--rm', 'bb', 'cat', '/etc/resolv.conf']);
  assert.not.match(conf, /nameserver 172\.17\.0\.1/);
  const r = t.berth(['run', '--rm', '--network-alias', 'x', 'bb', 'true']);
  assert.is(r.code, 125);
  assert.match(r.stderr, /network-scoped alias is supported only for containers in user defined networks/);
  const c = t.berth(['network', 'connect', '--alias', 'x', 'bridge', 'client']);
  assert.is(c.code, 1);
  assert.match(c.stderr, /network-scoped alias is supported only/);
});

test('system check: a resolver that died is found and restarted', () => {
  const pid = runningResolver(layout, appId)!;
  process.kill(pid, 'SIGKILL');
  spawnSync('sleep', ['0.2']);
  const check = t.berth(['system', 'check']);
  assert.is(check.code, 1);
  assert.match(check.stdout, /network app: its containers run but its DNS resolver does not/);
  assert.match(t.ok(['system', 'check', '--repair']), /Repaired network app: started its resolver/);
  const web = JSON.parse(t.ok(['inspect', 'web']))[0].NetworkSettings.Networks.app.IPAddress as string;
  expectLookup('client', 'web', [web]);
});

test('the resolver goes with the network\'s last container; system check finds one left behind', async () => {
  t.ok(['rm', '-f', 'web', 'client']);
  assert.equal(resolvers(), [], 'stopped when the last endpoint left');
  assert.not.ok(existsSync(resolverFiles(layout, appId).pid));
  // one left behind (as a CLI killed between the last detach and the stop would leave it)
  const stale = spawn(process.execPath, ['--', join(packageRoot, 'dist', 'bundle', 'dns-main.js'), t.root, appId], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  stale.stdout.setEncoding('utf8');
  const ready = await new Promise<string>((r) => {
    let s = '';
    stale.stdout.on('data', (d: string) => { s += d; if (s.includes('\n')) stale.stdout.destroy(); });
    stale.stdout.on('close', () => r(s));
  });
  stale.unref();
  assert.is(ready, 'ready\n');
  const check = t.berth(['system', 'check']);
  assert.match(check.stdout, new RegExp(`DNS resolver ${stale.pid} of network app: runs for a network no container is on`));
  assert.match(t.ok(['system', 'check', '--repair']), /stopped it/);
  await waitFor('the stale resolver is gone', () => resolvers().length === 0);
});

test("names outside berth go to the resolv.conf berth sees, or to the container's --dns", async () => {
  // a DNS server on a loopback address of this namespace: outside.test is 10.9.8.7
  const server = createSocket('udp4');
  const asked: string[] = [];
  server.on('message', (msg, from) => {
    const q = packet.decode(msg);
    const question = q.questions![0];
    asked.push(`${question.type} ${question.name}`);
    const answers: packet.Answer[] = question.type === 'A' && question.name === 'outside.test' ? [{ type: 'A', name: 'outside.test', ttl: 60, data: '10.9.8.7' }] : [];
    server.send(packet.encode({ type: 'response', id: q.id, flags: packet.RECURSION_AVAILABLE | (answers.length || question.name === 'outside.test' ? 0 : 3), questions: q.questions, answers }), from.port, from.address);
  });
  await new Promise<void>((r) => server.bind(53, '127.0.0.77', r));
  const conf = join(tmp, 'resolv.conf');
  writeFileSync(conf, 'nameserver 127.0.0.77\n');
  t.ok(['network', 'create', 'ext']);
  try {
    // berth (and the resolver it starts) in a mount namespace whose /etc/resolv.conf is ours
    const { code, out } = await berthAsync(['run', '--rm', '--network', 'ext', 'bb', 'sh', '-c', 'nslookup outside.test; nslookup nowhere.test'],
      ['unshare', '--mount', '--', 'sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', conf]);
    assert.is(code, 1, out); // the last nslookup finds nothing
    assert.equal(answers(out.split('nowhere.test')[0]), ['10.9.8.7'], out);
    assert.match(out, /can't find nowhere\.test: NXDOMAIN/i);
    assert.ok(asked.includes('A outside.test'), asked.join());
    // --dns: the container's own upstream, still behind the network's resolver (as docker's)
    asked.length = 0;
    const own = await berthAsync(['run', '--rm', '--network', 'app', '--dns', '127.0.0.77', 'bb', 'sh', '-c', 'grep nameserver /etc/resolv.conf; nslookup outside.test']);
    assert.match(own.out, /^nameserver 10\.88\.0\.1$/m);
    assert.equal(answers(own.out), ['10.9.8.7'], own.out);
    assert.ok(asked.includes('A outside.test'), asked.join());
  } finally {
    server.close();
  }
  await waitFor('no resolver once the runs are over', () => resolvers().length === 0);
  t.ok(['network', 'rm', 'ext']);
});

test.run();
