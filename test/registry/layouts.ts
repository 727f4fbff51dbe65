// A multi-layer image written by hand as an OCI image layout (no berth code
// involved), for skopeo to copy into a registry: the busybox base, then layers
// that delete a file (whiteout), replace a directory's contents (opaque
// whiteout), add a file, and one uncompressed layer; a config with run defaults.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { busyboxTar } from '../helpers/fixtures.js';
import { tarOf } from '../image/tars.js';

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface Layout { dir: string; tag: string; layers: string[]; diffIds: string[] }

export async function multiLayerLayout(dir: string, tag = 'v1'): Promise<Layout> {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => { const d = sha(b); writeFileSync(join(blobs, d.slice(7)), b); return d; };
  const tars: Array<{ tar: Buffer; gzip: boolean }> = [
    { tar: readFileSync(busyboxTar()), gzip: true },
    { tar: await tarOf([
      { name: 'data/', type: 'directory', mode: 0o755 },
      { name: 'data/keep', content: 'kept\n' },
      { name: 'data/gone', content: 'should be deleted\n' },
      { name: 'opq/', type: 'directory', mode: 0o755 },
      { name: 'opq/old1', content: 'old\n' },
      { name: 'opq/sub/old2', content: 'old\n' },
    ]), gzip: true },
    { tar: await tarOf([
      { name: 'data/.wh.gone', content: '' },
      { name: 'opq/.wh..wh..opq', content: '' },
      { name: 'opq/new', content: 'new\n' },
    ]), gzip: true },
    { tar: await tarOf([{ name: 'etc/motd', content: 'layer four\n' }]), gzip: true },
    { tar: await tarOf([{ name: 'data/plain', content: 'uncompressed layer\n' }]), gzip: false },
  ];
  const layers = tars.map(({ tar, gzip }) => {
    const body = gzip ? gzipSync(tar) : tar;
    return {
      mediaType: gzip ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar',
      digest: put(body), size: body.length,
    };
  });
  const diffIds = tars.map(({ tar }) => sha(tar));
  const config = Buffer.from(JSON.stringify({
    created: '2026-01-02T03:04:05Z', architecture: 'amd64', os: 'linux',
    config: { Cmd: ['/bin/sh', '-c', 'echo $FROM_CONFIG; pwd'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'FROM_CONFIG=yes'], WorkingDir: '/data' },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: tars.map(() => ({ created: '2026-01-02T03:04:05Z', created_by: 'hand-written test layer' })),
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: config.length },
    layers,
  }));
  const md = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { dir, tag, layers: layers.map((l) => l.digest), diffIds };
}

/**
 * A two-platform image (linux/amd64 and linux/arm64, one small layer each) as
 * an OCI layout whose tag names an image index — what `skopeo copy --all`
 * pushes as a multi-platform image.
 */
export async function multiPlatformLayout(dir: string, tag = 'v1'): Promise<{ dir: string; tag: string }> {
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer) => { const d = sha(b); writeFileSync(join(blobs, d.slice(7)), b); return d; };
  const manifests = [];
  for (const arch of ['amd64', 'arm64']) {
    const layer = await tarOf([{ name: 'arch.txt', content: `${arch}\n` }]);
    const gz = gzipSync(layer);
    const config = Buffer.from(JSON.stringify({
      architecture: arch, os: 'linux', config: { Cmd: ['/arch.txt'] }, rootfs: { type: 'layers', diff_ids: [sha(layer)] },
    }));
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: put(gz), size: gz.length }],
    }));
    manifests.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: put(manifest), size: manifest.length, platform: { os: 'linux', architecture: arch } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: put(index), size: index.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
  return { dir, tag };
}
