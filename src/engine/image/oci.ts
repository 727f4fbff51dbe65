// The OCI image format as berth stores it (image-spec v1.1): an image is a
// manifest blob pointing at a config blob and layer blobs. Imports build these
// documents; the registry code (pull/push/save/load) will read and write the same
// ones, so they are kept spec-shaped rather than berth-specific.

export const MEDIA_TYPE = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  /** Docker's schema 2 equivalents, as a registry may serve them. */
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** The runtime defaults of an image (the OCI config's "config" object; docker's field names). */
export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** HEALTHCHECK (docker's HealthConfig; durations in nanoseconds, 0 = inherit; Test ["NONE"] = disabled). */
  Healthcheck?: HealthConfig;
  /** ONBUILD triggers, run when a build starts FROM this image. */
  OnBuild?: string[];
  /** SHELL: the shell form's command prefix for RUN, CMD, ENTRYPOINT. */
  Shell?: string[];
}

/** docker's HealthConfig (Dockerfile HEALTHCHECK): Test is ["NONE"], ["CMD", argv...] or
 * ["CMD-SHELL", command]; durations in nanoseconds, 0 = the default. */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** As docker prints it (inspect's Config.Healthcheck): every field omitted when empty. */
export function healthConfigJson(h: HealthConfig): HealthConfig {
  return Object.fromEntries(Object.entries(h).filter(([, v]) => (Array.isArray(v) ? v.length > 0 : !!v))) as HealthConfig;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** application/vnd.oci.image.config.v1+json; its digest is the image ID. */
export interface OciImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** GOARCH names, as image configs and registries spell them. */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

/** A canonical byte form (fixed key order as built, no whitespace): the digest is computed over exactly these bytes. */
export const jsonBytes = (doc: unknown): Buffer => Buffer.from(JSON.stringify(doc));
