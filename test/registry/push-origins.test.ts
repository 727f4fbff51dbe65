// An image's manifest lists all its layers whatever their origin: imported,
// loaded, pulled (gzip layers, as skopeo pushed them), committed on each of
// those and on a commit. Each is pushed by berth, read back by skopeo (layer
// count = the config's diff_ids; `skopeo copy` verifies every blob), then the
// store is emptied and berth pulls each again: same image ID, same files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { TestRoot } from '../helpers/root.js';
import { scratch } from '../image/tars.js';

const t = new TestRoot('berth-test-regorigins-');
const s = scratch('berth-test-regorigins-files-');
let reg: TestRegistry;

test.before(async () => {
  reg = await startRegistry();
});
test.after(async () => {
  await reg?.stop();
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

interface Origin { ref: string; id: string; check: string }
const origins: Origin[] = [];
const idOf = (ref: string) => t.ok(['image', 'inspect', '-f', '{{.Id}}', ref]);
const skopeo = (...args: string[]) => execFileSync('skopeo', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Pushes `local` as `name:1` and records what a pull must give back. */
function pushed(local: string, name: string, check: string): void {
  const ref = `${reg.addr}/${name}:1`;
  t.ok(['tag', local, ref]);
  t.ok(['push', ref]);
  origins.push({ ref, id: idOf(ref), check });
}

function commitOf(base: string, name: string, file: string): string {
  t.ok(['run', '--name', name, base, 'sh', '-c', `echo ${name} >${file}`]);
  t.ok(['commit', name, `local/${name}:1`]);
  t.ok(['rm', name]);
  return `local/${name}:1`;
}

test('every origin is pushed: imported, loaded, pulled with gzip layers, committed on each, a commit of a commit', () => {
  t.ok(['import', busyboxTar(), 'local/imported:1']);
  pushed('local/imported:1', 'imported', 'cat /etc/passwd >/dev/null');

  // loaded: a different config (so a different image), saved, removed, loaded back
  t.ok(['import', busyboxTar(), 'local/loaded:1', '-c', 'ENV ORIGIN=loaded']);
  const archive = join(s.dir, 'loaded.tar');
  t.ok(['save', '-o', archive, 'local/loaded:1']);
  t.ok(['rmi', 'local/loaded:1']);
  t.ok(['load', '-i', archive]);
  pushed('local/loaded:1', 'loaded', 'test "$ORIGIN" = loaded');

  // pulled: skopeo pushes a docker-archive with its layer gzipped; berth keeps that blob
  const gz = `${reg.addr}/gz:1`;
  skopeo('copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${gz}`);
  t.ok(['pull', gz]);
  pushed(gz, 'pulled', 'test "$ORIGIN" = loaded');

  pushed(commitOf('local/imported:1', 'on-imported', '/f'), 'on-imported', 'grep on-imported /f');
  pushed(commitOf('local/loaded:1', 'on-loaded', '/f'), 'on-loaded', 'grep on-loaded /f');
  const onCommit = commitOf('local/on-imported:1', 'on-commit', '/g');
  pushed(onCommit, 'on-commit', 'grep on-imported /f && grep on-commit /g');
  const onPulled = commitOf(gz, 'on-pulled', '/f');
  // the pulled parent goes first: the commit keeps the gzip blob it builds on
  t.ok(['rmi', gz, `${reg.addr}/pulled:1`]);
  pushed(onPulled, 'on-pulled', 'grep on-pulled /f && test "$ORIGIN" = loaded');
});

test('skopeo reads each: as many layers as the config has diff_ids, every blob verifies', () => {
  for (const o of origins) {
    const layers = (JSON.parse(skopeo('inspect', '--tls-verify=false', `docker://${o.ref}`)) as { Layers: string[] }).Layers;
    const config = JSON.parse(skopeo('inspect', '--tls-verify=false', '--config', `docker://${o.ref}`)) as { rootfs: { diff_ids: string[] } };
    assert.is(layers.length, config.rootfs.diff_ids.length, o.ref);
    const dir = join(s.dir, `oci-${origins.indexOf(o)}`);
    skopeo('copy', '-q', '--src-tls-verify=false', `docker://${o.ref}`, `oci:${dir}:1`);
  }
  assert.is(origins.length, 7);
});

test('an empty store pulls each back: same image ID, its files and config', () => {
  const all = t.ok(['images', '-q', '--no-trunc']).split('\n').filter(Boolean);
  t.ok(['rmi', '-f', ...new Set(all)]);
  assert.is(t.ok(['images', '-q']), '');
  for (const o of origins) {
    const r = t.berth(['pull', o.ref]);
    assert.is(r.code, 0, `${o.ref}: ${r.stderr}`);
    assert.is(idOf(o.ref), o.id, o.ref);
    assert.is(t.berth(['run', '--rm', o.ref, 'sh', '-c', o.check]).code, 0, `${o.ref}: ${o.check}`);
  }
});

test.run();
