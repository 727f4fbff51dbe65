// `save`: images as one tar stream, in either of the two formats other tools read.
//
// docker-archive (docker save before 25, skopeo `docker-archive:`):
//   <config hex>.json, <diffID hex>/layer.tar, manifest.json
//   ([{Config, RepoTags, Layers}]) and repositories ({repo: {tag: top layer dir}}).
// OCI image layout (podman --format oci-archive, skopeo `oci-archive:`):
//   oci-layout, index.json (one manifest per saved name; ref.name = the tag, as
//   docker and containerd write it) and blobs/sha256/<hex>.
// Layers are written uncompressed, as berth stores them, so their digests are
// the config's diff_ids and no recompression is needed. Every blob is read
// from the store and verified against its digest while it is copied.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import tar from 'tar-stream';
import { BerthError } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { writeTar } from '../write-tar.js';
import type { BlobStore } from './blobs.js';
import { digestHex } from './digest.js';
import { MEDIA_TYPE, jsonBytes, type OciImageConfig, type OciManifest } from './oci.js';
import { findImage, loadImages, noSuchImage, type ImageRecord } from './records.js';
import { familiar, familiarName, parseReference } from './reference.js';

export type ArchiveFormat = 'docker-archive' | 'oci-archive';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';

interface Saved {
  image: ImageRecord;
  /** Normalised tags to record for it (docker: the name given, or none when saved by ID). */
  tags: string[];
  configBytes: Buffer;
  diffIds: string[];
}

/** Writes the images `refs` name to `out` (not ended). */
export async function saveArchive(ctx: { layout: Layout; blobs: BlobStore }, refs: string[], format: ArchiveFormat, out: Writable): Promise<void> {
  const saved = await resolve(ctx, refs);
  await writeTar(out, (pack) => (format === 'docker-archive' ? writeDocker(ctx.blobs, pack, saved) : writeOci(ctx.blobs, pack, saved)));
}

async function resolve(ctx: { layout: Layout; blobs: BlobStore }, refs: string[]): Promise<Saved[]> {
  const images = loadImages(ctx.layout);
  const out: Saved[] = [];
  for (const ref of refs) {
    const found = findImage(images, ref);
    if (!found) throw noSuchImage(ref);
    const tags = found.by === 'tag' ? [found.ref!] : [];
    const same = out.find((s) => s.image.id === found.image.id);
    if (same) {
      for (const t of tags) if (!same.tags.includes(t)) same.tags.push(t);
      continue;
    }
    const configBytes = await ctx.blobs.read(found.image.id);
    const oci = JSON.parse(configBytes.toString('utf8')) as OciImageConfig;
    out.push({ image: found.image, tags, configBytes, diffIds: oci.rootfs?.diff_ids ?? [] });
  }
  return out;
}

async function writeDocker(blobs: BlobStore, pack: tar.Pack, saved: Saved[]): Promise<void> {
  const written = new Set<string>();
  const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const s of saved) {
    const config = `${digestHex(s.image.id)}.json`;
    if (!written.has(config)) await addBytes(pack, config, s.configBytes);
    written.add(config);
    const layers: string[] = [];
    for (const diffId of s.diffIds) {
      const dir = digestHex(diffId);
      if (!written.has(dir)) {
        await addDir(pack, `${dir}/`);
        await addLayer(blobs, pack, `${dir}/layer.tar`, s, diffId);
        written.add(dir);
      }
      layers.push(`${dir}/layer.tar`);
    }
    const repoTags = s.tags.map((t) => familiar(t));
    manifest.push({ Config: config, RepoTags: repoTags.length ? repoTags : null, Layers: layers });
    for (const t of s.tags) {
      const ref = parseReference(t);
      if (layers.length && ref.tag !== undefined) {
        (repositories[familiarName(ref)] ??= {})[ref.tag] = digestHex(s.diffIds[s.diffIds.length - 1]);
      }
    }
  }
  await addBytes(pack, 'manifest.json', jsonBytes(manifest));
  if (Object.keys(repositories).length) await addBytes(pack, 'repositories', jsonBytes(repositories));
}

async function writeOci(blobs: BlobStore, pack: tar.Pack, saved: Saved[]): Promise<void> {
  await addBytes(pack, 'oci-layout', jsonBytes({ imageLayoutVersion: '1.0.0' }));
  await addDir(pack, 'blobs/');
  await addDir(pack, 'blobs/sha256/');
  const written = new Set<string>();
  const sizes = new Map<string, number>();
  const blobName = (digest: string) => `blobs/sha256/${digestHex(digest)}`;
  const manifests: object[] = [];
  for (const s of saved) {
    if (!written.has(s.image.id)) await addBytes(pack, blobName(s.image.id), s.configBytes);
    written.add(s.image.id);
    const layers = [];
    for (const diffId of s.diffIds) {
      if (!written.has(diffId)) sizes.set(diffId, await addLayer(blobs, pack, blobName(diffId), s, diffId));
      written.add(diffId);
      layers.push({ mediaType: MEDIA_TYPE.layerTar, digest: diffId, size: sizes.get(diffId)! });
    }
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.manifest,
      config: { mediaType: MEDIA_TYPE.config, digest: s.image.id, size: s.configBytes.length },
      layers,
    };
    const bytes = jsonBytes(manifest);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!written.has(digest)) await addBytes(pack, blobName(digest), bytes);
    written.add(digest);
    const descriptor = { mediaType: MEDIA_TYPE.manifest, digest, size: bytes.length };
    if (s.tags.length === 0) manifests.push(descriptor);
    for (const t of s.tags) {
      const tag = parseReference(t).tag ?? 'latest';
      manifests.push({ ...descriptor, annotations: { [CONTAINERD_NAME]: t, [REF_NAME]: tag } });
    }
  }
  await addBytes(pack, 'index.json', jsonBytes({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

/**
 * Adds a layer's uncompressed tar; returns its size. Imported, loaded and
 * committed layers are stored as that tar (blob = diffID). A pulled image keeps
 * the registry's compressed blob instead: it is decompressed into a temp blob
 * first — verified against the diffID, and an archive entry needs its size
 * before its content.
 */
async function addLayer(blobs: BlobStore, pack: tar.Pack, name: string, s: Saved, diffId: string): Promise<number> {
  if (blobs.has(diffId)) {
    const size = statSync(blobs.path(diffId)).size;
    await addStream(pack, name, diffId, size, () => blobs.open(diffId));
    return size;
  }
  const manifest = await blobs.readJson<OciManifest>(s.image.manifestDigest).catch(() => undefined);
  const i = s.diffIds.indexOf(diffId);
  const stored = manifest?.layers?.[i];
  if (!stored || !blobs.has(stored.digest)) throw new BerthError('CORRUPT', `layer ${diffId} of image ${s.image.id} is missing from the store`);
  const tmp = await blobs.ingest(blobs.open(stored.digest), { decompress: true, expected: diffId });
  try {
    await addStream(pack, name, diffId, tmp.size, () => tmp.open());
    return tmp.size;
  } finally {
    await tmp.discard();
  }
}

const MTIME = new Date(0); // fixed, so saving the same images twice gives the same bytes

function addDir(pack: tar.Pack, name: string): Promise<void> {
  return new Promise((res, rej) => pack.entry({ name, type: 'directory', mode: 0o755, mtime: MTIME }, (e) => (e ? rej(e) : res())));
}

function addBytes(pack: tar.Pack, name: string, data: Buffer): Promise<void> {
  return new Promise((res, rej) => pack.entry({ name, mode: 0o644, mtime: MTIME }, data, (e) => (e ? rej(e) : res())));
}

/** Streams content into the archive, verifying it: a corrupt store must not produce an archive that lies. */
async function addStream(pack: tar.Pack, name: string, digest: string, size: number, open: () => Readable): Promise<void> {
  const hash = createHash('sha256');
  let seen = 0;
  await new Promise<void>((res, rej) => {
    const sink = pack.entry({ name, size, mode: 0o644, mtime: MTIME }, (e) => (e ? rej(e) : res()));
    (async () => {
      for await (const chunk of open() as AsyncIterable<Buffer>) {
        hash.update(chunk);
        seen += chunk.length;
        if (seen > size) throw new BerthError('CORRUPT', `blob ${digest} grew while it was being saved`);
        if (!sink.write(chunk)) await once(sink, 'drain');
      }
      if (seen !== size || `sha256:${hash.digest('hex')}` !== digest) {
        throw new BerthError('CORRUPT', `blob ${digest} does not verify: the store is damaged`);
      }
      sink.end(null);
    })().catch((e: Error) => {
      sink.destroy(e);
      rej(e);
    });
  });
}
