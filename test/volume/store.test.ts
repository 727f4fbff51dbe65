// The `volume` verbs through the CLI: create (names, labels, refused options),
// ls (-q, filters, json), inspect, rm (-f, in use), prune (unused only;
// anonymous by default, named with -a; label filters).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-vstore-');
const names = (args: string[] = []): string[] => t.ok(['volume', 'ls', '-q', ...args]).split('\n').filter(Boolean);

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});

test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('create, inspect, ls with filters and formats', () => {
  assert.is(t.ok(['volume', 'create', '--label', 'team=a', '--label', 'tier', 'v-one']), 'v-one');
  assert.is(t.ok(['volume', 'create', 'v-one']), 'v-one', 'creating an existing volume returns it');
  t.ok(['volume', 'create', '--label', 'team=b', 'v.two']);
  const anon = t.ok(['volume', 'create']);
  assert.match(anon, /^[0-9a-f]{64}$/);

  const [v] = JSON.parse(t.ok(['volume', 'inspect', 'v-one']));
  assert.equal(Object.keys(v).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.is(v.Driver, 'local');
  assert.is(v.Scope, 'local');
  assert.equal(v.Labels, { team: 'a', tier: '' });
  assert.ok(v.Mountpoint.startsWith(t.root + '/volumes/v-one/'), v.Mountpoint);
  assert.ok(statSync(v.Mountpoint).isDirectory());
  assert.ok(!Number.isNaN(Date.parse(v.CreatedAt)));

  assert.equal(names().sort(), [anon, 'v-one', 'v.two'].sort());
  assert.equal(names(['--filter', 'label=team=b']), ['v.two']);
  assert.equal(names(['--filter', 'label=team']).sort(), ['v-one', 'v.two']);
  assert.equal(names(['--filter', 'name=one']), ['v-one']);
  const table = t.ok(['volume', 'ls']).split('\n');
  assert.match(table[0], /^DRIVER\s+VOLUME NAME$/);
  assert.ok(table.some((l) => /^local\s+v-one$/.test(l)));
  const json = t.ok(['volume', 'ls', '--format', 'json']).split('\n').map((l) => JSON.parse(l));
  assert.ok(json.some((j) => j.Name === 'v.two' && j.Driver === 'local' && j.Labels === 'team=b'));
  assert.is(t.ok(['volume', 'ls', '--format', '{{.Name}} {{.Driver}}', '--filter', 'name=v.two']), 'v.two local');

  const missing = t.berth(['volume', 'inspect', 'v-one', 'nope']);
  assert.is(missing.code, 1, "docker's inspect: 1 when any object failed");
  assert.match(missing.stderr, /no such volume: nope/);
  assert.is(JSON.parse(missing.stdout).length, 1, 'the found ones are still printed');

  t.ok(['volume', 'rm', 'v-one', 'v.two', anon]);
  assert.equal(names(), []);
  const events = readFileSync(`${t.root}/events.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.type === 'volume' && e.id === 'v-one').map((e) => e.action);
  assert.equal(events, ['create', 'destroy'], 'one create (the second create found it), one destroy');
});

test('bad names and driver options are refused with one line and exit 125', () => {
  for (const args of [['create', 'a'], ['create', 'bad!name'], ['create', 'has/slash'], ['create', '--opt', 'type=tmpfs', 'x1'], ['create', '-d', 'nfs', 'x2']]) {
    const r = t.berth(['volume', ...args]);
    assert.is(r.code, 125, args.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1, args.join(' '));
  }
  assert.equal(names(), [], 'nothing was created');
  assert.is(t.berth(['volume', 'rm', 'never-made']).code, 125);
  assert.is(t.berth(['volume', 'rm', '-f', 'never-made']).code, 0, '-f ignores a missing volume');
});

test('prune removes only unused volumes: anonymous by default, named too with -a, label filters', () => {
  t.ok(['volume', 'create', 'used-named']);
  t.ok(['volume', 'create', 'unused-named']);
  t.ok(['volume', 'create', '--label', 'keep=no', 'unused-labelled']);
  const id = t.ok(['create', '--name', 'holder', '-v', 'used-named:/data', '-v', '/anon-used', 'bb', 'true']);
  t.seen.push(id);
  const orphan = t.ok(['create', '--name', 'gone', '-v', '/anon-orphan', 'bb', 'true']);
  t.seen.push(orphan);
  const orphanVol = JSON.parse(t.ok(['inspect', 'gone']))[0].Mounts[0].Name;
  t.ok(['rm', 'gone']);
  const usedAnon = JSON.parse(t.ok(['inspect', 'holder']))[0].Mounts.find((m: { Destination: string }) => m.Destination === '/anon-used').Name;

  const first = t.ok(['volume', 'prune', '-f']);
  assert.match(first, /^Deleted Volumes:\n/);
  assert.match(first, /Total reclaimed space: \d/);
  assert.not.ok(names().includes(orphanVol), 'the unused anonymous volume went');
  assert.ok(names().includes(usedAnon), 'an anonymous volume in use stays');
  assert.ok(names().includes('unused-named'), 'named volumes stay without -a');

  // without -f and with no "y" on stdin: nothing happens
  const declined = t.berth(['volume', 'prune', '-a'], { input: 'n\n' });
  assert.is(declined.code, 0);
  assert.ok(names().includes('unused-named'));

  const labelled = t.ok(['volume', 'prune', '-f', '-a', '--filter', 'label=keep=no']);
  assert.match(labelled, /unused-labelled/);
  assert.ok(names().includes('unused-named'));

  const all = t.ok(['volume', 'prune', '-a'], { input: 'y\n' });
  assert.match(all, /unused-named/);
  assert.equal(names().sort(), [usedAnon, 'used-named'].sort(), 'volumes in use survive prune -a');

  t.ok(['rm', '-v', 'holder']);
  assert.equal(names(), ['used-named'], 'rm -v removed the anonymous volume, not the named one');
  t.ok(['volume', 'rm', 'used-named']);
});

test('system df -v shows each volume\'s size, links and last use', () => {
  t.ok(['run', '--rm', '-v', 'sized:/data', 'bb', 'sh', '-c', 'head -c 300000 /dev/zero > /data/blob']);
  const id = t.ok(['create', '--name', 'linker', '-v', 'sized:/data', 'bb', 'true']);
  t.seen.push(id);
  const out = t.ok(['system', 'df', '-v']);
  const line = out.split('\n').find((l) => l.startsWith('sized '));
  assert.ok(line, out);
  const cols = line!.split(/\s{2,}/);
  assert.is(cols[1], '1', 'one container links it');
  assert.is(cols[2], '300kB');
  assert.ok(!Number.isNaN(Date.parse(cols[3])) || / ago$/.test(cols[3]), `last used: ${cols[3]}`);
  assert.match(t.ok(['system', 'df']), /^Local Volumes\s+1\s+1\s+300kB\s+0B \(0%\)$/m);
  const json = t.ok(['system', 'df', '-v', '--format', 'json']);
  const vol = JSON.parse(json).Volumes.find((v: { Name: string }) => v.Name === 'sized');
  assert.is(vol.UsageData.Size, 300000);
  assert.is(vol.UsageData.RefCount, 1);
  assert.ok(vol.LastUsedAt);
  assert.ok(readFileSync(`${t.root}/events.jsonl`, 'utf8').includes('"type":"volume","action":"mount","id":"sized"'), 'a mount event');
  t.ok(['rm', 'linker']);
  t.ok(['volume', 'rm', 'sized']);
  assert.not.ok(existsSync(`${t.root}/volumes/sized`));
});

test.run();
