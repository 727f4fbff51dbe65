/* The container's terminal (see pty.h), allocated in the container's own
 * devpts instance as runc does with its console socket: the slave is then
 * /dev/pts/N inside (ttyname, `tty`, ps, who, script, sudo all see it), and
 * the container never holds anything of the host's devpts. The init (or an
 * exec's process) opens it after the container's /dev/pts is mounted and
 * hands the master to its monitor over a socketpair made before clone.
 * Runs after clone(): syscalls and stack buffers only. */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

/* SCM_RIGHTS: the master to the monitor, which blocks on it at start-up. */
static int send_fd(int sock, int fd) {
  char byte = 0;
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t r;
  do r = sendmsg(sock, &msg, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  return r == 1 ? 0 : -1;
}

int berth_open_console(int rootfd, int sock, unsigned short rows, unsigned short cols, const char **step) {
  /* inside the root, no symlink followed: the image or the container's own
   * processes (for an exec) cannot point this at another file */
  struct open_how how = {.flags = O_RDWR | O_NOCTTY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
  int m = (int)syscall(SYS_openat2, rootfd, "dev/pts/ptmx", &how, sizeof how);
  if (m < 0) return *step = "open /dev/pts/ptmx", -1;
  struct stat st;
  int unlock = 0;
  struct winsize ws = {.ws_row = rows ? rows : 24, .ws_col = cols ? cols : 80};
  int s = -1, e;
  if (fstat(m, &st) < 0 || !S_ISCHR(st.st_mode)) {
    e = errno ? errno : ENOTTY, *step = "open /dev/pts/ptmx";
  } else if (ioctl(m, TIOCSPTLCK, &unlock) < 0) {
    e = errno, *step = "unlock pty";
  } else if ((s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
    /* through the master itself: no path lookup in a devpts someone could remount */
    e = errno, *step = "open pty slave";
  } else if (ioctl(m, TIOCSWINSZ, &ws) < 0) {
    e = errno, *step = "set pty size";
  } else if (send_fd(sock, m) < 0) {
    e = errno, *step = "send pty to monitor";
  } else {
    close(m);
    close(sock);
    return s;
  }
  if (s >= 0) close(s);
  close(m);
  return errno = e, -1;
}
