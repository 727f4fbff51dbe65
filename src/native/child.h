/* Internal interface between the two halves of the container init's
 * pre-exec code (child.c: process setup; child-rootfs.c: the mounts).
 * Everything here runs after clone(): async-signal-safe syscalls only. */
#ifndef BERTH_CHILD_H
#define BERTH_CHILD_H

#include "spec.h"

/* Makes "/" rprivate, mounts the rootfs, and replays spec->ops inside it.
 * On success returns 0 and an O_PATH fd of the mounted root in *rootfd;
 * on failure returns an errno and names the failing step in step. */
int berth_setup_rootfs(const struct berth_spec *s, int *rootfd, char *step, size_t cap);

/* Binds the pty slave (an fd of the container's devpts) onto /dev/console
 * inside the root, as runc does for a container with a terminal. Returns 0 or -1 with errno. */
int berth_bind_console(int rootfd, int slave);

/* exec: makes the process non-dumpable, joins the container's cgroups and
 * namespaces (spec->join_fds). Returns 0, or an errno with *step set. */
int berth_join_container(const struct berth_spec *s, const char **step);

/* Every handler to SIG_DFL, nothing blocked (also used by B before exec). */
void berth_reset_signals(void);

#endif
