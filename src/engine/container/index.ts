// The container module's face.
export { ContainerService, type LogOptions } from './service.js';
export type { CreateOptions } from './create.js';
export type { ContainerSummary } from './inspect.js';
export type { ContainerState } from './state.js';
export type { ProcessRow } from './top.js';
export type { PsTable } from './top-ps.js';
export type { ContainerRecord, ContainerConfig, ContainerStatus, NetworkConfig } from './types.js';
export type { Change, ChangeKind } from './diff.js';
export type { CommitOptions } from './commit.js';
export type { PathStat } from './copy.js';
// one container's `ps` row (the TUI refreshes a single row on its events)
export { summarize } from './inspect.js';
export type { AttachConnection, OutputStream } from './attach.js';
export { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from './detach-keys.js';
export type { StartOptions } from './start.js';
export type { ExecOptions, ExecRecord } from './exec.js';
export { filterContainers, PS_FILTERS, type PsQuery } from './filter.js';
// for `system check` (engine/check): records, their settling, and what killed commands leave
export { listRecords, loadRecord, strayContainerDirs, tryContainerLock, withContainerLock } from './records.js';
export { findMonitor, needsSettling, settleLocked } from './settle.js';
export { deriveState, parentOf } from './state.js';
export { releaseNetworks, networkModeOf } from './network.js';
export { parseHealthFlags, type HealthConfig } from './health-config.js';
export { checkersOfRoot } from './health.js';
// a build's RUN-step containers carry their build (build/steps.ts marks, check/builds.ts sweeps)
export { BUILD_OWNER_LABEL, buildOwner, deadBuildOf } from './build-owner.js';
// the builder packs a RUN step's upper directory (and its own scratch roots') as commit does
export { packUpper } from './layer-tar.js';
