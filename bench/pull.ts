// Cold pulls from the loopback registry, every tool into a store of its own that
// is empty at each round: berth (fresh --root), skopeo copy (fresh OCI layout),
// podman pull (fresh store: its set-up is part of what a first pull costs),
// docker pull (image removed before, outside the timing). The floor is the unpack
// alone: `gunzip | tar -x` of the same layer blobs into the same filesystem; MB/s
// count the layers' compressed bytes (what crosses the wire).
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Anchors } from './anchors.js';
import { bigImageLayout } from './big-image.js';
import { anchorsDir, berth, fmt, interleave, log, summary, timed, verdict, type Row } from './util.js';

export async function benchPull(a: Anchors, rounds: number): Promise<Row[]> {
  if (!a.reg) return [{ section: 'pull', what: 'pull', value: 'skipped', note: a.skip.registry ?? 'no registry' }];
  const images: [string, string, string][] = [['busybox, 1 layer', `${a.reg}/busybox:latest`, join(a.bb, 'oci')]];
  for (const [layers, mib] of [[5, 20], [1, 100]]) {
    const name = `big${layers}x${mib}`;
    const layout = await bigImageLayout(layers, mib);
    timed('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${layout}:latest`, `docker://${a.reg}/${name}:latest`]);
    images.push([layers === 1 ? `1 × ${mib} MB layer` : `${layers} × ${mib} MB layers`, `${a.reg}/${name}:latest`, layout]);
  }
  const rows: Row[] = [];
  for (const [label, ref, layout] of images) {
    const blobs = layerBlobs(layout);
    const mb = blobs.reduce((x, b) => x + statSync(b).size, 0) / 1e6;
    let k = 0;
    const fresh = (tool: string) => join(a.tmp, `pull-${tool}-${k++}`);
    const once = (dir: string, f: () => number) => { try { return f(); } finally { rmSync(dir, { recursive: true, force: true }); } };
    const tools: Record<string, () => number> = {
      berth: () => { const d = fresh('berth'); return once(d, () => timed(...berth(d, 'pull', '-q', ref))); },
      skopeo: () => { const d = fresh('skopeo'); return once(d, () => timed('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${d}:latest`])); },
      // what berth does: download and unpack into a root filesystem
      'skopeo+umoci': () => {
        const d = fresh('umoci');
        mkdirSync(d);
        return once(d, () => timed('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${d}/oci:latest`])
          + timed('umoci', ['unpack', '--image', `${d}/oci:latest`, `${d}/bundle`]));
      },
    };
    // the floor: the same blobs gunzipped and untarred, one after another, into a fresh dir.
    // -P because without it GNU tar first makes a placeholder file for every symlink whose
    // target is absolute or has "..", and replaces it at the end: busybox's 268 symlinks cost
    // twice the inodes there, and the floor was slower than umoci's unpack (the layers are the
    // bench's own, so the names it would refuse are not a concern)
    tools['floor: gunzip | tar -x'] = () => {
      const d = fresh('floor');
      mkdirSync(d);
      return once(d, () => timed('sh', ['-c', 'd=$1; shift; for b; do gunzip -c "$b" | tar -x -P -C "$d" || exit 1; done', 'sh', d, ...blobs]));
    };
    if (a.podmanEnv) tools.podman = () => {
      const d = fresh('podman');
      return once(d, () => timed('bash', [join(anchorsDir, 'podman.sh'), '--root', join(d, 'root'), '--runroot', join(d, 'run'), 'pull', '-q', '--tls-verify=false', ref], { env: { ...process.env, ...a.podmanEnv } }));
    };
    if (a.docker && !a.skip.docker) tools.docker = () => {
      spawnSync(a.docker![0], [...a.docker!.slice(1), 'rmi', '-f', ref], { stdio: 'ignore' });
      return timed(a.docker![0], [...a.docker!.slice(1), 'pull', '-q', ref]);
    };
    const errors: Record<string, string> = {};
    log(`pull ${label}: ${Object.keys(tools).join(', ')} × ${rounds}`);
    const res = await interleave(rounds, tools, errors);
    if (a.docker) spawnSync(a.docker[0], [...a.docker.slice(1), 'rmi', '-f', ref], { stdio: 'ignore' });
    const S = Object.fromEntries(Object.entries(res).filter(([, v]) => v.length).map(([n, v]) => [n, summary(v)]));
    const rate = (n: string) => { const r = mb / (S[n].med / 1000); return `${r.toFixed(r < 10 ? 1 : 0)} MB/s`; };
    for (const n of ['berth', 'skopeo', 'skopeo+umoci', 'podman', 'docker', 'floor: gunzip | tar -x']) {
      rows.push(S[n] ? { section: 'pull', what: `${n}${n.startsWith('floor') ? '' : ' pull'} (${label})`, value: fmt(S[n]), note: `${rate(n)} of ${mb.toFixed(1)} MB compressed` }
        : { section: 'pull', what: `${n} pull (${label})`, value: 'skipped', note: errors[n] ?? a.skip[n] ?? 'not available' });
    }
    if (S.berth && S.skopeo) {
      const r = S.berth.med / S.skopeo.med;
      rows.push({ section: 'pull', what: `target: berth ≤ 1.0× skopeo (${label})`, value: `${r.toFixed(2)}×`,
        note: `${r <= 1 ? 'met' : 'MISSED'} (skopeo only stores the blobs in an OCI layout; berth also unpacks the layers)` });
    }
    if (S.berth && S['skopeo+umoci']) {
      const r = S.berth.med / S['skopeo+umoci'].med, goal = label.startsWith('busybox') ? 1 : 0.6;
      rows.push({ section: 'pull', what: `target: berth ≤ ${goal.toFixed(1)}× skopeo copy + umoci unpack (${label})`, value: `${r.toFixed(2)}×`,
        note: `${verdict(r <= goal, 'issue 21')}; the same work: download and unpack${S['floor: gunzip | tar -x'] ? `; berth at ${(S.berth.med / S['floor: gunzip | tar -x'].med).toFixed(1)}× the unpack floor` : ''}` });
    }
  }
  return rows;
}

/** The layer blobs of an OCI layout's first manifest, in order. */
function layerBlobs(layout: string): string[] {
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8')) as { layers: { digest: string }[] };
  return manifest.layers.map((l) => blob(l.digest));
}
