// The cgroup face: host mode detection, per-container cgroups (create, join
// files, freeze, kill, remove), and the hierarchy of a cgroup directory (for
// the runtime's /sys/fs/cgroup mounts inside the container).
export { cgroupMode, detectCgroupMode, type CgroupMode } from './mode.js';
export { ContainerCgroups, BERTH_PARENT } from './container-cgroups.js';
export { parseProcCgroup, isUnifiedEntry, type ProcCgroupEntry } from './proc-cgroup.js';
export { parseCgroupMounts, parseKnownControllers, readCgroupMounts, mountOfDir, type CgroupMount } from './mounts.js';
export { callerHierarchies, readCallerHierarchies, type CallerHierarchy } from './hierarchies.js';
