// A container's changes on the busybox fixture: diff (A/C/D exactly, runtime
// mount targets left out), commit (a 2-layer image that runs with the change,
// a deleted file stays deleted, an opaque directory hides the layer below,
// --change/-m/-a, history), save of the committed image read by skopeo (the
// whiteout is in its layer tar) and a rmi/load round trip, export of running
// and stopped containers, image prune (dangling only; -a only unused), system df counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';
import { TestRoot, berthBin } from '../helpers/root.js';
import { scratch } from '../image/tars.js';
import { humanSize } from '../../src/engine/format.js';

const t = new TestRoot('berth-test-changes-');
const s = scratch('berth-test-changes-files-');
const tar = busyboxTar();

test.after(() => {
  s.remove();
  const left = t.cleanup();
  assert.equal(left, [], `left behind: ${left.join('; ')}`);
});

const f = (name: string) => join(s.dir, name);
const inspect = (ref: string) => (JSON.parse(t.ok(['image', 'inspect', ref])) as Array<Record<string, any>>)[0];
const tarNames = (data: Buffer) => execFileSync('tar', ['t'], { input: data, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter(Boolean);
const exportOf = (ctr: string) => execFileSync(process.execPath, ['--', berthBin, '--root', t.root, 'export', ctr], { maxBuffer: 64 << 20 });

let bbId = '';
let snapId = '';

test('diff: A, C and D exactly as docker reports them', () => {
  bbId = t.ok(['import', tar, 'bb']);
  t.ok(['run', '--name', 'c1', 'bb', 'sh', '-c',
    'echo new > /root/added; echo changed >> /etc/passwd; rm /etc/group; mkdir -p /newdir/sub; echo x > /newdir/sub/f; rm /bin/ls']);
  assert.is(t.ok(['diff', 'c1']), [
    'C /bin', 'D /bin/ls', 'C /etc', 'D /etc/group', 'C /etc/passwd', 'A /newdir', 'A /newdir/sub', 'A /newdir/sub/f', 'C /root', 'A /root/added',
  ].join('\n'));
  assert.is(t.ok(['container', 'diff', 'c1']), t.ok(['diff', 'c1']));
  const fresh = t.ok(['create', '--name', 'fresh', 'bb', 'true']);
  t.seen.push(fresh);
  assert.is(t.ok(['diff', 'fresh']), '', 'a created container has no changes');
});

test('commit: a 2-layer image with --change/-m/-a that runs with the change; deleted files stay deleted', () => {
  snapId = t.ok(['commit', '-c', 'ENV B=2', '-m', 'my snapshot', '-a', 'Jane <jane@example.com>', 'c1', 'snap:1']);
  assert.match(snapId, /^sha256:[a-f0-9]{64}$/);
  const i = inspect('snap:1');
  assert.is(i.Id, snapId);
  assert.is(i.RootFS.Layers.length, 2);
  assert.is(i.RootFS.Layers[0], inspect('bb').RootFS.Layers[0]);
  assert.equal(i.Config.Env, ['B=2']);
  assert.is(i.Comment, 'my snapshot');
  assert.is(i.Author, 'Jane <jane@example.com>');
  const out = t.ok(['run', '--name', 'c2', 'snap:1', 'sh', '-c',
    'cat /root/added; tail -1 /etc/passwd; cat /newdir/sub/f; test -e /etc/group || echo no-group; test -e /bin/ls || echo no-ls; echo $B']);
  assert.is(out, 'new\nchanged\nx\nno-group\nno-ls\n2');
  assert.is(t.ok(['diff', 'c2']), '', 'the committed whiteouts read as the image, not as changes');
  const hist = t.ok(['history', '--no-trunc', 'snap:1']).split('\n');
  assert.is(hist.length, 3);
  assert.match(hist[1], new RegExp(`^${snapId} .* sh -c echo new > /root/added; .* my snapshot$`));
  assert.match(hist[2], /^<missing> .* Imported from -$/);
  assert.is(t.ok(['image', 'history', '-q', 'snap:1']), `${snapId.slice(7, 19)}\n<missing>`);
});

test('commit: a directory removed and re-created (opaque) hides the lower content in the new image', () => {
  t.ok(['run', '--name', 'c3', 'bb', 'sh', '-c', 'rm -rf /usr/sbin && mkdir /usr/sbin && echo only > /usr/sbin/only']);
  assert.is(t.ok(['diff', 'c3']), 'C /usr\nC /usr/sbin\nA /usr/sbin/only');
  t.ok(['commit', 'c3', 'opq:1']);
  assert.is(t.ok(['run', '--rm', 'opq:1', 'ls', '/usr/sbin']), 'only');
});

test('save the committed image: skopeo reads both layers; the whiteout is in the layer tar; rmi + load keeps the ID', () => {
  t.ok(['save', '-o', f('snap.tar'), 'snap:1']);
  const info = JSON.parse(execFileSync('skopeo', ['inspect', `docker-archive:${f('snap.tar')}`], { encoding: 'utf8' }));
  assert.equal(info.Layers, inspect('snap:1').RootFS.Layers);
  const top = info.Layers[1].slice(7);
  const layer = execFileSync('tar', ['xOf', f('snap.tar'), `${top}/layer.tar`], { maxBuffer: 64 << 20 });
  assert.equal(tarNames(layer).sort(), [
    'bin/', 'bin/.wh.ls', 'etc/', 'etc/.wh.group', 'etc/passwd', 'newdir/', 'newdir/sub/', 'newdir/sub/f', 'root/', 'root/added',
  ]);
  t.ok(['save', '--format', 'oci-archive', '-o', f('snap-oci.tar'), 'snap:1']);
  const oci = JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${f('snap-oci.tar')}`], { encoding: 'utf8' }));
  assert.equal(oci.Layers, info.Layers);
  // umoci applies the layers itself: the whiteouts delete, the new files are there
  execFileSync('mkdir', ['-p', f('snap-layout')]);
  execFileSync('tar', ['xf', f('snap-oci.tar'), '-C', f('snap-layout')]);
  execFileSync('umoci', ['unpack', '--image', `${f('snap-layout')}:1`, f('snap-bundle')], { stdio: 'pipe' });
  const rootfs = join(f('snap-bundle'), 'rootfs');
  assert.is(readFileSync(join(rootfs, 'root/added'), 'utf8'), 'new\n');
  assert.not.ok(existsSync(join(rootfs, 'etc/group')) || existsSync(join(rootfs, 'bin/ls')), 'umoci applied the whiteouts');
  assert.ok(existsSync(join(rootfs, 'etc/passwd')));
  t.ok(['rm', 'c2']);
  t.ok(['rmi', 'snap:1']);
  assert.is(t.ok(['load', '-i', f('snap-oci.tar')]), 'Loaded image: snap:1');
  assert.is(inspect('snap:1').Id, snapId);
  assert.is(t.ok(['run', '--rm', 'snap:1', 'sh', '-c', 'cat /root/added; test -e /etc/group || echo no-group']), 'new\nno-group');
});

test('export: a running container (its live changes, no /proc or /dev content) and a stopped one', () => {
  const id = t.ok(['run', '-d', '--name', 'e1', 'bb', 'sh', '-c', 'echo live > /live; sleep 60']);
  t.seen.push(id);
  for (let i = 0; i < 50 && !t.ok(['diff', 'e1']).includes('A /live'); i++) execFileSync('sleep', ['0.1']);
  const names = tarNames(exportOf('e1'));
  for (const n of ['live', 'bin/busybox', 'bin/sh', 'etc/passwd', 'etc/group', 'proc/', 'dev/']) assert.ok(names.includes(n), `export has ${n}`);
  assert.not.ok(names.some((n) => /^(proc|sys|dev)\/./.test(n)), 'nothing mounted at run time is exported');
  const sh = execFileSync('tar', ['tvf', '-', 'bin/sh'], { input: exportOf('e1'), encoding: 'utf8' });
  assert.match(sh, /bin\/sh -> \/bin\/busybox/, 'symlinks are archived as links');
  // commit works on a running container too (berth does not pause it)
  t.ok(['commit', 'e1', 'live:1']);
  assert.is(t.ok(['run', '--rm', 'live:1', 'cat', '/live']), 'live');
  t.ok(['rm', '-f', 'e1']);
  t.ok(['container', 'export', '-o', f('c1.tar'), 'c1']);
  const stopped = tarNames(readFileSync(f('c1.tar')));
  assert.ok(stopped.includes('root/added') && stopped.includes('newdir/sub/f'));
  assert.not.ok(stopped.includes('etc/group') || stopped.includes('bin/ls'), 'deleted files are not exported');
  assert.equal(readdirSync(join(t.root, 'tmp')), [], 'the export view is unmounted and removed');
  assert.not.ok(readFileSync('/proc/self/mountinfo', 'utf8').includes(t.root));
});

test('image prune: only dangling images; -a: only images no container uses; no -f and no answer: nothing', () => {
  const first = t.ok(['import', '-c', 'ENV V=1', tar, 'dang']);
  const second = t.ok(['import', '-c', 'ENV V=2', tar, 'dang']);
  assert.is.not(first, second);
  const declined = t.berth(['image', 'prune']);
  assert.is(declined.code, 0);
  assert.match(declined.stdout, /WARNING! This will remove all dangling images\.\nAre you sure you want to continue\? \[y\/N\] $/);
  assert.ok(t.ok(['images', '-q']).includes(first.slice(7, 19)), 'declined: nothing removed');
  // the layer is shared with bb: deleting the image reclaims nothing
  assert.is(t.ok(['image', 'prune', '-f']), `Deleted Images:\ndeleted: ${first}\n\nTotal reclaimed space: 0B`);
  assert.is(t.ok(['image', 'prune', '-f']), 'Total reclaimed space: 0B');
  // bb is used by c1, c3 and fresh; dang, snap and opq by no container
  const out = t.ok(['image', 'prune', '-a', '-f']).split('\n');
  assert.equal(out.filter((l) => l.startsWith('untagged: ')).sort(), ['untagged: dang:latest', 'untagged: live:1', 'untagged: opq:1', 'untagged: snap:1']);
  assert.ok(out.includes(`deleted: ${snapId}`) && out.includes(`deleted: ${second}`));
  assert.match(out[out.length - 1], /^Total reclaimed space: \d+(\.\d+)?[kM]?B$/);
  assert.not.match(out[out.length - 1], / 0B$/, 'the committed layer was reclaimed');
  const left = t.ok(['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').sort();
  assert.equal(left, ['bb:latest']);
  assert.equal(readdirSync(join(t.root, 'layers')), [inspect('bb').RootFS.Layers[0].slice(7)], 'only the base layer is left');
});

test('system df: counts match; shared layers count once; reclaimable is what no used image needs', () => {
  // a second image sharing bb's layer, used by no container
  t.ok(['commit', 'c1', 'df:1']);
  const layerSizes = readdirSync(join(t.root, 'layers')).map((d) => JSON.parse(readFileSync(join(t.root, 'layers', d, 'layer.json'), 'utf8')) as { size: number; parent: string | null });
  assert.is(layerSizes.length, 2);
  const total = layerSizes.reduce((n, l) => n + l.size, 0);
  const top = layerSizes.find((l) => l.parent !== null)!.size;
  const rows = t.ok(['system', 'df']).split('\n').slice(1).map((l) => l.split(/\s{2,}/));
  const byType = Object.fromEntries(rows.map((r) => [r[0], r.slice(1)]));
  const images = t.ok(['images', '-q']).split('\n').filter(Boolean).length;
  const ctrs = t.ok(['ps', '-a', '-q']).split('\n').filter(Boolean).length;
  assert.is(byType.Images[0], String(images));
  assert.is(byType.Images[1], '1', 'bb is used by containers, df:1 is not');
  assert.is(byType.Images[2], humanSize(total), 'the shared base layer counts once');
  assert.is(byType.Images[3], `${humanSize(top)} (${Math.round((top / total) * 100)}%)`, 'only the commit layer is reclaimable');
  assert.is(byType.Containers[0], String(ctrs));
  assert.is(byType.Containers[1], '0', 'none running');
  assert.equal(byType['Build Cache'], ['0', '0', '0B', '0B']);
  assert.is(t.ok(['image', 'prune', '-a', '-f']).split('\n').pop(), `Total reclaimed space: ${humanSize(top)}`);
});

test.run();
