/* The container's terminal (see pty.h). Allocated on the host's devpts, not
 * inside the container's own instance (runc's console socket does that):
 * the parent owns both ends before the container exists, the monitor simply
 * inherits the master, and no fd has to travel back over a socket. The
 * container cannot reach other host ptys: its /dev/pts is a new instance and
 * it only ever holds this one slave (as 0/1/2 and bound on /dev/console). */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int berth_open_pty(int *master, int *slave, char *slave_path, size_t cap, unsigned short rows, unsigned short cols,
                   const char **step) {
  *master = *slave = -1;
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return *step = "open /dev/ptmx", errno;
  /* TIOCGPTPEER opens the slave through the master itself: no path lookup
   * in a devpts that someone could have remounted meanwhile. */
  int s = unlockpt(m) < 0 ? -1 : ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0) {
    int e = errno;
    close(m);
    return *step = "open pty slave", e;
  }
  if (ptsname_r(m, slave_path, cap) != 0) {
    int e = errno;
    close(m), close(s);
    return *step = "name pty slave", e;
  }
  struct winsize ws = {.ws_row = rows ? rows : 24, .ws_col = cols ? cols : 80};
  if (ioctl(m, TIOCSWINSZ, &ws) < 0) {
    int e = errno;
    close(m), close(s);
    return *step = "set pty size", e;
  }
  *master = m, *slave = s;
  return 0;
}
