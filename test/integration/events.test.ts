// `berth events` as docker's: the engine records docker's event types, actions and
// attributes (container, image, volume), `--since`/`--until` take docker's time
// forms and replay what was recorded, `--filter` ORs the values of a key and ANDs
// the keys, `--format` runs a template on docker's events.Message (`{{json .}}`
// with docker's JSON names), the default line is docker's, and without --until
// the stream follows new events until it is interrupted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { busyboxTar } from '../helpers/fixtures.js';
import { berthBin, TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-events-');

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});
test.after(() => {
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

/** Unix seconds with nanoseconds, docker's --since form; a moment later than any event before it. */
const unixNow = (): string => { const ms = Date.now(); return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`; };
const sleep = (s: number): void => void spawnSync('sleep', [String(s)]);
function recorded(since: string, ...args: string[]): string[] {
  const r = t.berth(['events', '--since', since, '--until', '0s', ...args]);
  assert.is(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

let since = '';
let id = '';
let imageId = '';

test('a container\'s life, an image\'s tags and a volume\'s use: docker\'s actions and attributes, in order', () => {
  since = unixNow();
  imageId = t.ok(['inspect', '-f', '{{.Id}}', 'bb']);
  t.ok(['tag', 'bb', 'bb:ev']);
  t.ok(['volume', 'create', 'evvol']);
  id = t.ok(['run', '-d', '--name', 'ev1', '--network', 'none', '--label', 'team=a', '-v', 'evvol:/data', 'bb', 'sleep', '100']);
  t.seen.push(id);
  t.ok(['exec', 'ev1', 'sh', '-c', 'true']);
  t.ok(['kill', '-s', 'USR1', 'ev1']);
  t.ok(['pause', 'ev1']);
  t.ok(['unpause', 'ev1']);
  t.ok(['rename', 'ev1', 'ev2']);
  t.ok(['restart', '-t', '0', 'ev2']);
  t.ok(['stop', '-t', '0', 'ev2']);
  t.ok(['rm', 'ev2']);
  t.ok(['rmi', 'bb:ev']);
  const lines = recorded(since, '--format', '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "team"}}');
  const want = [
    `image tag ${imageId} bb:ev `,
    'volume create evvol <no value> ',
    `container create ${id} ev1 a`,
    `volume mount evvol <no value> `,
    `container start ${id} ev1 a`,
    `container exec_create: sh -c true ${id} ev1 a`,
    `container exec_start: sh -c true ${id} ev1 a`,
    `container exec_die ${id} ev1 a`,
    `container kill ${id} ev1 a`,
    `container pause ${id} ev1 a`,
    `container unpause ${id} ev1 a`,
    `container rename ${id} ev2 a`,
    `container restart ${id} ev2 a`,
    `container kill ${id} ev2 a`, // stop: docker's order
    `container die ${id} ev2 a`,
    `container stop ${id} ev2 a`,
    `container destroy ${id} ev2 a`,
    `image untag ${imageId} ${imageId} `,
  ];
  let at = -1;
  for (const w of want) {
    const i = lines.indexOf(w, at + 1);
    assert.ok(i > at, `"${w}" (in this order) among:\n${lines.join('\n')}`);
    at = i;
  }
  assert.ok(lines.includes(`volume unmount evvol <no value> `), lines.join('\n'));
  const attrs = recorded(since, '--filter', 'container=ev', '--format', '{{.Action}} {{json .Actor.Attributes}}');
  assert.ok(attrs.includes('kill {"image":"bb","name":"ev1","signal":"10","team":"a"}'), attrs.join('\n'));
  assert.ok(attrs.includes('rename {"image":"bb","name":"ev2","oldName":"/ev1","team":"a"}'), attrs.join('\n'));
  assert.ok(attrs.some((l) => /^die \{"execDuration":"\d+","exitCode":"137","image":"bb","name":"ev2","team":"a"\}$/.test(l)), attrs.join('\n'));
  assert.ok(attrs.some((l) => /^exec_die \{"execID":"[0-9a-f]{64}","exitCode":"0","image":"bb","name":"ev1","team":"a"\}$/.test(l)), attrs.join('\n'));
});

test('the default line is docker\'s; {{json .}} is docker\'s events.Message', () => {
  const text = recorded(since, '--filter', 'event=create', '--filter', 'type=container');
  assert.is(text.length, 1, text.join('\n'));
  assert.match(text[0], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}(Z|[+-]\\d\\d:\\d\\d) container create ${id} \\(image=bb, name=ev1, team=a\\)$`));
  const [json] = recorded(since, '--filter', 'event=create', '--filter', 'type=container', '--format', '{{json .}}');
  const m = JSON.parse(json) as Record<string, unknown>;
  assert.equal(Object.keys(m), ['status', 'id', 'from', 'Type', 'Action', 'Actor', 'scope', 'time', 'timeNano']);
  assert.equal(m.Actor, { ID: id, Attributes: { image: 'bb', name: 'ev1', team: 'a' } });
  assert.is(m.from, 'bb');
  const nano = /"timeNano":(\d+)/.exec(json)![1];
  assert.is(String(m.time), nano.slice(0, -9), 'time is timeNano in seconds');
  const [vol] = recorded(since, '--filter', 'type=volume', '--filter', 'event=create', '--format', 'json');
  assert.equal(Object.keys(JSON.parse(vol)), ['Type', 'Action', 'Actor', 'scope', 'time', 'timeNano'], 'no status/id/from for a volume (docker fills them for containers and images)');
});

test('filters: values of a key OR-ed, keys AND-ed; prefixes for actors; image with or without its tag; labels', () => {
  const actions = (...f: string[]) => recorded(since, ...f.flatMap((x) => ['--filter', x]), '--format', '{{.Type}} {{.Action}}');
  assert.equal(actions('container=ev', 'event=pause', 'event=unpause'), ['container pause', 'container unpause']);
  assert.equal(actions(`container=${id.slice(0, 8)}`, 'event=rename'), ['container rename']);
  assert.equal(actions('container=nothing'), []);
  assert.equal(actions('type=volume', 'volume=evvol', 'event=create'), ['volume create']);
  assert.equal(actions('label=team=a', 'event=destroy'), ['container destroy']);
  assert.equal(actions('label=team=b'), []);
  assert.equal(actions('image=bb:ev'), ['image tag'], 'an image event by its name');
  assert.ok(actions('image=bb', 'event=create').includes('container create'), 'a container by its image, tag or not');
  assert.equal(actions('event=exec_create'), ['container exec_create: sh -c true'], 'exec_create matches by prefix (docker #25798)');
  const bad = t.berth(['events', '--until', '0s', '--filter', 'colour=red']);
  assert.is(bad.code, 1);
  assert.is(bad.stderr, "Error: invalid filter 'colour'\n");
});

test('--since and --until: unix seconds, RFC3339 and durations; only what lies between', () => {
  const before = unixNow();
  sleep(1.1);
  const mid = new Date().toISOString();
  t.ok(['volume', 'create', 'evtime']);
  const after = new Date(Date.now() + 5).toISOString();
  sleep(1.1);
  t.ok(['volume', 'rm', 'evtime']);
  const fmt = ['--filter', 'volume=evtime', '--format', '{{.Action}}'];
  assert.equal(t.ok(['events', '--since', before, '--until', '0s', ...fmt]).split('\n'), ['create', 'destroy']);
  assert.equal(t.ok(['events', '--since', mid, '--until', after, ...fmt]).split('\n'), ['create']);
  assert.equal(t.ok(['events', '--since', '1m', '--until', after.replace(/Z$/, '+00:00'), ...fmt]).split('\n'), ['create']);
  assert.equal(t.ok(['events', '--since', after, '--until', '0s', ...fmt]), 'destroy');
  const wrong = t.berth(['events', '--since', '1s', '--until', '1m']);
  assert.is(wrong.code, 1);
  assert.match(wrong.stderr, /^Error: `since` time \(.*\) cannot be after `until` time \(.*\)\n$/);
  const bad = t.berth(['events', '--since', 'yesterday']);
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /invalid time value "yesterday"/);
});

test('without --until the stream follows new events until interrupted; --until in the future ends it then', async () => {
  const child = spawn(process.execPath, ['--', berthBin, '--root', t.root, 'events', '--filter', 'type=volume', '--filter', 'event=create', '--format', '{{.Actor.ID}}'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  // the stream starts at the end of the file: create volumes until one is seen
  const names: string[] = [];
  for (let i = 0; i < 100 && !out; i++) {
    names.push(`evstream${i}`);
    t.ok(['volume', 'create', names[i]]);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(out, 'a new event was streamed');
  const n = names.length;
  t.ok(['volume', 'create', 'evstreamlast']);
  for (let i = 0; i < 50 && !out.includes('evstreamlast'); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(out.endsWith('evstreamlast\n'), out);
  child.kill('SIGINT');
  assert.is(await exited, 0, 'Ctrl-C ends the stream');
  t.ok(['volume', 'rm', ...names.slice(0, n), 'evstreamlast']);

  // docker's durations count back from now ("--until 2s" = two seconds ago): a moment to come is a timestamp
  const start = Date.now();
  const until = t.berth(['events', '--until', String(Math.floor(start / 1000) + 3), '--format', '{{.Action}}']);
  assert.is(until.code, 0);
  const took = Date.now() - start;
  assert.ok(took >= 1500 && took < 15_000, `--until (3 s on) ended the stream after ${took} ms`);
  const past = Date.now();
  assert.is(t.berth(['events', '--until', '2s']).code, 0);
  assert.ok(Date.now() - past < 10_000, '--until 2s (two seconds ago) prints what was recorded and ends');
});

test.run();
