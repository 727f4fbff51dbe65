// A build's RUN step runs in an ordinary container, marked with the build that made it:
// a label naming the building process as tmp/ names do (pid, start time, boot). The build
// removes the container after its step; when the build dies first (SIGKILL, a crash, a
// reboot), the mark says so, and the next `ps`, `system check --repair` or build removes it
// (check/builds.ts): nobody else would, and its command may still be running.
import { basename } from 'node:path';
import type { Layout } from '../store/layout.js';
import { ownerDead, tmpPath } from '../store/tmp.js';

export const BUILD_OWNER_LABEL = 'berth.build.owner';

/** The label value for the containers this process's build makes. */
export const buildOwner = (layout: Layout): string => basename(tmpPath(layout, 'build'));

/** The build that made a container with these labels, when that build's process is gone. */
export function deadBuildOf(labels: Record<string, string>): string | undefined {
  const owner = labels[BUILD_OWNER_LABEL];
  return owner !== undefined && ownerDead(owner) ? owner : undefined;
}
