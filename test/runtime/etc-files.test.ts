// The per-container /etc files: hosts for a loopback-only network, resolv.conf
// without loopback nameservers (or naming the network's resolver), hostname.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { filterResolvConf, hostResolvConf, isLoopbackAddress, writeEtcFiles } from '../../src/engine/runtime/index.js';
import { containerResolvConf } from '../../src/engine/runtime/etc-files.js';
import { ContainerPaths } from '../../src/engine/store/layout.js';
import type { ContainerRecord } from '../../src/engine/container/types.js';

test('isLoopbackAddress: 127/8, ::1 in any spelling, v4-mapped loopback', () => {
  for (const a of ['127.0.0.1', '127.0.0.53', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::0001', '::ffff:127.0.0.1', '::1%lo']) assert.ok(isLoopbackAddress(a), a);
  for (const a of ['10.0.0.2', '1.1.1.1', '2001:db8::1', '::ffff:10.0.0.1', 'fe80::1%eth0', '128.0.0.1', '::2']) assert.not.ok(isLoopbackAddress(a), a);
});

test('filterResolvConf: loopback nameservers go, everything else stays in order', () => {
  const host = '# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nnameserver 2001:db8::53\nsearch example.org\noptions edns0 trust-ad\n';
  assert.is(filterResolvConf(host), '# generated\nnameserver 10.0.0.2\nnameserver 2001:db8::53\nsearch example.org\noptions edns0 trust-ad\n');
});

test('filterResolvConf: only loopback resolvers leaves no nameserver at all (no public fallback)', () => {
  const out = filterResolvConf('nameserver 127.0.0.53\noptions edns0\nsearch lan\n');
  assert.is(out, 'options edns0\nsearch lan\n');
  assert.is(filterResolvConf('nameserver 127.0.0.1\n'), '');
  assert.is(filterResolvConf(''), '');
});

test('writeEtcFiles: hostname, loopback hosts, filtered host resolv.conf', () => {
  const tmp = mkdtempSync('/tmp/berth-test-');
  try {
    const paths = new ContainerPaths(join(tmp, 'c'));
    mkdirSync(paths.dir);
    const rec = { config: { hostname: 'f00dfeedbeef' } } as ContainerRecord;
    writeEtcFiles(paths, rec);
    assert.is(readFileSync(paths.hostname, 'utf8'), 'f00dfeedbeef\n');
    assert.is(readFileSync(paths.hosts, 'utf8'),
      '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n');
    const resolv = readFileSync(paths.resolvConf, 'utf8');
    assert.is(resolv, filterResolvConf(hostResolvConf()));
    for (const line of resolv.split('\n')) {
      const m = /^\s*nameserver\s+(\S+)/.exec(line);
      if (m) assert.not.ok(m[1].startsWith('127.') || m[1] === '::1', line);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("containerResolvConf: a network's resolver replaces the nameservers, --dns too (it forwards there); search and options stay", () => {
  const host = 'nameserver 10.0.0.2\nsearch example.org\noptions edns0\n';
  assert.is(containerResolvConf(host, {}, ['10.88.0.1']), 'search example.org\noptions edns0\nnameserver 10.88.0.1\n');
  assert.is(containerResolvConf(host, { dns: ['9.9.9.9'], dnsSearch: ['lan'] }, ['10.88.0.1']), 'options edns0\nnameserver 10.88.0.1\nsearch lan\n');
  assert.is(containerResolvConf(host, { dns: ['9.9.9.9'] }), 'search example.org\noptions edns0\nnameserver 9.9.9.9\n');
});

test.run();
