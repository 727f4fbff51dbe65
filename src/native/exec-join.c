/* `exec` (child side): a new process inside a running container. Cloned by
 * B, which entered the container's pid namespace for its children, so this
 * process is already in it; here it joins the cgroups and the other
 * namespaces through fds opened before any fork. Runs after clone():
 * async-signal-safe syscalls only (see child.c). */
#include "child.h"

#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

int berth_join_container(const struct berth_spec *s, const char **step) {
  /* Before anything of the container can see us: this process is still a
   * copy of Node, and /proc/<pid>/exe would lead a container process to the
   * host's node binary (CVE-2019-5736). execve makes the new program's own. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) return *step = "set non-dumpable", errno;
  /* cgroups first: what follows is charged to the container */
  for (size_t i = 0; i < s->ncgroups; i++) {
    if (s->born_into && (int)i == s->cgroup_into_idx) continue; /* cloned into it (spawn.c) */
    if (write(s->cgroup_fds[i], "0", 1) != 1) return *step = "join cgroup", errno;
    close(s->cgroup_fds[i]);
  }
  /* the mount namespace last in the array: setns(CLONE_NEWNS) also moves our
   * root and cwd to the container's "/" */
  for (size_t i = 0; i < s->njoin; i++) {
    if (setns(s->join_fds[i], 0) < 0) return *step = "join container namespace", errno;
    close(s->join_fds[i]);
  }
  return 0;
}
