// The runtime face: container policy. A ContainerRecord becomes a SpawnSpec with
// Docker's defaults (mounts, devices, masked and read-only paths, the 14
// capabilities, user lookup, environment); plus the per-container /etc files and
// signal names. The native side only replays what is decided here.
export { buildSpawnSpec, assembleSpawnSpec, hierarchiesOf, type SpawnInput, type HostFacts } from './spawn-spec.js';
export { processSpec, type ProcessInput } from './process-spec.js';
export { resolveUser, checkGroupAdd, readContainerFile, parsePasswd, parseGroup, type ResolvedUser } from './user.js';
export { findInLayers, type LayeredFile } from './layered-lookup.js';
export { writeEtcFiles, filterResolvConf, hostResolvConf, isLoopbackAddress, LOOPBACK_HOSTS } from './etc-files.js';
export { signalNumber } from './signals.js';
export { overlayMountData } from './overlay.js';
export {
  DOCKER_DEFAULT_CAPS, CAP_NUMBERS, capMask, capabilitySets, allCapabilities, normalizeCapabilities, containerCapabilities,
} from './capabilities.js';
export { MASKED_PATHS, READONLY_PATHS, DEFAULT_DEVICES, DEV_SYMLINKS, INIT_TARGET, DEFAULT_SHM_SIZE } from './rootfs-ops.js';
export { cgroupFsOps, v1MountData, type ContainerHierarchy } from './cgroupfs-ops.js';
export { containerEnv, replaceOrAppendEnv, parseEnvFile, DEFAULT_PATH } from './env.js';
export {
  parseUlimit, normalizeUlimits, checkUlimits, ulimitRlimits, parseHardLimits, callerHardLimits, ULIMIT_NAMES, RLIM_INFINITY, type Ulimit,
} from './rlimits.js';
export { parseDeviceFlag, hostDevices, hostDevicesOf, deviceRule, deviceMknodOp, type DeviceMapping, type HostDevice } from './devices.js';
export { parseSysctl, sysctlOps } from './sysctls.js';
