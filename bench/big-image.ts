// ~100 MB images for the pull benchmark (5 × 20 MB and 1 × 100 MB): random (incompressible) data,
// so the figure is transfer + digest + unpack, not gzip's luck. Built once as an
// OCI layout in .cache/ with tar-stream, then pushed with skopeo (an independent
// tool) into the loopback registry.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { cacheDir } from '../test/helpers/fixtures.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function layerTar(i: number, bytes: number): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => p.on('end', () => r()));
  p.entry({ name: `data/layer${i}.bin`, size: bytes, mode: 0o644 }, randomBytes(bytes));
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Path of the OCI layout (tag "latest") of `layerCount` layers of `mib` MiB each; built on first use. */
export async function bigImageLayout(layerCount: number, mib: number): Promise<string> {
  const dir = join(cacheDir, `bench-${layerCount}x${mib}MB-oci`);
  if (existsSync(join(dir, 'index.json'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const blobs = join(tmp, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => { const h = sha(b); writeFileSync(join(blobs, h), b); return { digest: `sha256:${h}`, size: b.length }; };
  const layers = [], diffIds = [];
  for (let i = 0; i < layerCount; i++) {
    const tar = await layerTar(i, mib * MiB);
    diffIds.push(`sha256:${sha(tar)}`);
    // level 1: random data does not shrink anyway, only the time to build it does
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(gzipSync(tar, { level: 1 })) });
  }
  const config = put(Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
  })));
  const manifest = put(Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers,
  })));
  writeFileSync(join(tmp, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(tmp, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest,
      annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
  }));
  renameSync(tmp, dir);
  return dir;
}
