/* Terminals for containers: the init (or an exec's process) allocates the
 * pty in the container's own devpts after clone and passes the master to the
 * monitor (pty.c). Async-signal-safe: runs in the child. */
#ifndef BERTH_PTY_H
#define BERTH_PTY_H

/* Opens <rootfd>/dev/pts/ptmx (resolved inside rootfd as the root), unlocks
 * it, sets the window size (new ptys are 0x0, which full-screen programs
 * cannot use), sends the master over sock (then closed, as is the master here)
 * and returns the slave (O_NOCTTY, O_CLOEXEC). -1 with errno and *step set. */
int berth_open_console(int rootfd, int sock, unsigned short rows, unsigned short cols, const char **step);

#endif
