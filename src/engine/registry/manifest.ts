// The four manifest formats a registry may answer with, and choosing this
// host's image from a multi-platform index (OCI image index / Docker manifest
// list). Only what berth can store is accepted: schema 2 manifests whose
// layers are gzip or uncompressed tars.
import { BerthError } from '../errors.js';
import { hostArchitecture, type Descriptor, type OciManifest } from '../image/index.js';

export const MANIFEST_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** The Accept header of a manifest GET: every format berth reads. */
export const MANIFEST_ACCEPT = Object.values(MANIFEST_TYPES).join(', ');

const GZIP_LAYERS = new Set([
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  // "non-distributable" layers are ordinary tars too; a registry that has them serves them
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);
const TAR_LAYERS = new Set(['application/vnd.oci.image.layer.v1.tar', 'application/vnd.oci.image.layer.nondistributable.v1.tar']);
const CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

export interface Platform { os: string; architecture: string; variant?: string }

interface IndexEntry extends Descriptor { platform?: Platform }
export interface ImageIndex { schemaVersion: 2; mediaType?: string; manifests: IndexEntry[] }

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; doc: ImageIndex }
  | { kind: 'manifest'; mediaType: string; doc: OciManifest };

/** This host's platform, or `--platform os/arch[/variant]`. */
export function parsePlatform(spec?: string): Platform {
  if (spec === undefined || spec === '') return { os: 'linux', architecture: hostArchitecture() };
  const parts = spec.toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_-]+$/.test(p))) {
    throw new BerthError('INVALID_ARGUMENT', `invalid platform "${spec}": expected os/arch[/variant], e.g. linux/amd64`);
  }
  return { os: parts[0], architecture: parts[1], ...(parts[2] ? { variant: parts[2] } : {}) };
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** A manifest document from its bytes and the Content-Type the registry sent. */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: { schemaVersion?: number; mediaType?: string; manifests?: unknown; layers?: unknown; config?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    throw new BerthError('CORRUPT', 'the registry sent a manifest that is not JSON');
  }
  const type = doc.mediaType ?? (contentType ?? '').split(';')[0].trim();
  if (doc.schemaVersion === 1 || /vnd\.docker\.distribution\.manifest\.v1\+/.test(type)) {
    throw new BerthError('UNSUPPORTED', 'Docker image manifest schema 1 is not supported (deprecated): push the image again with a current client');
  }
  if (doc.schemaVersion !== 2) throw new BerthError('CORRUPT', `unsupported manifest schemaVersion ${String(doc.schemaVersion)}`);
  if (Array.isArray(doc.manifests) || type === MANIFEST_TYPES.ociIndex || type === MANIFEST_TYPES.dockerList) {
    if (!Array.isArray(doc.manifests)) throw new BerthError('CORRUPT', 'the image index has no "manifests" list');
    return { kind: 'index', mediaType: type || MANIFEST_TYPES.ociIndex, doc: doc as ImageIndex };
  }
  const m = doc as OciManifest;
  if (!m.config || !Array.isArray(m.layers)) throw new BerthError('CORRUPT', 'the manifest has no config or no layers list');
  return { kind: 'manifest', mediaType: type || MANIFEST_TYPES.ociManifest, doc: m };
}

/** The entry of an index for `want`; an absent variant matches any (amd64 has none). */
export function selectPlatform(index: ImageIndex, want: Platform): IndexEntry {
  const fits = index.manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture
    && (want.variant === undefined || m.platform.variant === want.variant));
  // without a variant asked for, prefer the entry without one (e.g. arm64 vs arm64/v8 are the same)
  const best = fits.find((m) => m.platform?.variant === undefined) ?? fits[0];
  if (!best) {
    const have = index.manifests.map((m) => (m.platform ? formatPlatform(m.platform) : '?')).join(', ');
    throw new BerthError('NOT_FOUND', `no matching manifest for ${formatPlatform(want)} in the manifest list entries (it has: ${have || 'none'})`);
  }
  return best;
}

/** Whether a layer blob must be gunzipped; UNSUPPORTED for compressions berth cannot read. */
export function layerCompression(d: Descriptor): 'gzip' | 'none' {
  if (GZIP_LAYERS.has(d.mediaType)) return 'gzip';
  if (TAR_LAYERS.has(d.mediaType)) return 'none';
  if (/zstd/.test(d.mediaType)) throw new BerthError('UNSUPPORTED', `layer ${d.digest} is zstd-compressed (${d.mediaType}): only gzip and uncompressed layers are supported`);
  throw new BerthError('UNSUPPORTED', `layer ${d.digest} has an unknown media type ${d.mediaType}`);
}

export function checkConfigType(d: Descriptor): void {
  if (!CONFIG_TYPES.has(d.mediaType)) throw new BerthError('UNSUPPORTED', `the manifest's config has media type ${d.mediaType}: not a container image`);
}
