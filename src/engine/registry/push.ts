// `push`: an image from the store to a registry, as its stored bytes — the
// manifest, config and layer blobs keep their digests (a pulled image's layers
// were kept compressed as received; an imported one's are plain tars, which
// registries accept as application/vnd.oci.image.layer.v1.tar), so nothing is
// recompressed and the pushed manifest digest is the stored one.
// Each blob: HEAD (already there → skipped); else a cross-repository mount when
// an image in the store came from another repository of the same registry with
// that blob; else an upload. Then the config, then the manifest by tag.
import { Transform } from 'node:stream';
import { BerthError, invalid } from '../errors.js';
import type { Layout } from '../store/layout.js';
import {
  MEDIA_TYPE, addRepoDigest, familiarName, formatReference, manifestOf, parseReference, repoName,
  type Descriptor, type ImageRecord, type ImageStore, type OciManifest, type Reference,
} from '../image/index.js';
import type { Credentials } from './credentials.js';
import { RegistryClient } from './client.js';
import type { RegistryPolicy } from './policy.js';
import type { ProgressSink } from './progress.js';
import { runPool } from './pool.js';

export interface PushOptions {
  policy: RegistryPolicy;
  progress: ProgressSink;
  /** The caller's credentials (the API's X-Registry-Auth); default: docker's config file's. */
  credentials?: Credentials;
}

export interface PushResult { reference: Reference; digest: string; size: number }

const PARALLEL = 3;

export async function pushImage(ctx: { layout: Layout; images: ImageStore }, input: string, opts: PushOptions): Promise<PushResult> {
  const ref = parseReference(input);
  if (ref.digest !== undefined || ref.tag === undefined) throw invalid(`cannot push "${input}": push a tag, not a digest`);
  const name = formatReference(ref);
  const all = await ctx.images.list();
  const record = all.find((i) => i.repoTags.includes(name));
  if (!record) throw new BerthError('NOT_FOUND', `An image does not exist locally with the tag: ${familiarName(ref)}`);
  const { progress } = opts;
  const { blobs } = ctx.images;
  const repo = ref.path;
  const client = new RegistryClient(ref.domain, { policy: opts.policy, credentials: opts.credentials });
  progress.line(`The push refers to repository [${familiarName(ref)}]`);

  const manifest = await manifestOf(blobs, record); // refuses a manifest that lacks layers
  const manifestBytes = await blobs.read(record.manifestDigest);
  const mediaType = manifest.mediaType ?? MEDIA_TYPE.manifest;
  const sources = await mountSources(ctx.images, all, ref);

  const pushBlob = async (d: Descriptor, show: boolean): Promise<void> => {
    if (await client.hasBlob(repo, d.digest)) {
      if (show) progress.status(d.digest, 'Layer already exists');
      return;
    }
    if (!blobs.has(d.digest)) throw new BerthError('CORRUPT', `blob ${d.digest} of ${familiarName(ref)} is missing from the store`);
    const from = sources.get(d.digest);
    const open = () => {
      let done = 0;
      const counter = new Transform({
        transform(c: Buffer, _e, cb) {
          done += c.length;
          if (show) progress.status(d.digest, 'Pushing', { done, total: d.size });
          cb(null, c);
        },
      });
      const src = blobs.open(d.digest);
      src.on('error', (e) => counter.destroy(e));
      return src.pipe(counter);
    };
    const how = await client.putBlob(repo, d.digest, d.size, open, from);
    if (show) progress.status(d.digest, how === 'mounted' ? `Mounted from ${from}` : 'Pushed');
  };

  try {
    // docker lists the top layer first
    const layers = [...manifest.layers].reverse();
    for (const d of layers) progress.status(d.digest, 'Preparing');
    await runPool(layers.length, PARALLEL, (i) => pushBlob(layers[i], true));
    await pushBlob(manifest.config, false);
  } finally {
    progress.end();
  }
  const sent = await client.putManifest(repo, ref.tag, manifestBytes, mediaType);
  if (sent !== undefined && sent !== record.manifestDigest) {
    throw new BerthError('CORRUPT', `the registry stored the manifest as ${sent}, berth sent ${record.manifestDigest}`);
  }
  await addRepoDigest(ctx.layout, record.id, `${repoName(ref)}@${record.manifestDigest}`);
  progress.line(`${ref.tag}: digest: ${record.manifestDigest} size: ${manifestBytes.length}`);
  return { reference: ref, digest: record.manifestDigest, size: manifestBytes.length };
}

/**
 * blob digest → another repository of the same registry known to hold it: the
 * repositories images in the store were pulled from or pushed to (their
 * RepoDigests), with the blobs of their manifests.
 */
async function mountSources(images: ImageStore, all: ImageRecord[], target: Reference): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const img of all) {
    const repos = img.repoDigests.map((d) => parseReference(d)).filter((r) => r.domain === target.domain && r.path !== target.path);
    if (repos.length === 0) continue;
    let manifest: OciManifest;
    try {
      manifest = await images.blobs.readJson<OciManifest>(img.manifestDigest);
    } catch {
      continue; // an unreadable manifest only costs the mount
    }
    for (const d of [...manifest.layers, manifest.config]) if (!out.has(d.digest)) out.set(d.digest, repos[0].path);
  }
  return out;
}
