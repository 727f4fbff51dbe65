// Parsing /proc/<pid>/cgroup: the cgroup a process is in, one line per hierarchy.
// v1 lines are "N:ctrl[,ctrl]:/path" (a named hierarchy shows "name=systemd"),
// the cgroup2 line is "0::/path". Paths are relative to the reader's cgroup namespace.

export interface ProcCgroupEntry {
  hierarchyId: number;
  /** v1: the hierarchy's controllers and its "name=..." if any; cgroup2: []. */
  controllers: string[];
  /** The process's cgroup in that hierarchy, absolute within the hierarchy ("/" = its root). */
  path: string;
}

export function parseProcCgroup(text: string): ProcCgroupEntry[] {
  const out: ProcCgroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    // the path itself may contain ':' — split on the first two only
    const a = line.indexOf(':');
    const b = a < 0 ? -1 : line.indexOf(':', a + 1);
    if (b < 0) continue;
    const id = Number(line.slice(0, a));
    if (!Number.isInteger(id) || id < 0) continue;
    const ctrl = line.slice(a + 1, b);
    out.push({ hierarchyId: id, controllers: ctrl ? ctrl.split(',') : [], path: line.slice(b + 1) || '/' });
  }
  return out;
}

/** The cgroup2 (unified) line: hierarchy 0 with no controllers. */
export const isUnifiedEntry = (e: ProcCgroupEntry): boolean => e.hierarchyId === 0 && e.controllers.length === 0;
