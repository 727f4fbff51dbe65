// The volume service's face: named and anonymous volumes (plain directories
// under volumes/), docker's mount syntaxes, copy-up from the image, usage.
export { VolumeStore, type VolumeUsers, type CreateVolumeOptions, type VolumeFilter, type VolumeUsage } from './store.js';
export { parseVolumeFlag, parseMountFlag, parseTmpfsFlag, checkTarget, TMPFS_FLAG_OPTIONS, type MountRequest } from './parse.js';
export { checkVolumeName, isVolumeName } from './names.js';
export { fillFromImage } from './copy-up.js';
export { directoryUsage } from '../store/usage.js';
export type { MountSpec, VolumeRecord } from './types.js';
