/* The monitor's attach socket (see monitor-attach.h). Non-blocking
 * everywhere, and never a timed wait: what cannot move now waits in its
 * one-frame buffer, and the poll loop resumes it when its fd is ready. */
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
#include <time.h>
#include <unistd.h>

/* How long a finished monitor waits for its clients to close their end. */
#define LINGER_MS 2000

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

void attach_init(struct attach_server *a, int tty, int *input_fd, int foreground, int stdin_once) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) a->clients[i].fd = -1;
  a->listen_fd = -1, a->tty = tty, a->input_fd = input_fd, a->awaiting = foreground, a->owner = -1;
  a->stdin_once = stdin_once && foreground && !tty;
}

int attach_listen(struct attach_server *a, const char *path) {
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

void attach_pollfds(const struct attach_server *a, struct pollfd *pfd, int accepting) {
  int blocked = 0;
  pfd[0] = (struct pollfd){a->listen_fd >= 0 && accepting ? a->listen_fd : -1, POLLIN, 0};
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    const struct attach_client *c = &a->clients[i];
    short ev = (short)((c->pend_len ? 0 : POLLIN) | (c->out_len ? POLLOUT : 0));
    blocked |= c->fd >= 0 && c->pend_len;
    /* not polled at all while it waits with nothing to send: a hangup would wake us in a loop */
    pfd[1 + i] = (struct pollfd){c->fd >= 0 && ev ? c->fd : -1, ev, 0};
  }
  int in = a->input_fd ? *a->input_fd : -1;
  pfd[1 + ATTACH_MAX_CLIENTS] = (struct pollfd){blocked && in >= 0 ? in : -1, POLLOUT, 0};
}

static void close_input(struct attach_server *a) {
  if (*a->input_fd >= 0) close(*a->input_fd);
  *a->input_fd = -1;
}

static void drop(struct attach_server *a, int i) {
  struct attach_client *c = &a->clients[i];
  if (c->fd >= 0) close(c->fd);
  c->fd = -1, c->in_len = c->pend_len = c->out_len = 0;
  if (i == a->owner) {
    a->owner = -1;
    if (a->stdin_once) close_input(a); /* StdinOnce: its stdin ends with it */
  }
}

/* Sends what is left of the client's frame; -1 when the client is gone. */
static int flush(struct attach_server *a, int i) {
  struct attach_client *c = &a->clients[i];
  while (c->out_len) {
    ssize_t w = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) return 0;
    if (w <= 0) return drop(a, i), -1;
    c->out_off += (size_t)w, c->out_len -= (size_t)w, a->moved += (unsigned long long)w;
  }
  return 0;
}

static void queue(struct attach_server *a, int i, int stream, const char *buf, size_t len) {
  struct attach_client *c = &a->clients[i];
  c->out[0] = (unsigned char)stream, c->out[1] = (unsigned char)(len >> 8), c->out[2] = (unsigned char)len;
  memcpy(c->out + FRAME_HEAD, buf, len);
  c->out_off = 0, c->out_len = FRAME_HEAD + len;
  flush(a, i);
}

/* The ring's contents, oldest first, to one new client (one frame: the ring is FRAME_MAX). */
static void replay(struct attach_server *a, int i) {
  if (!a->ring_len) return;
  char tail[ATTACH_RING];
  size_t start = (a->ring_head + ATTACH_RING - a->ring_len) % ATTACH_RING;
  for (size_t k = 0; k < a->ring_len; k++) tail[k] = a->ring[(start + k) % ATTACH_RING];
  queue(a, i, FRAME_STDOUT, tail, a->ring_len);
}

static void accept_client(struct attach_server *a) {
  int fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    struct attach_client *c = &a->clients[i];
    if (c->fd >= 0) continue;
    c->fd = fd, c->in_len = c->pend_len = c->out_len = 0;
    if (a->awaiting) a->awaiting = 0, a->owner = i;
    if (a->tty) replay(a, i);
    return;
  }
  close(fd); /* full */
}

/* Writes the client's pending stdin as far as the container takes it. */
static void feed(struct attach_server *a, struct attach_client *c) {
  while (c->pend_len) {
    int in = *a->input_fd;
    if (in < 0) { /* stdin closed (an EOF, the owner leaving, the terminal gone) */
      c->pend_len = 0;
      return;
    }
    ssize_t w = write(in, c->in + c->pend_off, c->pend_len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) return;
    if (w <= 0) { /* stdin closed, or the container gone: nobody will read it */
      c->pend_len = 0;
      return;
    }
    c->pend_off += (size_t)w, c->pend_len -= (size_t)w, a->moved += (unsigned long long)w;
  }
}

static void control(struct attach_server *a, int type, const unsigned char *data, size_t len) {
  int in = *a->input_fd;
  if (type == FRAME_RESIZE && a->tty && in >= 0 && len == 4) {
    struct winsize ws = {.ws_row = (unsigned short)(data[0] << 8 | data[1]), .ws_col = (unsigned short)(data[2] << 8 | data[3])};
    ioctl(in, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the foreground group */
  } else if (type == FRAME_STDIN_EOF && !a->tty) {
    close_input(a); /* after every byte before it: frames are handled in order */
  }
}

/* Handles the client's received frames in order, stopping at stdin the
 * container does not take yet (resumed by the next call). -1: dropped. */
static int handle_frames(struct attach_server *a, int i) {
  struct attach_client *c = &a->clients[i];
  size_t off = c->pend_len ? c->pend_off + c->pend_len : 0; /* frames after the pending stdin */
  for (;;) {
    feed(a, c);
    if (c->pend_len) break;
    if (c->in_len - off < FRAME_HEAD) break;
    size_t flen = (size_t)c->in[off + 1] << 8 | c->in[off + 2];
    if (flen > FRAME_MAX) return drop(a, i), -1; /* not our protocol */
    if (c->in_len - off < FRAME_HEAD + flen) break;
    int type = c->in[off];
    if (type == FRAME_STDIN) c->pend_off = off + FRAME_HEAD, c->pend_len = flen;
    else control(a, type, c->in + off + FRAME_HEAD, flen);
    off += FRAME_HEAD + flen;
  }
  /* keep what is unhandled (a pending frame's remainder included) at the front */
  size_t keep = c->pend_len ? c->pend_off : off;
  memmove(c->in, c->in + keep, c->in_len - keep);
  c->in_len -= keep;
  if (c->pend_len) c->pend_off = 0;
  return 0;
}

static void read_client(struct attach_server *a, int i) {
  struct attach_client *c = &a->clients[i];
  while (!c->pend_len) {
    ssize_t n = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return drop(a, i);
    c->in_len += (size_t)n;
    if (handle_frames(a, i) < 0) return;
  }
}

void attach_handle(struct attach_server *a, const struct pollfd *pfd) {
  if (a->listen_fd < 0) return;
  if (pfd[0].revents & POLLIN) accept_client(a);
  /* the container took some stdin: resume the clients waiting on it */
  for (int i = 0; i < ATTACH_MAX_CLIENTS && pfd[1 + ATTACH_MAX_CLIENTS].revents; i++)
    if (a->clients[i].fd >= 0 && a->clients[i].pend_len) handle_frames(a, i);
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    struct attach_client *c = &a->clients[i];
    short rev = pfd[1 + i].revents;
    if (c->fd < 0 || pfd[1 + i].fd != c->fd || !rev) continue;
    if ((rev & (POLLOUT | POLLERR | POLLHUP)) && c->out_len && flush(a, i) < 0) continue;
    if ((rev & (POLLIN | POLLERR | POLLHUP)) && !c->pend_len) read_client(a, i);
  }
  /* stdin closed meanwhile: what waited for it is given up, and its clients resume */
  for (int i = 0; i < ATTACH_MAX_CLIENTS && *a->input_fd < 0; i++)
    if (a->clients[i].fd >= 0 && a->clients[i].pend_len) handle_frames(a, i);
}

int attach_flushed(const struct attach_server *a) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0 && a->clients[i].out_len) return 0;
  return 1;
}

int attach_has_clients(const struct attach_server *a) {
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0) return 1;
  return 0;
}

int attach_output_ready(const struct attach_server *a) { return !(a->awaiting && a->tty) && attach_flushed(a); }

void attach_stop_awaiting(struct attach_server *a) {
  if (!a->awaiting) return;
  a->awaiting = 0;
  if (a->stdin_once) close_input(a);
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
    if (a->clients[i].fd >= 0) queue(a, i, stream, buf, len);
}

void attach_close(struct attach_server *a, const char *path) {
  if (a->listen_fd < 0) return;
  close(a->listen_fd);
  a->listen_fd = -1;
  unlink(path); /* attaching to a stopped container then fails at once */
  /* EOF to every client, then wait for theirs before closing: a socket closed
   * with unread data (a resize sent as the container ended) resets its peer,
   * and a client that then writes into a closed socket loses what it has not
   * read yet: the end of the output. */
  struct pollfd pfd[ATTACH_MAX_CLIENTS];
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
    struct attach_client *c = &a->clients[i];
    if (c->fd >= 0 && flush(a, i) == 0) shutdown(c->fd, SHUT_WR); /* flush: a last try, never waits */
    pfd[i] = (struct pollfd){c->fd, POLLIN, 0};
  }
  for (int64_t end = now_ms() + LINGER_MS;;) {
    int open = 0;
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) open |= pfd[i].fd >= 0;
    int64_t left = end - now_ms();
    if (!open || left <= 0 || poll(pfd, ATTACH_MAX_CLIENTS, (int)left) < 0) break;
    for (int i = 0; i < ATTACH_MAX_CLIENTS; i++) {
      char junk[512];
      if (pfd[i].fd < 0 || !pfd[i].revents) continue;
      ssize_t n = read(pfd[i].fd, junk, sizeof junk);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) pfd[i].fd = -1; /* its EOF */
    }
  }
  for (int i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0) drop(a, i);
}
