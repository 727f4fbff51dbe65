// Hides the kernel's wait before a container's init joins its cgroups. Moving a task
// between cgroups takes cgroup_threadgroup_rwsem for writing, and the first writer
// after a quiet spell waits for an RCU grace period (rcu_sync_enter: ~12 ms median on
// this VM; the joins right after it cost ~0.05 ms each). The init joins while its parent
// waits for its exec, so that wait sat on every start's path (cgroup v2's
// CLONE_INTO_CGROUP avoids the move, but not the v1 hierarchies of a hybrid host). A
// no-op move of this process into its own cgroup, begun in libuv's threadpool while
// start prepares the spec, pays the wait off the path: the rwsem stays in its fast mode
// for a grace period after, and the init's joins land in that window. Begun just before
// the spawn spec is built: `run --rm` traced (strace --seccomp-bpf -T), the init's first
// join fell from 13.2 to 0.18 ms median (10 runs each); it is missed when the way to the
// join takes over ~2 grace periods (a loaded machine), as begun at the top of start it was.
// Missing costs nothing but the no-op; an error is ignored, as this only moves time around.
import { closeSync, openSync, readFileSync, write } from 'node:fs';
import { join } from 'node:path';
import { parseProcCgroup } from './proc-cgroup.js';
import { readCgroupMounts } from './mounts.js';
import { callerHierarchies } from './hierarchies.js';

/** Starts the no-op move and returns at once: the open here, the write (the part that waits)
 *  as one threadpool request, which needs no turn of the event loop to begin — the spawn that
 *  follows blocks this thread. /proc/self/cgroup is read fresh (not the per-process cache of
 *  hierarchies.ts): the move must name the cgroup this process is in now, or it would undo a
 *  move someone else made. */
export function warmCgroupMigration(): void {
  let fd: number;
  try {
    const dir = callerHierarchies(parseProcCgroup(readFileSync('/proc/self/cgroup', 'utf8')), readCgroupMounts())[0]?.callerDir;
    if (!dir) return;
    fd = openSync(join(dir, 'cgroup.procs'), 'w');
  } catch {
    return;
  }
  write(fd, String(process.pid), () => closeSync(fd));
}
