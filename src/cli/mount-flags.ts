// run/create's mount flags: -v/--volume, --mount, --tmpfs, --volumes-from.
// Parsed here into the engine's MountRequests; resolved (volumes created,
// bind sources checked) by the engine at create.
import type { Argv } from 'yargs';
import { parseMountFlag, parseTmpfsFlag, parseVolumeFlag, type MountRequest } from '../engine/volume/index.js';

export interface MountArgs {
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  'volumes-from'?: string[];
}

/** Flags that take a value, for splitting off the container's command. */
export const mountValueFlags = ['volume', 'v', 'mount', 'tmpfs', 'volumes-from'];

export function mountOptions<T>(y: Argv<T>): Argv<T & MountArgs> {
  return y
    .option('volume', { alias: 'v', type: 'string', array: true, nargs: 1, describe: 'bind mount a volume ([NAME|/HOST:]/PATH[:ro|rw|nocopy])' })
    .option('mount', { type: 'string', array: true, nargs: 1, describe: 'attach a mount (type=volume|bind|tmpfs,source=…,target=…[,readonly])' })
    .option('tmpfs', { type: 'string', array: true, nargs: 1, describe: 'mount a tmpfs (/PATH[:size=64m,mode=1777,...])' })
    .option('volumes-from', { type: 'string', array: true, nargs: 1, describe: "mount the volumes of a container (CONTAINER[:ro|rw])" }) as unknown as Argv<T & MountArgs>;
}

/** In docker's order: -v, then --mount, then --tmpfs (a duplicate destination is an error at create). */
export function toMountRequests(a: MountArgs): MountRequest[] {
  return [
    ...(a.volume ?? []).map(parseVolumeFlag),
    ...(a.mount ?? []).map(parseMountFlag),
    ...(a.tmpfs ?? []).map(parseTmpfsFlag),
  ];
}
