// The backend layer's face: the engine interface the workstation drives, its
// two implementations (the embedded engine, a Docker Engine API endpoint) and
// the endpoints found on this host.
export type { Awaitable, Backend, ContainerOps, EndpointSpec, ExecHandle, ImageItem, ImageListItem, NetworkItem, ServerVersion, SessionConnection, ShellConnection, StatsSource, VolumeItem } from './types.js';
export { EmbeddedBackend } from './embedded.js';
export { DockerBackend } from './docker/index.js';
export { workstationEndpoints, type WorkstationChoice } from './local-endpoints.js';
