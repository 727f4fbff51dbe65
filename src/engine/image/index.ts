// The image service's face: what the engine, the CLI and the TUI may import.
export { ImageStore } from './store.js';
export type { ImageRecord } from './records.js';
export type { ImageConfig, OciImageConfig, OciManifest, Descriptor, HealthConfig } from './oci.js';
export type { ImportOptions } from './import.js';
export type { RemoveOptions, RemoveResult } from './remove.js';
export {
  parseReference, parseTagReference, normalize, familiar, familiarName, formatReference, repoName,
  type Reference,
} from './reference.js';
export { shortId } from './digest.js';
// for the registry (pull/push): the two-phase commit of a pulled image and the store's building blocks
export { commitPulled, addRepoDigest, type PulledImage, type PullCommit } from './pulled.js';
export { chainIdOf, syncFilesystem, type PreparedLayer } from './layers.js';
export type { BlobStore, PendingBlob } from './blobs.js';
export { MEDIA_TYPE, healthConfigJson, hostArchitecture } from './oci.js';
export { sha256Digest, isDigest } from './digest.js';
// save/load, history, prune, and adding committed images
export type { ArchiveFormat } from './archive-save.js';
export type { LoadedImage } from './archive-load.js';
export type { HistoryRow } from './history.js';
export type { PruneResult } from './prune.js';
export type { NewImage } from './register.js';
export { manifestOf, ociLayerDescriptors } from './manifest-layers.js';
export { jsonBytes, type HistoryEntry } from './oci.js';
export { applyChanges } from './changes.js';
export { filterImages, referenceMatcher, IMAGE_FILTERS, type ImageQuery } from './filter.js';
