// docker's --filter for ps and images on data (no kernel): the key syntax and
// its errors, name= as a regular expression with and without '/', id= prefixes,
// before/since, status/exited, label, volume, ancestor sets; images' dangling,
// reference (keeping only matching tags), label, before/since.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { filterContainers, PS_FILTERS, type ContainerSummary } from '../../src/engine/container/index.js';
import { filterImages, IMAGE_FILTERS, type ImageRecord } from '../../src/engine/image/index.js';
import { parseFilters } from '../../src/engine/filters.js';

const ctr = (name: string, id: string, state: ContainerSummary['state'], extra: Partial<ContainerSummary> = {}): ContainerSummary => ({
  id: id.padEnd(64, '0'), name, image: 'bb', imageId: 'sha256:aaa', command: 'sh', created: '', state, status: '',
  labels: {}, pid: 0, mounts: [], networks: ['none'], ports: [], startedAt: state === 'created' ? undefined : '2026-01-01T00:00:00Z', ...extra,
});
// newest first, as the engine lists them
const list = [
  ctr('web', 'a1', 'running', { labels: { tier: 'web', k: 'v' } }),
  ctr('web-old', 'a2', 'exited', { exitCode: 3 }),
  ctr('db', 'b1', 'paused', { mounts: [{ type: 'volume', name: 'data', source: '/v/data/_data', target: '/var/db' }], imageId: 'sha256:bbb' }),
  ctr('fresh', 'c1', 'created', { exitCode: 0 }),
  ctr('done', 'c2', 'exited', { exitCode: 0 }),
];
const ps = (filters: string[], opts: { all?: boolean; limit?: number; ancestors?: Set<string> } = {}) =>
  filterContainers(list, { ...opts, filters: parseFilters(filters, PS_FILTERS) }).map((c) => c.name);
const throws = (fn: () => unknown, msg: string) => assert.throws(fn, (e: Error) => e.message === msg);

test('no filters: running (and paused) only; -a all; -n counts any state', () => {
  assert.equal(ps([]), ['web', 'db']);
  assert.equal(ps([], { all: true }), ['web', 'web-old', 'db', 'fresh', 'done']);
  assert.equal(ps([], { limit: 2 }), ['web', 'web-old']);
});

test('name= is a regular expression matched with and without the leading /', () => {
  assert.equal(ps(['name=web'], { all: true }), ['web', 'web-old']);
  assert.equal(ps(['name=^web$'], { all: true }), ['web']);
  assert.equal(ps(['name=^/web$'], { all: true }), ['web']);
  assert.equal(ps(['name=^w', 'name=db'], { all: true }), ['web', 'web-old', 'db'], 'values of one key are OR-ed');
  assert.equal(ps(['name=web', 'label=tier=web'], { all: true }), ['web'], 'keys are AND-ed');
});

test('id= is a unique ID prefix; status= implies -a; exited= needs a container that ran', () => {
  assert.equal(ps(['id=a1'], { all: true }), ['web']);
  assert.equal(ps(['id=a'], { all: true }), [], 'an ambiguous prefix matches nothing');
  assert.equal(ps(['status=exited']), ['web-old', 'done']);
  assert.equal(ps(['status=paused', 'status=created']), ['db', 'fresh']);
  assert.equal(ps(['exited=0'], { all: true }), ['done'], 'a created container has not exited');
  assert.equal(ps(['exited=3']), [], 'exited= alone does not imply -a (docker)');
  throws(() => ps(['status=nope']), "invalid filter 'status=nope'");
  throws(() => ps(['exited=x']), 'strconv.Atoi: parsing "x": invalid syntax');
});

test('label=, volume= (name or destination), network=, ancestor= (image IDs), health=none', () => {
  assert.equal(ps(['label=tier'], { all: true }), ['web']);
  assert.equal(ps(['label=tier=db'], { all: true }), []);
  assert.equal(ps(['volume=data'], { all: true }), ['db']);
  assert.equal(ps(['volume=/var/db'], { all: true }), ['db']);
  assert.equal(ps(['network=none']), ['web', 'db']);
  assert.equal(ps(['ancestor=x'], { all: true, ancestors: new Set(['sha256:bbb']) }), ['db']);
  assert.equal(ps(['ancestor=x'], { all: true, ancestors: new Set() }), [], 'an unknown image matches nothing');
  assert.equal(ps(['health=none']), ['web', 'db']);
  assert.equal(ps(['health=healthy']), []);
});

test('publish= and expose= match the listed ports (PORT[-END][/PROTO], tcp by default)', () => {
  const withPorts = [
    ctr('web', 'a1', 'running', { ports: [{ ip: '0.0.0.0', privatePort: 80, publicPort: 8080, proto: 'tcp' }, { privatePort: 443, proto: 'tcp' }] }),
    ctr('dns', 'a2', 'running', { ports: [{ ip: '0.0.0.0', privatePort: 53, publicPort: 5353, proto: 'udp' }] }),
    ctr('plain', 'a3', 'running'),
  ];
  const f = (filters: string[]) => filterContainers(withPorts, { filters: parseFilters(filters, PS_FILTERS) }).map((c) => c.name);
  assert.equal(f(['publish=8080']), ['web']);
  assert.equal(f(['publish=80']), [], 'publish= is the host port');
  assert.equal(f(['expose=80']), ['web']);
  assert.equal(f(['expose=443/tcp']), ['web'], 'an exposed port without a binding');
  assert.equal(f(['expose=53']), [], 'tcp by default');
  assert.equal(f(['publish=5000-6000/udp']), ['dns']);
  assert.throws(() => f(['publish=x']));
});

test('before= and since= cut the newest-first list at a container (by name or ID)', () => {
  assert.equal(ps(['before=db'], { all: true }), ['fresh', 'done']);
  assert.equal(ps(['since=db'], { all: true }), ['web', 'web-old']);
  assert.equal(ps([`since=${'c2'.padEnd(64, '0')}`], { all: true }), ['web', 'web-old', 'db', 'fresh']);
  throws(() => ps(['before=nosuch']), 'No such container: nosuch');
});

test("docker's filter syntax errors", () => {
  throws(() => parseFilters(['bogus=1'], PS_FILTERS), "invalid filter 'bogus'");
  throws(() => parseFilters(['name'], PS_FILTERS), 'invalid argument "name" for "-f, --filter" flag: bad format of filter (expected name=value)');
});

const img = (id: string, repoTags: string[], created: string, labels?: Record<string, string>): ImageRecord => ({
  id, repoTags, repoDigests: [], created, size: 1, layers: [], config: labels ? { Labels: labels } : {}, manifestDigest: '',
});
const images = [
  img('sha256:3', ['docker.io/library/app:2', 'docker.io/library/app:latest', 'r.io/x/app:2'], '2026-01-03T00:00:00Z', { v: '2' }),
  img('sha256:2', [], '2026-01-02T00:00:00Z'),
  img('sha256:1', ['docker.io/library/bb:latest'], '2026-01-01T00:00:00Z', { v: '1' }),
];
const ims = (filters: string[]) =>
  filterImages(images, { filters: parseFilters(filters, IMAGE_FILTERS), lookup: (r) => images.find((i) => i.repoTags.includes(`docker.io/library/${r}`))! })
    .map((i) => `${i.id}${i.repoTags.length ? ' ' + i.repoTags.join(',') : ''}`);

test('images: dangling, reference (matching tags only), label, before/since', () => {
  assert.equal(ims(['dangling=true']), ['sha256:2']);
  assert.equal(ims(['dangling=false']).length, 2);
  assert.equal(ims(['reference=app:2']), ['sha256:3 docker.io/library/app:2']);
  assert.equal(ims(['reference=app']), ['sha256:3 docker.io/library/app:2,docker.io/library/app:latest']);
  assert.equal(ims(['reference=*/*/app:*']), ['sha256:3 r.io/x/app:2']);
  assert.equal(ims(['reference=*/app:*']), [], 'a * stops at a /, as path.Match');
  assert.equal(ims(['label=v=1']), ['sha256:1 docker.io/library/bb:latest']);
  assert.equal(ims(['before=app:2']), ['sha256:2', 'sha256:1 docker.io/library/bb:latest']);
  assert.equal(ims(['since=bb:latest']).map((s) => s.slice(0, 8)), ['sha256:3', 'sha256:2']);
  throws(() => ims(['dangling=maybe']), "invalid filter 'dangling=[maybe]'");
  throws(() => ims(['status=x']), "invalid filter 'status'");
});

test.run();
