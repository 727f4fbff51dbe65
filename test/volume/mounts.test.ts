// Issue 6's "done when", end to end through the CLI on the real kernel:
// shared named volumes, data outliving containers, read-only binds, symlinked
// mount destinations that must not reach the host, tmpfs, anonymous volumes,
// copy-up, --volumes-from, --read-only with a writable volume.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';
import { hostileTar } from './fixture.js';

const t = new TestRoot('berth-test-vmnt-');
const scratch = mkdtempSync('/tmp/berth-test-vmnt-host-');

const mountpoint = (name: string): string => t.ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', name]);
const volumes = (): string[] => t.ok(['volume', 'ls', '-q']).split('\n').filter(Boolean);
const sleep = (s: number) => spawnSync('sleep', [String(s)]);
function waitFor(what: string, cond: () => boolean, seconds = 10): void {
  for (let i = 0; i < seconds * 10; i++) {
    if (cond()) return;
    sleep(0.1);
  }
  assert.unreachable(`timed out waiting for ${what}`);
}

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
  t.ok(['import', hostileTar(scratch), 'hostile']);
  t.ok(['import', '--change', 'VOLUME /vol', busyboxTar(), 'bbvol']);
});

test.after(() => {
  const left = t.cleanup();
  rmSync(scratch, { recursive: true, force: true });
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('two containers share a named volume and see each other\'s writes; the data outlives both', () => {
  const writer = t.ok(['run', '-d', '--name', 'writer', '-v', 'shared:/data', 'bb', 'sh', '-c',
    'echo from-writer > /data/w; while true; do [ -f /data/r ] && cp /data/r /data/seen-by-writer; sleep 0.1; done']);
  t.seen.push(writer);
  const mp = mountpoint('shared');
  waitFor('the writer\'s file', () => existsSync(join(mp, 'w')));
  const reader = t.berth(['run', '--name', 'reader', '-v', 'shared:/data', 'bb', 'sh', '-c', 'cat /data/w; echo from-reader > /data/r']);
  assert.is(reader.code, 0, reader.stderr);
  assert.is(reader.stdout, 'from-writer\n', 'the reader sees the writer\'s write');
  waitFor('the writer to see the reader\'s write', () => existsSync(join(mp, 'seen-by-writer')));
  assert.is(readFileSync(join(mp, 'seen-by-writer'), 'utf8'), 'from-reader\n');

  // in use: refused, one line, exit 1 (docker's), volume intact
  const rm = t.berth(['volume', 'rm', 'shared']);
  assert.is(rm.code, 1);
  assert.is(rm.stderr.trim().split('\n').length, 1);
  assert.match(rm.stderr, /volume is in use/);
  assert.ok(existsSync(join(mp, 'w')));

  t.ok(['rm', '-f', '-v', 'writer']); // -v takes anonymous volumes only
  t.ok(['rm', 'reader']);
  assert.ok(volumes().includes('shared'), 'a named volume survives rm (even rm -v)');
  assert.is(t.ok(['run', '--rm', '-v', 'shared:/again', 'bb', 'cat', '/again/w', '/again/r']), 'from-writer\nfrom-reader');
  t.ok(['volume', 'rm', 'shared']);
  assert.not.ok(volumes().includes('shared'));
  assert.not.ok(existsSync(mp));
});

test('a :ro bind mount refuses writes; a rw one writes through to the host', () => {
  const dir = mkdtempSync(join(scratch, 'bind-'));
  writeFileSync(join(dir, 'f'), 'host file\n');
  const ro = t.berth(['run', '--rm', '-v', `${dir}:/h:ro`, 'bb', 'sh', '-c', 'cat /h/f; echo x > /h/g']);
  assert.is(ro.stdout, 'host file\n');
  assert.is.not(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  assert.not.ok(existsSync(join(dir, 'g')));
  const rw = t.berth(['run', '--rm', '--mount', `type=bind,source=${dir},target=/h`, 'bb', 'sh', '-c', 'echo y > /h/g']);
  assert.is(rw.code, 0, rw.stderr);
  assert.is(readFileSync(join(dir, 'g'), 'utf8'), 'y\n');
  // a single file can be bound too (its mount point is created as a file)
  assert.is(t.ok(['run', '--rm', '-v', `${join(dir, 'f')}:/etc/from-host:ro`, 'bb', 'cat', '/etc/from-host']), 'host file');
});

test('symlinks at mount destinations stay inside the container root: the host\'s /etc is never touched', () => {
  const hostEtc = readdirSync('/etc').sort();
  const dir = mkdtempSync(join(scratch, 'evil-'));
  const tag = `berth-sentinel-${process.pid}`;
  const r = t.berth(['run', '--rm', '-v', 'evilvol:/data', '-v', `${dir}:/data2`, 'hostile', 'sh', '-c',
    `echo one > /data/${tag}-a; echo two > /data2/${tag}-b; grep -c ' /etc ' /proc/self/mountinfo`]);
  assert.is(r.code, 0, r.stderr);
  assert.ok(Number(r.stdout.trim()) >= 1, 'the mounts landed on the container\'s own /etc');
  assert.not.ok(existsSync(`/etc/${tag}-a`), 'nothing written to the host\'s /etc');
  assert.not.ok(existsSync(`/etc/${tag}-b`));
  assert.equal(readdirSync('/etc').sort(), hostEtc, 'the host\'s /etc is unchanged');
  assert.not.match(readFileSync('/proc/self/mountinfo', 'utf8'), / \/etc /, 'no mount over the host\'s /etc');
  // both mounts sit on the container's /etc (data2 on top): the writes went to the bind source
  assert.ok(existsSync(join(dir, `${tag}-b`)));
  // copy-up followed /data inside the root: the image's /etc, not the host's
  const mp = mountpoint('evilvol');
  assert.match(readFileSync(join(mp, 'passwd'), 'utf8'), /^user:x:1000/m);
  assert.not.ok(existsSync(join(mp, 'os-release')), 'the host\'s /etc was not copied');
  t.ok(['volume', 'rm', 'evilvol']);
});

test('copy-up: a new volume starts with the image\'s content (owner and mode kept), once', () => {
  assert.is(t.ok(['run', '--rm', '-v', 'seeded:/seed', 'hostile', 'cat', '/seed/hello.txt']), 'seeded by the image');
  const mp = mountpoint('seeded');
  const st = statSync(join(mp, 'hello.txt'));
  assert.is(st.uid, 1000);
  assert.is(statSync(mp).mode & 0o7777, 0o750, 'the volume takes the image directory\'s mode');
  assert.is(statSync(mp).uid, 1000);
  t.ok(['run', '--rm', '-v', 'seeded:/seed', 'hostile', 'rm', '/seed/hello.txt']);
  assert.is(t.ok(['run', '--rm', '-v', 'seeded:/seed', 'hostile', 'ls', '-A', '/seed']), '', 'an emptied volume is not filled again');
  // nocopy: no copy-up
  assert.is(t.ok(['run', '--rm', '-v', 'bare:/seed:nocopy', 'hostile', 'ls', '-A', '/seed']), '');
  t.ok(['volume', 'rm', 'seeded', 'bare']);
});

test('anonymous volumes: image VOLUMEs and bare -v paths; removed by rm -v and --rm, kept by plain rm', () => {
  const before = volumes();
  const id = t.ok(['create', '--name', 'anon', 'bbvol', 'true']);
  t.seen.push(id);
  const mounts = JSON.parse(t.ok(['inspect', 'anon']))[0].Mounts;
  assert.is(mounts.length, 1);
  assert.is(mounts[0].Type, 'volume');
  assert.is(mounts[0].Destination, '/vol');
  assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
  assert.is(mounts[0].RW, true);
  assert.ok(volumes().includes(mounts[0].Name));
  t.ok(['rm', '-v', 'anon']);
  assert.equal(volumes(), before, 'rm -v removed the anonymous volume');

  assert.is(t.ok(['run', '--rm', '-v', '/scratchvol', 'bbvol', 'sh', '-c', 'echo hi > /vol/x; cat /vol/x']), 'hi');
  waitFor('--rm to remove the anonymous volumes', () => volumes().length === before.length);
  assert.equal(volumes(), before);

  const kept = t.ok(['create', '--name', 'anon2', 'bbvol', 'true']);
  t.seen.push(kept);
  t.ok(['rm', 'anon2']);
  assert.is(volumes().length, before.length + 1, 'plain rm keeps anonymous volumes (docker)');
  t.ok(['volume', 'prune', '-f']);
  assert.equal(volumes(), before);
});

test('--tmpfs and --mount type=tmpfs mount a tmpfs with the given size', () => {
  const out = t.ok(['run', '--rm', '--tmpfs', '/scratch:size=1m', '--mount', 'type=tmpfs,target=/t2,tmpfs-size=2097152', 'bb', 'sh', '-c',
    'grep -E " /(scratch|t2) " /proc/mounts; echo data > /scratch/f && cat /scratch/f']);
  const lines = out.split('\n');
  assert.ok(lines.some((l) => /^tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,.*size=1024k/.test(l)), out);
  assert.ok(lines.some((l) => /^tmpfs \/t2 tmpfs .*size=2048k/.test(l)), out);
  assert.is(lines[2], 'data');
});

test('--volumes-from mounts another container\'s volumes (and :ro makes them read-only)', () => {
  const src = t.ok(['create', '--name', 'vsrc', '-v', 'vf:/data', '-v', '/anonvf', 'bb', 'true']);
  t.seen.push(src);
  t.ok(['run', '--rm', '--volumes-from', 'vsrc', 'bb', 'sh', '-c', 'echo a > /data/a; echo b > /anonvf/b']);
  const r = t.berth(['run', '--rm', '--volumes-from', 'vsrc:ro', 'bb', 'sh', '-c', 'cat /data/a /anonvf/b; touch /data/c']);
  assert.is(r.stdout, 'a\nb\n');
  assert.match(r.stderr, /Read-only file system/);
  t.ok(['rm', '-v', 'vsrc']);
  assert.ok(volumes().includes('vf'));
  t.ok(['volume', 'rm', 'vf']);
});

test('-v makes a missing host directory (docker); --mount refuses it: exit 125, one line, no container', () => {
  const made = join(scratch, 'made-by-v', 'sub');
  assert.is(t.ok(['run', '--rm', '-v', `${made}:/x`, 'bb', 'sh', '-c', 'echo hi > /x/f; cat /x/f']), 'hi');
  assert.ok(statSync(made).isDirectory(), 'the host directory was created');
  assert.is(readFileSync(join(made, 'f'), 'utf8'), 'hi\n');
  const m = t.berth(['create', '--mount', 'type=bind,source=/nonexistent-berth-src,target=/x', 'bb', 'true']);
  assert.is(m.code, 125);
  assert.is(m.stderr.trim().split('\n').length, 1);
  assert.match(m.stderr, /invalid mount config: bind source path does not exist: \/nonexistent-berth-src/);
  assert.not.ok(existsSync('/nonexistent-berth-src'), '--mount created nothing');
  assert.is(t.ok(['ps', '-a', '-q']), '', 'no container was created');
  for (const bad of [['-v', 'vol:relative'], ['-v', 'x:/'], ['--mount', 'type=nfs,target=/x'], ['--tmpfs', '/t:bogus=1'], ['-v', 'a:/x', '-v', 'b:/x']]) {
    const b = t.berth(['run', '--rm', ...bad, 'bb', 'true']);
    assert.is(b.code, 125, bad.join(' '));
    assert.is(b.stderr.trim().split('\n').length, 1, bad.join(' '));
  }
  assert.is(t.ok(['ps', '-a', '-q']), '');
});

test('--read-only root with a writable volume', () => {
  const r = t.berth(['run', '--rm', '--read-only', '-v', 'rwvol:/data', 'bb', 'sh', '-c', 'echo ok > /data/f && cat /data/f; touch /rootfile']);
  assert.is(r.stdout, 'ok\n');
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /Read-only file system/);
  t.ok(['volume', 'rm', 'rwvol']);
});

test.run();
