// `pull`: a registry image into the store, verified end to end.
//
// manifest (or index → this platform's manifest) → config → layers, three at a
// time. Every blob is hashed while it streams into a pending blob and must equal
// the digest that names it (the manifest's, for compressed layers); every layer
// is unpacked from the same stream as it arrives (fetch-layer.ts) and its
// uncompressed content must hash to config.rootfs.diff_ids[i]. Only when all of that succeeded does commitPulled
// make blobs, layers and the record visible under the images lock; on any
// failure every pending file is deleted and the store is as it was.
// Layers the store already has (same chain ID, same blob) are not downloaded.
import { createHash } from 'node:crypto';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { BerthError } from '../errors.js';
import type { Layout } from '../store/layout.js';
import {
  chainIdOf, commitPulled, formatReference, isDigest, syncFilesystem, parseReference, repoName, sha256Digest,
  type Descriptor, type ImageRecord, type ImageStore, type OciImageConfig, type PendingBlob, type PreparedLayer, type Reference,
} from '../image/index.js';
import type { Credentials } from './credentials.js';
import { RegistryClient } from './client.js';
import { fetchLayer, mismatch } from './fetch-layer.js';
import { checkConfigType, formatPlatform, layerCompression, parseManifest, parsePlatform, selectPlatform } from './manifest.js';
import type { RegistryPolicy } from './policy.js';
import type { ProgressSink } from './progress.js';
import { runPool } from './pool.js';

export interface PullOptions {
  policy: RegistryPolicy;
  /** The caller's credentials (the API's X-Registry-Auth); default: docker's config file's. */
  credentials?: Credentials;
  progress: ProgressSink;
  /** os/arch[/variant]; default this host's. */
  platform?: string;
}

export interface PullResult {
  record: ImageRecord;
  /** The normalised reference pulled. */
  reference: Reference;
  /** The digest of what the reference names (the index's, for a multi-platform image). */
  digest: string;
  /** False when the store already had exactly this: docker's "Image is up to date". */
  changed: boolean;
}

const PARALLEL = 3;
const CONFIG_MAX = 8 * 1024 * 1024;

export interface PullContext { layout: Layout; images: ImageStore }

export async function pullImage(ctx: PullContext, input: string, opts: PullOptions): Promise<PullResult> {
  const ref = parseReference(input);
  const repo = ref.path;
  const client = new RegistryClient(ref.domain, { policy: opts.policy, credentials: opts.credentials });
  const { progress } = opts;

  // 1. the manifest, by tag or digest; an index leads to this platform's manifest
  const top = await client.getManifest(repo, ref.digest ?? ref.tag!);
  progress.line(`${ref.digest ?? ref.tag}: Pulling from ${repo}`); // docker's order: once the manifest was found
  const digest = sha256Digest(top.bytes);
  if (ref.digest !== undefined && digest !== ref.digest) throw mismatch('manifest', ref.digest, digest);
  if (top.digest !== undefined && top.digest !== digest) throw mismatch('manifest', top.digest, digest);
  let parsed = parseManifest(top.bytes, top.contentType);
  let manifestBytes = top.bytes;
  const platform = parsePlatform(opts.platform);
  if (parsed.kind === 'index') {
    const entry = selectPlatform(parsed.doc, platform);
    if (!isDigest(entry.digest)) throw new BerthError('UNSUPPORTED', `the index names the manifest "${String(entry.digest)}": only sha256 digests are supported`);
    const m = await client.getManifest(repo, entry.digest);
    const got = sha256Digest(m.bytes);
    if (got !== entry.digest) throw mismatch('manifest', entry.digest, got);
    parsed = parseManifest(m.bytes, m.contentType);
    if (parsed.kind === 'index') throw new BerthError('UNSUPPORTED', `${formatReference(ref)}: an index inside an index is not supported`);
    manifestBytes = m.bytes;
  }
  const manifest = parsed.doc;
  // digests name files in the store: anything but sha256:<64 hex> is refused here, by name
  for (const d of [manifest.config, ...manifest.layers]) {
    if (!isDigest(d?.digest) || !Number.isSafeInteger(d.size) || d.size < 0) {
      throw new BerthError('UNSUPPORTED', `the manifest names a blob as "${String(d?.digest)}" (size ${String(d?.size)}): only sha256 digests are supported`);
    }
  }
  checkConfigType(manifest.config);
  manifest.layers.forEach(layerCompression); // refuses zstd & co before any download

  // 2. the config: the image ID, the diffIDs and the run defaults
  const configBytes = await fetchSmall(client, repo, manifest.config);
  let config: OciImageConfig;
  try {
    config = JSON.parse(configBytes.toString('utf8')) as OciImageConfig;
  } catch {
    throw new BerthError('CORRUPT', `the image config ${manifest.config.digest} is not JSON`);
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  const badDiff = diffIds.find((d) => !isDigest(d));
  if (badDiff !== undefined) throw new BerthError('UNSUPPORTED', `the image config lists the layer "${String(badDiff)}": only sha256 diffIDs are supported`);
  if (diffIds.length !== manifest.layers.length) {
    throw new BerthError('CORRUPT', `the image config lists ${diffIds.length} layers, the manifest ${manifest.layers.length}`);
  }
  if (opts.platform !== undefined && (config.os !== platform.os || config.architecture !== platform.architecture)) {
    throw new BerthError('NOT_FOUND', `${formatReference(ref)} is ${config.os}/${config.architecture}, not the requested ${formatPlatform(platform)}`);
  }
  const chain: string[] = [];
  diffIds.forEach((d, i) => chain.push(chainIdOf(i === 0 ? null : chain[i - 1], d)));

  // 3. the layers, side by side; then one commit
  const { blobs, layers } = ctx.images;
  const pendingBlobs: PendingBlob[] = [];
  const prepared: PreparedLayer[] = [];
  manifest.layers.forEach((d, i) => progress.status(d.digest, layers.has(chain[i]) && blobs.has(d.digest) ? 'Already exists' : 'Pulling fs layer'));
  try {
    await runPool(manifest.layers.length, PARALLEL, async (i) => {
      const d = manifest.layers[i];
      const parent = i === 0 ? null : chain[i - 1];
      const gone = () => { throw new BerthError('CONFLICT', `layer ${chain[i]} was removed while pulling: pull again`); };
      const haveLayer = layers.has(chain[i]);
      if (haveLayer && blobs.has(d.digest)) {
        prepared[i] = await layers.prepare(parent, diffIds[i], gone, { parentPending: true });
        progress.status(d.digest, 'Already exists');
        return;
      }
      // download and unpack (or, for files the store has, check) in one pass; see fetch-layer.ts
      let stored: PendingBlob | undefined;
      const { blob, result } = await fetchLayer(client, blobs, repo, d, progress, haveLayer ? {
        // the files are here (from another image); the blob must still be the diff the config names
        consume: async (src) => {
          const actual = await uncompressedDigest(src, layerCompression(d));
          if (actual !== diffIds[i]) throw new BerthError('CORRUPT', `layer ${d.digest}: its content hashes to ${actual}, the image config says ${diffIds[i]}`);
          return layers.prepare(parent, diffIds[i], gone, { parentPending: true });
        },
        discard: (l) => l.discard(),
      } : {
        status: 'Extracting',
        consume: async (src) => {
          // the stream first; if the layer has to be unpacked again at commit (it vanished meanwhile), the stored blob
          let fresh: Readable | undefined = src;
          const open = () => { const r = fresh ?? stored!.open(); fresh = undefined; return r; };
          try {
            return await layers.prepare(parent, diffIds[i], open, { parentPending: true, uncompressed: false, deferSync: true });
          } finally {
            fresh = undefined; // unused (the layer was already there): a later open() takes the stored blob
          }
        },
        discard: (l) => l.discard(),
      });
      stored = blob;
      pendingBlobs.push(blob);
      prepared[i] = result;
      progress.status(d.digest, 'Pull complete');
    });
    // one syncfs for every layer unpacked (deferSync) and every pending blob (fetch-layer.ts does
    // not fsync them): all of it is on disk before any of it becomes visible
    await syncFilesystem(ctx.layout.tmpDir);
    const tag = ref.digest === undefined ? formatReference(ref) : undefined;
    const done = await commitPulled({ layout: ctx.layout, blobs, layers }, {
      configBytes, config, manifestBytes, blobs: pendingBlobs, layers: prepared, tag, repoDigest: `${repoName(ref)}@${digest}`,
    });
    return { record: done.record, reference: ref, digest, changed: done.changed };
  } finally {
    progress.end();
    await Promise.all([...pendingBlobs.map((b) => b.discard()), ...prepared.filter(Boolean).map((l) => l.discard())]);
  }
}

/** A small blob (the config) read into memory and verified. */
async function fetchSmall(client: RegistryClient, repo: string, d: Descriptor): Promise<Buffer> {
  if (d.size > CONFIG_MAX) throw new BerthError('UNSUPPORTED', `the image config is ${d.size} bytes: larger than berth accepts`);
  const { body } = await client.getBlob(repo, d.digest);
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += (c as Buffer).length;
    if (n > d.size) {
      body.destroy();
      throw new BerthError('CORRUPT', `blob ${d.digest}: the registry sent more than its ${d.size} bytes`);
    }
    chunks.push(c as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const got = sha256Digest(bytes);
  if (got !== d.digest) throw mismatch('blob', d.digest, got);
  return bytes;
}

/** sha256 of the uncompressed stream. */
async function uncompressedDigest(src: Readable, compression: 'gzip' | 'none'): Promise<string> {
  const hash = createHash('sha256');
  const sink = new Writable({ write(c: Buffer, _e, cb) { hash.update(c); cb(); } });
  if (compression === 'gzip') await pipeline(src, createGunzip(), sink);
  else await pipeline(src, sink);
  return `sha256:${hash.digest('hex')}`;
}
