// The cgroup face: host mode detection, per-container cgroups (create, join
// files, freeze, kill, remove), and the hierarchy of a cgroup directory (for
// the runtime's /sys/fs/cgroup mounts inside the container).
export { cgroupMode, detectCgroupMode, type CgroupMode } from './mode.js';
export { ContainerCgroups, BERTH_PARENT, livePids } from './container-cgroups.js';
export { parseProcCgroup, isUnifiedEntry, type ProcCgroupEntry } from './proc-cgroup.js';
export { parseCgroupMounts, parseKnownControllers, readCgroupMounts, mountOfDir, type CgroupMount } from './mounts.js';
export { LIMIT_KEYS, MIN_MEMORY, CFS_PERIOD_US, mergeLimits, validateLimits, parseCpuList, sharesToWeight, hasLimits, type ResourceLimits, type HostCpus } from './limits.js';
export { detectSupport, hostCpus, type CgroupSupport } from './support.js';
export { resolveLimits, applyLimits, WARN_SWAP, WARN_BLKIO, type ResolvedLimits } from './apply-limits.js';
export { enableV2Controllers, availableControllers, V2_CONTROLLERS } from './v2-controllers.js';
export { callerHierarchies, readCallerHierarchies, type CallerHierarchy } from './hierarchies.js';
export { DEFAULT_DEVICE_RULES, containerDeviceRules, parseDeviceRule, ruleText, type DeviceRule } from './devices.js';
export { deviceFilterProgram, deviceFilterInsns } from './device-filter.js';
