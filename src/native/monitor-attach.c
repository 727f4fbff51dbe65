/* The monitor's attach socket (see monitor-attach.h). Non-blocking
 * everywhere: a stuck client is dropped, never allowed to stall the
 * container's output or the other clients. */
#include "monitor-attach.h"
#include "safe-str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* How long a write to a full client (or a container not reading its stdin)
 * may wait before the data is given up. */
#define WRITE_WAIT_MS 1000

/* Writes all of buf to a non-blocking fd, waiting up to WRITE_WAIT_MS in total. */
static int write_wait(int fd, const void *buf, size_t len, int is_socket) {
  const char *p = buf;
  int waited = 0;
  while (len) {
    ssize_t w = is_socket ? send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) : write(fd, p, len);
    if (w > 0) {
      p += w, len -= (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno != EAGAIN) return -1;
    if (waited >= WRITE_WAIT_MS) return errno = ETIMEDOUT, -1;
    struct pollfd pfd = {fd, POLLOUT, 0};
    poll(&pfd, 1, 50);
    waited += 50;
  }
  return 0;
}

/* A path of any length: "/proc/self/fd/<dirfd>/<name>" fits sun_path even
 * when the container directory's own path does not (108 bytes). */
static int short_path(struct sockaddr_un *sa, const char *path, int *dirfd) {
  char dir[4096];
  s_join(dir, sizeof dir, path, NULL);
  char *slash = strrchr(dir, '/');
  if (!slash || !slash[1]) return errno = EINVAL, -1;
  *slash = 0;
  *dirfd = open(slash == dir ? "/" : dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*dirfd < 0) return -1;
  char num[16];
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  s_join(sa->sun_path, sizeof sa->sun_path, "/proc/self/fd/", s_utoa(num, sizeof num, (uint64_t)*dirfd));
  s_cat(sa->sun_path, sizeof sa->sun_path, "/");
  if (s_cat(sa->sun_path, sizeof sa->sun_path, slash + 1) + 1 >= sizeof sa->sun_path) return errno = ENAMETOOLONG, -1;
  unlinkat(*dirfd, slash + 1, 0); /* a socket left by the previous run */
  return 0;
}

int attach_listen(struct attach_server *a, const char *path) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) a->clients[i].fd = -1;
  a->listen_fd = -1;
  struct sockaddr_un sa;
  int dirfd = -1;
  if (short_path(&sa, path, &dirfd) < 0) {
    if (dirfd >= 0) close(dirfd);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  /* only root (the engine's user) may attach: the socket is a shell in the container */
  mode_t old = umask(077);
  int r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  int e = errno;
  close(dirfd);
  if (r < 0 || listen(fd, ATTACH_MAX_CLIENTS) < 0) {
    if (fd >= 0) close(fd);
    return errno = e, -1;
  }
  a->listen_fd = fd;
  return 0;
}

int attach_pollfds(const struct attach_server *a, struct pollfd *pfd, int accepting) {
  int n = 0;
  if (a->listen_fd < 0) return 0;
  pfd[n++] = (struct pollfd){accepting ? a->listen_fd : -1, POLLIN, 0};
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) pfd[n++] = (struct pollfd){a->clients[i].fd, POLLIN, 0};
  return n;
}

static void drop(struct attach_client *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1, c->len = 0;
}

static int send_frame(struct attach_client *c, int type, const char *data, size_t len) {
  unsigned char head[FRAME_HEAD] = {(unsigned char)type, (unsigned char)(len >> 8), (unsigned char)len};
  if (write_wait(c->fd, head, sizeof head, 1) < 0 || write_wait(c->fd, data, len, 1) < 0) {
    drop(c);
    return -1;
  }
  return 0;
}

static void send_output(struct attach_client *c, int stream, const char *buf, size_t len) {
  while (len && c->fd >= 0) {
    size_t n = len > FRAME_MAX ? FRAME_MAX : len;
    if (send_frame(c, stream, buf, n) < 0) return;
    buf += n, len -= n;
  }
}

/* The ring's contents, oldest first, to one new client. */
static void replay(struct attach_server *a, struct attach_client *c) {
  size_t start = (a->ring_head + ATTACH_RING - a->ring_len) % ATTACH_RING;
  size_t first = a->ring_len < ATTACH_RING - start ? a->ring_len : ATTACH_RING - start;
  send_output(c, FRAME_STDOUT, a->ring + start, first);
  send_output(c, FRAME_STDOUT, a->ring, a->ring_len - first);
}

static void accept_client(struct attach_server *a) {
  int fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    if (a->clients[i].fd >= 0) continue;
    a->clients[i].fd = fd, a->clients[i].len = 0;
    if (a->tty) replay(a, &a->clients[i]);
    return;
  }
  close(fd); /* full */
}

static void frame(struct attach_server *a, int type, const unsigned char *data, size_t len) {
  int in = *a->input_fd;
  if (type == FRAME_STDIN && in >= 0) {
    write_wait(in, data, len, 0); /* lost when the container does not read: never block the rest */
  } else if (type == FRAME_RESIZE && a->tty && in >= 0 && len == 4) {
    struct winsize ws = {.ws_row = (unsigned short)(data[0] << 8 | data[1]), .ws_col = (unsigned short)(data[2] << 8 | data[3])};
    ioctl(in, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the foreground group */
  } else if (type == FRAME_STDIN_EOF && !a->tty && in >= 0) {
    close(in);
    *a->input_fd = -1;
  }
}

static void read_client(struct attach_server *a, struct attach_client *c) {
  for (;;) {
    ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return drop(c);
    c->len += (size_t)n;
    size_t off = 0;
    while (c->len - off >= FRAME_HEAD) {
      size_t flen = (size_t)c->buf[off + 1] << 8 | c->buf[off + 2];
      if (flen > FRAME_MAX) return drop(c); /* not our protocol */
      if (c->len - off < FRAME_HEAD + flen) break;
      frame(a, c->buf[off], c->buf + off + FRAME_HEAD, flen);
      off += FRAME_HEAD + flen;
    }
    memmove(c->buf, c->buf + off, c->len - off);
    c->len -= off;
  }
}

void attach_handle(struct attach_server *a, const struct pollfd *pfd, int n) {
  if (n <= 0) return;
  if (pfd[0].revents & POLLIN) accept_client(a);
  for (int i = 1; i < n && i <= ATTACH_MAX_CLIENTS; i++) {
    struct attach_client *c = &a->clients[i - 1];
    if (c->fd >= 0 && pfd[i].fd == c->fd && pfd[i].revents) read_client(a, c);
  }
}

void attach_broadcast(struct attach_server *a, int stream, const char *buf, size_t len) {
  if (a->listen_fd < 0) return;
  if (a->tty) {
    for (size_t i = 0; i < len; i++) {
      a->ring[a->ring_head] = buf[i];
      a->ring_head = (a->ring_head + 1) % ATTACH_RING;
    }
    a->ring_len = a->ring_len + len > ATTACH_RING ? ATTACH_RING : a->ring_len + len;
  }
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0) send_output(&a->clients[i], stream, buf, len);
}

void attach_close(struct attach_server *a, const char *path) {
  if (a->listen_fd < 0) return;
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) drop(&a->clients[i]);
  close(a->listen_fd);
  a->listen_fd = -1;
  unlink(path); /* attaching to a stopped container then fails at once */
}
