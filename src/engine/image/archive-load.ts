// `load`: images from a docker-archive or an OCI image layout tar (as written by
// docker/podman save, skopeo copy, or berth save), plain or gzipped. The kind is
// told by the content: manifest.json → docker-archive; oci-layout + index.json →
// OCI layout (an archive with both, as docker 25+ writes, is read as docker's).
//
// Everything is verified before it reaches the store: OCI blobs against their
// names and descriptors (digest and size), each layer's uncompressed content
// against the config's diff_ids, the config against a name that carries its
// digest. Layers then go through the store's safe unpacker (registerImage).
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { BerthError, invalid } from '../errors.js';
import { ArchiveMembers, type Member } from './archive-members.js';
import { CONTAINERD_NAME, REF_NAME } from './archive-save.js';
import { digestHex, isDigest, sha256Digest } from './digest.js';
import type { Descriptor, OciImageConfig } from './oci.js';
import { formatReference, parseTagReference } from './reference.js';
import { registerImage, type LayerBlob, type StoreContext } from './register.js';
import type { ImageRecord } from './records.js';
import { hostArchitecture } from './oci.js';

export interface LoadedImage {
  image: ImageRecord;
  /** Normalised tags the archive gave it (none: load prints the ID). */
  tags: string[];
}

/** An image found in the archive, verified, ready to be added. */
interface Found { configBytes: Buffer; layers: Member[]; tags: string[] }

export async function loadArchive(ctx: StoreContext, source: string): Promise<LoadedImage[]> {
  const members = await ArchiveMembers.read(ctx.blobs, openSource(source));
  try {
    const found = members.has('manifest.json') ? await dockerImages(members)
      : members.has('index.json') ? await ociImages(members)
      : undefined;
    if (!found) throw invalid('load: not an image archive (neither manifest.json nor an OCI index.json at its top)');
    if (found.length === 0) throw invalid('load: the archive lists no images');
    const out: LoadedImage[] = [];
    for (const f of found) {
      const layers: LayerBlob[] = [];
      try {
        const oci = JSON.parse(f.configBytes.toString('utf8')) as OciImageConfig;
        for (const [i, m] of f.layers.entries()) {
          const blob = await members.layerBlob(m);
          layers.push(blob);
          const want = oci.rootfs.diff_ids[i];
          if (blob.digest !== want) {
            throw new BerthError('CORRUPT', `load: layer ${i + 1} uncompresses to ${blob.digest}, but the image config says ${want}`);
          }
        }
      } catch (e) {
        for (const b of layers) await b.discard();
        throw e;
      }
      const image = await registerImage(ctx, { configBytes: f.configBytes, base: null, baseLayers: [], baseDescriptors: [], layers, tags: f.tags });
      out.push({ image, tags: f.tags });
    }
    return out;
  } finally {
    await members.discard();
  }
}

/** A config document checked for what berth needs from it (rootfs.diff_ids), against its layer count. */
function checkConfig(bytes: Buffer, layerCount: number, what: string): void {
  let oci: OciImageConfig;
  try {
    oci = JSON.parse(bytes.toString('utf8')) as OciImageConfig;
  } catch {
    throw invalid(`load: ${what} is not valid JSON`);
  }
  const ids = oci?.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigest(d))) {
    throw invalid(`load: ${what} has no valid rootfs.diff_ids`);
  }
  if (ids.length !== layerCount) throw invalid(`load: ${what} lists ${ids.length} layers, the manifest ${layerCount}`);
  if (oci.os !== undefined && oci.os !== 'linux') throw invalid(`load: ${what} is an image for ${oci.os}, not linux`);
}

async function dockerImages(members: ArchiveMembers): Promise<Found[]> {
  const { value } = await members.json<unknown>('manifest.json', 'manifest.json');
  if (!Array.isArray(value)) throw invalid('load: manifest.json is not a list of images');
  const found: Found[] = [];
  for (const [n, entry] of (value as unknown[]).entries()) {
    const e = entry as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    const what = `manifest.json entry ${n + 1}`;
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) {
      throw invalid(`load: ${what} needs Config and Layers`);
    }
    const configBytes = await members.bytes(members.get(e.Config, what), e.Config);
    // "<hex>.json" (docker before 25) or "blobs/sha256/<hex>" (25+): the name promises the content's digest
    const named = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(e.Config);
    if (named && sha256Digest(configBytes) !== `sha256:${named[1]}`) {
      throw new BerthError('CORRUPT', `load: config ${e.Config} does not match its digest`);
    }
    const layers = (e.Layers as string[]).map((l) => members.get(l, what));
    checkConfig(configBytes, layers.length, `the config of ${what}`);
    const tags = Array.isArray(e.RepoTags) ? (e.RepoTags as unknown[]).map((t) => tagOf(t, what)) : [];
    found.push({ configBytes, layers, tags });
  }
  return found;
}

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

async function ociImages(members: ArchiveMembers): Promise<Found[]> {
  if (!members.has('oci-layout')) throw invalid('load: index.json without an oci-layout file: not an OCI image layout');
  const layout = (await members.json<{ imageLayoutVersion?: string }>('oci-layout', 'oci-layout')).value;
  if (layout?.imageLayoutVersion !== '1.0.0') throw invalid(`load: unsupported OCI layout version ${JSON.stringify(layout?.imageLayoutVersion)}`);
  const index = (await members.json<{ manifests?: Descriptor[] }>('index.json', 'index.json')).value;
  if (!Array.isArray(index?.manifests)) throw invalid('load: index.json has no manifests list');
  const found: Found[] = [];
  for (const d of index.manifests) {
    const manifest = await manifestFor(members, d);
    const tags = nameOf(d.annotations);
    const same = found.find((f) => f.configBytes.equals(manifest.configBytes));
    if (same) same.tags.push(...tags.filter((t) => !same.tags.includes(t)));
    else found.push({ ...manifest, tags });
  }
  return found;
}

/** A manifest descriptor → its config and layers; an image index picks the host's platform. */
async function manifestFor(members: ArchiveMembers, d: Descriptor, depth = 0): Promise<{ configBytes: Buffer; layers: Member[] }> {
  const bytes = await blobBytes(members, d, 'manifest');
  let doc: { mediaType?: string; manifests?: Array<Descriptor & { platform?: { os?: string; architecture?: string } }>; config?: Descriptor; layers?: Descriptor[] };
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid(`load: manifest ${d.digest} is not valid JSON`);
  }
  if (Array.isArray(doc.manifests) || INDEX_TYPES.includes(doc.mediaType ?? d.mediaType)) {
    if (depth > 2) throw invalid('load: image indexes nested too deep');
    const pick = (doc.manifests ?? []).find((m) => (m.platform?.os ?? 'linux') === 'linux' && (m.platform?.architecture ?? hostArchitecture()) === hostArchitecture());
    if (!pick) throw invalid(`load: index ${d.digest} has no image for linux/${hostArchitecture()}`);
    return manifestFor(members, pick, depth + 1);
  }
  if (!doc.config || !Array.isArray(doc.layers)) throw invalid(`load: manifest ${d.digest} needs config and layers`);
  const configBytes = await blobBytes(members, doc.config, 'config');
  const layers = doc.layers.map((l) => blobMember(members, l, 'layer'));
  checkConfig(configBytes, layers.length, `config ${doc.config.digest}`);
  return { configBytes, layers };
}

/** The blob a descriptor names, checked: its path, its content's digest and its size. */
function blobMember(members: ArchiveMembers, d: Descriptor, what: string): Member {
  if (typeof d?.digest !== 'string') throw invalid(`load: a ${what} descriptor has no digest`);
  let hex: string;
  try {
    hex = digestHex(d.digest);
  } catch {
    throw invalid(`load: ${what} digest ${JSON.stringify(d.digest)} is not a sha256 digest berth can check`);
  }
  const m = members.get(`blobs/sha256/${hex}`, `the ${what} descriptor`);
  if (m.rawDigest !== d.digest) throw new BerthError('CORRUPT', `load: ${what} blob ${d.digest} does not match its digest (content is ${m.rawDigest})`);
  if (typeof d.size === 'number' && d.size !== m.rawSize) throw new BerthError('CORRUPT', `load: ${what} blob ${d.digest} is ${m.rawSize} bytes, its descriptor says ${d.size}`);
  return m;
}

function blobBytes(members: ArchiveMembers, d: Descriptor, what: string): Promise<Buffer> {
  return members.bytes(blobMember(members, d, what), `${what} ${d.digest}`);
}

/** docker/containerd's full name, else ref.name when it is a whole reference (skopeo writes "bb:latest"); a bare tag names nothing. */
function nameOf(annotations: Record<string, string> | undefined): string[] {
  const full = annotations?.[CONTAINERD_NAME];
  if (full) return [tagOf(full, 'index.json')];
  const ref = annotations?.[REF_NAME];
  if (ref && /[:/]/.test(ref)) {
    try {
      return [formatReference(parseTagReference(ref))];
    } catch {
      return [];
    }
  }
  return [];
}

function tagOf(t: unknown, what: string): string {
  if (typeof t !== 'string') throw invalid(`load: ${what}: a tag is not a string`);
  try {
    return formatReference(parseTagReference(t));
  } catch (e) {
    throw invalid(`load: ${what}: invalid tag ${JSON.stringify(t)}: ${(e as Error).message}`);
  }
}

function openSource(source: string): Readable {
  if (source === '-') {
    if (process.stdin.isTTY) throw invalid('load: refusing to read an archive from a terminal: use -i FILE or pipe it in');
    return process.stdin;
  }
  try {
    if (!statSync(source).isFile()) throw invalid(`load: ${source} is not a regular file`);
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw invalid(`load: cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  return createReadStream(source);
}
