// The layer descriptors of a stored image, as its manifest lists them, base
// layer first. A manifest lists every layer of its image whatever their origin
// (imported and loaded: plain tars, blob = diffID; pulled: the registry's
// blobs; committed: the parent's descriptors plus the new layer), so commit
// builds on these and push sends them. A manifest that lists fewer layers than
// the image has (an image committed by berth before this rule) is refused: a
// registry would store it and every pull of it would fail.
import { BerthError } from '../errors.js';
import type { BlobStore } from './blobs.js';
import { shortId } from './digest.js';
import { MEDIA_TYPE, type Descriptor, type OciManifest } from './oci.js';
import type { ImageRecord } from './records.js';

export async function manifestOf(blobs: BlobStore, image: ImageRecord): Promise<OciManifest> {
  const manifest = await blobs.readJson<OciManifest>(image.manifestDigest).catch((e: unknown) => {
    throw new BerthError('CORRUPT', `the manifest of image ${shortId(image.id)} cannot be read from the store`, { cause: e });
  });
  if (manifest.layers.length !== image.layers.length) {
    throw new BerthError('CORRUPT', `the manifest of image ${shortId(image.id)} lists ${manifest.layers.length} layers, the image has ${image.layers.length} (committed by an older berth: commit it again)`);
  }
  return manifest;
}

/** Docker's layer media types → the OCI ones (same bytes), for an OCI manifest built on a pulled image. */
const OCI_LAYER: Record<string, string> = {
  [MEDIA_TYPE.dockerLayerGzip]: MEDIA_TYPE.layerGzip,
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};

/** The image's layers as descriptors for an OCI manifest (base first). */
export async function ociLayerDescriptors(blobs: BlobStore, image: ImageRecord): Promise<Descriptor[]> {
  const { layers } = await manifestOf(blobs, image);
  return layers.map((d) => ({ mediaType: OCI_LAYER[d.mediaType] ?? d.mediaType, digest: d.digest, size: d.size }));
}
