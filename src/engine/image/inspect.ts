// `image inspect`: docker's ImageInspect JSON built from the record and the OCI
// config blob (the source of truth for history, architecture and diffIDs).
import type { BlobStore } from './blobs.js';
import { MEDIA_TYPE, healthConfigJson, type ImageConfig, type OciImageConfig } from './oci.js';
import type { ImageRecord } from './records.js';
import { familiar } from './reference.js';
import { goMap, goNils } from '../template/index.js';

/** A map of docker's types (a template reads a missing key as its zero value); null stays null. */
const asMap = <T extends object>(m: T | undefined, zero: unknown = ''): T | null => (m ? goMap({ ...m }, zero) : null);

export async function inspectImage(blobs: BlobStore, img: ImageRecord, diffDirs: string[]): Promise<object> {
  const oci = await blobs.readJson<OciImageConfig>(img.id);
  const history = oci.history ?? [];
  const manifestSize = blobs.has(img.manifestDigest) ? (await blobs.read(img.manifestDigest)).length : 0;
  return {
    Id: img.id,
    RepoTags: img.repoTags.map((t) => familiar(t)),
    RepoDigests: img.repoDigests.map((d) => familiar(d)),
    Parent: '',
    Comment: history.length ? history[history.length - 1].comment ?? '' : '',
    Created: oci.created ?? img.created,
    DockerVersion: '',
    Author: oci.author ?? '',
    Config: dockerConfig(oci.config ?? {}),
    Architecture: oci.architecture,
    ...(oci.variant ? { Variant: oci.variant } : {}),
    Os: oci.os,
    Size: img.size,
    GraphDriver: {
      Name: 'overlay',
      // lowerdir order: the top layer first
      Data: goMap({ LowerDir: diffDirs.join(':') }),
    },
    RootFS: { Type: 'layers', Layers: oci.rootfs.diff_ids },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
    Descriptor: { mediaType: MEDIA_TYPE.manifest, digest: img.manifestDigest, size: manifestSize },
  };
}

/** docker's container-config shape (absent fields as docker prints them) so `{{.Config.Cmd}}`-style scripts work. */
function dockerConfig(c: ImageConfig): object {
  return goNils({
    Hostname: '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(c.ExposedPorts ? { ExposedPorts: asMap(c.ExposedPorts, goMap({})) } : {}),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    // docker's *HealthConfig: omitted from JSON, a nil pointer to templates
    Healthcheck: c.Healthcheck && healthConfigJson(c.Healthcheck),
    Image: '',
    Volumes: asMap(c.Volumes, goMap({})),
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: asMap(c.Labels),
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    ...(c.Shell ? { Shell: c.Shell } : {}),
  }, { Env: 'slice', Cmd: 'slice', Entrypoint: 'slice', OnBuild: 'slice', Volumes: 'map', Labels: 'map', ExposedPorts: 'map' });
}
