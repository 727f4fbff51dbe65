// docker's small verbs and flags that scripts use: version (and --format),
// info --format, container prune, run/create --cidfile (an existing file is
// refused before anything is made), cp -L (a symlink as the source is followed,
// inside the container's root, and keeps its name).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot } from '../helpers/root.js';

const t = new TestRoot('berth-test-smallverbs-');
const dir = mkdtempSync('/tmp/berth-test-smallverbs-files-');
const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test.before(() => {
  t.ok(['import', busyboxTar(), 'bb']);
});
test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

test('version: client and engine; --format with docker\'s keys; --format json', () => {
  const out = t.ok(['version']);
  assert.match(out, new RegExp(`^Client: berth\\n Version: +${version.replace(/\./g, '\\.')}\\n`));
  assert.match(out, /\nServer: berth embedded engine \(no daemon\)\n Engine:\n {2}Version: +/);
  assert.match(out, new RegExp(`Kernel Version: +${release().replace(/[.+]/g, '\\$&')}$`));
  assert.is(t.ok(['version', '--format', '{{.Server.Version}}/{{.Client.Version}}']), `${version}/${version}`);
  const json = JSON.parse(t.ok(['version', '-f', 'json'])) as { Client: { Version: string; Os: string }; Server: { Components: { Name: string }[]; KernelVersion: string } };
  assert.is(json.Client.Version, version);
  assert.is(json.Client.Os, 'linux');
  assert.is(json.Server.Components[0].Name, 'Engine');
  assert.is(json.Server.KernelVersion, release());
  const bad = t.berth(['version', '--format', '{{.Nope}}']);
  assert.is(bad.code, 1, 'an unknown field is an error');
});

test('info --format: a template over info\'s keys', () => {
  assert.is(t.ok(['info', '--format', '{{.ServerVersion}} {{.OSType}} {{.Images}}']), `${version} linux 1`);
  assert.is(t.berth(['info', '--format', '{{.Nope}}']).code, 1);
});

test('container prune: asks first (no answer: nothing removed); -f removes the stopped ones only', () => {
  const stopped = t.ok(['create', '--name', 'pr-stopped', 'bb', 'true']);
  t.ok(['run', '--name', 'pr-exited', 'bb', 'sh', '-c', 'echo data >/written']);
  const exited = t.ok(['ps', '-aq', '--no-trunc', '--filter', 'name=pr-exited']);
  const running = t.ok(['run', '-d', '--name', 'pr-running', 'bb', 'sleep', '1000']);
  t.seen.push(stopped, exited, running);
  const declined = t.berth(['container', 'prune']);
  assert.is(declined.code, 0);
  assert.is(declined.stdout, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
  assert.is(t.ok(['ps', '-aq']).split('\n').length, 3);
  const out = t.ok(['container', 'prune', '-f']).split('\n');
  assert.is(out[0], 'Deleted Containers:');
  assert.equal(out.slice(1, 3).sort(), [stopped, exited].sort());
  assert.match(out[4], /^Total reclaimed space: \d+(\.\d+)?k?B$/);
  assert.is(t.ok(['ps', '-aq', '--no-trunc']), running, 'the running container stays');
  assert.is(t.ok(['container', 'prune', '-f']), 'Total reclaimed space: 0B');
  t.ok(['rm', '-f', 'pr-running']);
});

test('--cidfile: the ID is written; an existing file is refused before anything is made (run 125, create 1)', () => {
  const f = join(dir, 'cid');
  const id = t.ok(['run', '-d', '--cidfile', f, 'bb', 'sleep', '1000']);
  t.seen.push(id);
  assert.is(readFileSync(f, 'utf8'), id);
  const before = t.ok(['ps', '-aq']);
  const again = t.berth(['run', '-d', '--cidfile', f, 'bb', 'true']);
  assert.is(again.code, 125);
  assert.is(again.stderr, `berth: Container ID file found, make sure the other container isn't running or delete ${f}\n`);
  const created = t.berth(['create', '--cidfile', f, 'bb', 'true']);
  assert.is(created.code, 1);
  assert.is(t.ok(['ps', '-aq']), before, 'no container was made');
  assert.is(readFileSync(f, 'utf8'), id, 'the file is left as it was');
  // a create that fails removes the file it made
  const g = join(dir, 'cid2');
  assert.is(t.berth(['create', '--cidfile', g, '--pull', 'never', 'nope', 'true']).code, 1);
  assert.not.ok(existsSync(g));
  t.ok(['rm', '-f', id]);
});

test('cp -L follows a symlink source (inside the container\'s root) and keeps its name; without -L the link is copied', () => {
  // an absolute link: followed inside the container's root, never on the host
  t.ok(['run', '--name', 'links', 'bb', 'sh', '-c', 'echo inside >/data; ln -s /data /lnk']);
  t.ok(['cp', '-L', 'links:/lnk', `${dir}/`]);
  assert.ok(lstatSync(join(dir, 'lnk')).isFile());
  assert.is(readFileSync(join(dir, 'lnk'), 'utf8'), 'inside\n');
  t.ok(['cp', 'links:/lnk', join(dir, 'as-link')]);
  assert.ok(lstatSync(join(dir, 'as-link')).isSymbolicLink(), 'without -L the link itself');
  // into the container: the host's link is followed
  writeFileSync(join(dir, 'target'), 'from the host\n');
  symlinkSync(join(dir, 'target'), join(dir, 'hostlink'));
  t.ok(['cp', '-L', join(dir, 'hostlink'), 'links:/']);
  t.ok(['cp', 'links:/hostlink', join(dir, 'back')]);
  assert.ok(lstatSync(join(dir, 'back')).isFile());
  assert.is(readFileSync(join(dir, 'back'), 'utf8'), 'from the host\n');
  t.ok(['rm', 'links']);
});

test.run();
