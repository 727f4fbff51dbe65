/* Terminals for containers: a pty pair from the host's /dev/ptmx, opened by
 * the addon before any fork (pty.c), and what the container's init does
 * with the slave after clone (child side, async-signal-safe). */
#ifndef BERTH_PTY_H
#define BERTH_PTY_H

#include <stddef.h>

/* Opens a pty pair (both O_CLOEXEC, O_NOCTTY), names the slave's path in
 * slave_path (for the /dev/console bind: a bind mount cannot take the fd,
 * whose mount belongs to the parent's mount namespace), and sets its window size:
 * new ptys start at 0x0 rows/cols, which full-screen programs cannot use.
 * Returns 0, or an errno with the failing step in *step. */
int berth_open_pty(int *master, int *slave, char *slave_path, size_t cap, unsigned short rows, unsigned short cols,
                   const char **step);

#endif
