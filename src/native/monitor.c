/* berth-monitor: one per container, the parent of its init (conmon's job).
 *
 *   berth-monitor --init-pid N (--stdout-fd 3 --stderr-fd 4 [--stdin-fd 5] | --console-socket 3) [--ready-fd N]
 *                 --log FILE --exit-file FILE [--attach-socket PATH [--foreground [--stdin-once]]]
 *                 [--cgroup-oom FILE]... [--collect-lock FILE] [-- CLEANUP ARGV...]
 *
 * With --console-socket the monitor owns the container's pty master, which
 * the init (or exec) opened in the container's devpts and sends over that
 * socket: output is read from it (logged as stdout), input and window sizes
 * from attach clients go to it. --stdin-fd is the write end of a -i container's stdin pipe.
 * --ready-fd: the starter's error pipe, closed once the attach socket listens
 * (the start ends at its EOF, so an attach right after it never misses it).
 * --foreground: a client that started the container attaches next (see
 * monitor-attach.h): a terminal's output waits for it; with --stdin-once it
 * owns stdin, which closes when it leaves (docker's StdinOnce).
 *
 * Copies the container's stdout/stderr to the log, reaps the init, drains
 * the pipes, writes the exit record atomically, then becomes the cleanup
 * command — unless a client collected the exit first: a foreground `run`
 * holds --collect-lock (shared) until it has read the exit file and removed
 * it, so the monitor takes that lock and skips the cleanup (a whole node
 * start-up) when the exit file is gone by then. It must outlive the CLI and its terminal, so it ignores the
 * signals a terminal or a shell sends. Static, no stdio, small buffers:
 * hundreds of these may sit idle on one machine. */
#include "monitor-attach.h"
#include "monitor-log.h"
#include "safe-str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h> /* rename(2) only: no stdio streams are used */
#include <stdlib.h>
#include <sys/file.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_OOM_FILES 8
/* After the init exits: how long the output may stand still before it is
 * given up (a daemonized grandchild holding the pipe, a client that stopped
 * reading). */
#define DRAIN_MS 2000
/* How long the foreground client may take to attach (it died if longer). */
#define AWAIT_CLIENT_MS 10000
#define COLLECT_WAIT_S 5

struct options {
  pid_t init_pid;
  int stdout_fd, stderr_fd, stdin_fd, console_sock, tty_fd, ready_fd, foreground, stdin_once;
  const char *log, *exit_file, *attach_socket, *collect_lock;
  const char *oom[MAX_OOM_FILES];
  int noom;
  char **cleanup; /* NULL-terminated, or NULL */
};

static void say(const char *a, const char *b) {
  char msg[512];
  s_join(msg, sizeof msg, "berth-monitor: ", a);
  s_cat(msg, sizeof msg, b ? b : "");
  s_cat(msg, sizeof msg, "\n");
  (void)!write(2, msg, s_len(msg));
}

static int parse_int(const char *s, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (!*s || *end || errno || v < 0 || v > INT_MAX) return -1;
  *out = v;
  return 0;
}

static int parse_args(int argc, char **argv, struct options *o) {
  long v;
  o->init_pid = -1, o->stdout_fd = -1, o->stderr_fd = -1, o->stdin_fd = -1, o->tty_fd = -1, o->ready_fd = -1, o->console_sock = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (s_eq(a, "--")) {
      if (i + 1 < argc) o->cleanup = argv + i + 1;
      break;
    }
    if (s_eq(a, "--foreground") || s_eq(a, "--stdin-once")) {
      *(s_eq(a, "--foreground") ? &o->foreground : &o->stdin_once) = 1;
      continue;
    }
    if (i + 1 >= argc) return say("missing value for ", a), -1;
    const char *val = argv[++i];
    if (s_eq(a, "--init-pid") && !parse_int(val, &v) && v > 0) o->init_pid = (pid_t)v;
    else if (s_eq(a, "--stdout-fd") && !parse_int(val, &v)) o->stdout_fd = (int)v;
    else if (s_eq(a, "--stderr-fd") && !parse_int(val, &v)) o->stderr_fd = (int)v;
    else if (s_eq(a, "--stdin-fd") && !parse_int(val, &v)) o->stdin_fd = (int)v;
    else if (s_eq(a, "--console-socket") && !parse_int(val, &v)) o->console_sock = (int)v;
    else if (s_eq(a, "--ready-fd") && !parse_int(val, &v)) o->ready_fd = (int)v;
    else if (s_eq(a, "--attach-socket")) o->attach_socket = val;
    else if (s_eq(a, "--collect-lock")) o->collect_lock = val;
    else if (s_eq(a, "--log")) o->log = val;
    else if (s_eq(a, "--exit-file")) o->exit_file = val;
    else if (s_eq(a, "--cgroup-oom") && o->noom < MAX_OOM_FILES) o->oom[o->noom++] = val;
    else return say("bad argument ", a), -1;
  }
  if (o->init_pid < 0 || !o->exit_file || !o->log) return say("required: --init-pid, --log, --exit-file", NULL), -1;
  return 0;
}

/* The "oom_kill N" line of a v2 memory.events or a v1 memory.oom_control;
 * -1 when unreadable. */
static long long oom_kills(const char *file) {
  char buf[1024];
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  for (char *line = buf; line && *line;) {
    if (s_has_prefix(line, "oom_kill ")) return strtoll(line + 9, NULL, 10);
    char *nl = line;
    while (*nl && *nl != '\n') nl++;
    line = *nl ? nl + 1 : NULL;
  }
  return -1;
}

static int write_full(int fd, const char *buf, size_t len) {
  while (len) {
    ssize_t w = write(fd, buf, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    buf += w, len -= (size_t)w;
  }
  return 0;
}

/* The exit record's file is made and its space written at start (exit_reserve),
 * then overwritten in place at exit (exit_record): a disk that fills while the
 * container runs cannot lose the exit status, as a new file's first block could
 * not be had then. The record is padded with spaces, which JSON allows. */
#define EXIT_RECORD_MAX 256
static int exit_fd = -1;
static char exit_tmp[PATH_MAX];

static void exit_reserve(const char *path) {
  char pad[EXIT_RECORD_MAX];
  if (s_len(path) + 5 >= sizeof exit_tmp) return;
  s_join(exit_tmp, sizeof exit_tmp, path, ".tmp");
  int fd = open(exit_tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  for (size_t i = 0; i < sizeof pad; i++) pad[i] = ' ';
  pad[sizeof pad - 1] = '\n';
  if (write_full(fd, pad, sizeof pad) < 0 || fsync(fd) < 0) {
    close(fd);
    unlink(exit_tmp);
    return;
  }
  exit_fd = fd;
}

/* The reserved file (or, without one, a new file) filled, fsynced and renamed
 * into place, then the directory fsynced: a reader sees no file or the whole
 * record, even across a crash. */
static int exit_record(const char *path, const char *json) {
  char dir[PATH_MAX];
  int fd = exit_fd;
  if (fd < 0) {
    if (s_len(path) + 5 >= sizeof exit_tmp) return errno = ENAMETOOLONG, -1;
    s_join(exit_tmp, sizeof exit_tmp, path, ".tmp");
    fd = open(exit_tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
  }
  if (pwrite(fd, json, s_len(json), 0) != (ssize_t)s_len(json) || fsync(fd) < 0) {
    close(fd);
    unlink(exit_tmp);
    return -1;
  }
  close(fd);
  if (rename(exit_tmp, path) < 0) return unlink(exit_tmp), -1;
  s_join(dir, sizeof dir, path, NULL);
  char *slash = NULL;
  for (char *c = dir; *c; c++)
    if (*c == '/') slash = c;
  if (slash == dir) slash[1] = 0;
  else if (slash) *slash = 0;
  else s_join(dir, sizeof dir, ".", NULL);
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) fsync(dfd), close(dfd);
  return 0;
}

static int write_exit_file(const char *path, int code, int sig, const struct timespec *at, int oom) {
  char json[EXIT_RECORD_MAX], num[24], ts[TIMESTAMP_LEN + 1];
  format_rfc3339nano(ts, at);
  s_join(json, sizeof json, "{\"exitCode\":", s_utoa(num, sizeof num, (uint64_t)code));
  s_cat(json, sizeof json, ",\"signal\":");
  s_cat(json, sizeof json, sig ? s_utoa(num, sizeof num, (uint64_t)sig) : "null");
  s_cat(json, sizeof json, ",\"finishedAt\":\"");
  s_cat(json, sizeof json, ts);
  s_cat(json, sizeof json, "\",\"oomKilled\":");
  s_cat(json, sizeof json, oom ? "true}\n" : "false}\n");
  return exit_record(path, json);
}

static void on_alarm(int sig) { (void)sig; }

/* Waits until no client holds the collect lock (at most COLLECT_WAIT_S: a
 * client stopped with ctrl-z must not hold up the exit's bookkeeping), then
 * tells whether one of them collected the exit (the exit file is gone). The
 * lock is released again: the cleanup command takes it itself. */
static int collected(const char *lock, const char *exit_file) {
  if (!lock) return 0;
  int fd = open(lock, O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    struct sigaction alrm = {.sa_handler = on_alarm}; /* no SA_RESTART: flock gets EINTR */
    sigaction(SIGALRM, &alrm, NULL);
    alarm(COLLECT_WAIT_S);
    int locked = flock(fd, LOCK_EX) == 0;
    alarm(0);
    close(fd);
    if (!locked) return 0; /* still held: collect anyway, finalizing twice is harmless */
  }
  struct stat st;
  return stat(exit_file, &st) < 0 && errno == ENOENT;
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The fd in an SCM_RIGHTS message on sock (CLOEXEC); -1 on EOF or error. */
static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr h;
    char buf[CMSG_SPACE(sizeof(int))];
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  ssize_t r;
  do r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (r < 0 && errno == EINTR);
  struct cmsghdr *c = r > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int))) return -1;
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

/* B gave us /dev/null on 0-2; make sure of it when started by hand. */
static void sane_stdio(void) {
  for (int fd = 0; fd < 3; fd++) {
    if (fcntl(fd, F_GETFD) >= 0) continue;
    int n = open("/dev/null", O_RDWR);
    if (n >= 0 && n != fd) dup2(n, fd), close(n);
  }
}

static struct log_stream out = {.name = "stdout"}, err = {.name = "stderr"};
/* static: the ring and client buffers cost RSS only once touched */
static struct attach_server attach;

static void tee_stdout(void *ctx, const char *data, size_t len) { attach_broadcast(ctx, FRAME_STDOUT, data, len); }
static void tee_stderr(void *ctx, const char *data, size_t len) { attach_broadcast(ctx, FRAME_STDERR, data, len); }

int main(int argc, char **argv) {
  struct options o = {0};
  sane_stdio();
  if (parse_args(argc, argv, &o) < 0) {
    if (o.init_pid > 0) kill(o.init_pid, SIGKILL); /* nobody else would reap or stop it */
    return 2;
  }
  if (chdir("/") < 0) {}

  static const int ignored[] = {SIGHUP, SIGINT, SIGPIPE, SIGTERM, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
  struct sigaction ign = {.sa_handler = SIG_IGN};
  for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) sigaction(ignored[i], &ign, NULL);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);

  /* Blocks until the child has sent the master, or died before (EOF: no
   * terminal then, and the init's exit is all there is to record). */
  if (o.console_sock >= 0) o.tty_fd = recv_fd(o.console_sock), close(o.console_sock);
  /* a terminal is one stream: what the container writes to it is its stdout */
  out.fd = o.tty_fd >= 0 ? o.tty_fd : o.stdout_fd, err.fd = o.tty_fd >= 0 ? -1 : o.stderr_fd;
  int stdin_fd = o.tty_fd >= 0 ? -1 : o.stdin_fd;
  struct log_stream *streams[2] = {&out, &err};
  for (int i = 0; i < 2; i++) {
    if (streams[i]->fd < 0) continue;
    fcntl(streams[i]->fd, F_SETFD, FD_CLOEXEC);
    fcntl(streams[i]->fd, F_SETFL, O_NONBLOCK);
  }
  if (stdin_fd >= 0) fcntl(stdin_fd, F_SETFD, FD_CLOEXEC), fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
  attach_init(&attach, o.tty_fd >= 0, o.tty_fd >= 0 ? &out.fd : &stdin_fd, o.foreground && o.attach_socket, o.stdin_once);
  if (o.attach_socket && attach_listen(&attach, o.attach_socket) < 0) {
    say("cannot listen on ", o.attach_socket);
    attach_stop_awaiting(&attach); /* nobody can come */
  }
  if (o.ready_fd >= 0) close(o.ready_fd); /* the start returns: clients can connect now */
  if (o.attach_socket) out.tee = tee_stdout, err.tee = tee_stderr, out.tee_ctx = err.tee_ctx = &attach;
  long long oom_before[MAX_OOM_FILES];
  for (int i = 0; i < o.noom; i++) oom_before[i] = oom_kills(o.oom[i]);
  int logfd = open(o.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  exit_reserve(o.exit_file);

  int exited = 0, status = 0;
  struct timespec finished;
  int64_t drain_until = 0, await_until = mono_ms() + AWAIT_CLIENT_MS;
  for (;;) {
    /* Checked every round, not only on SIGCHLD: the init may have died
     * before the signalfd existed (or signalfd failed). */
    if (!exited) {
      pid_t r = waitpid(o.init_pid, &status, WNOHANG);
      if (r == o.init_pid || (r < 0 && errno == ECHILD)) {
        if (r < 0) status = 255 << 8; /* not our child: the status is lost */
        exited = 1;
        clock_gettime(CLOCK_REALTIME, &finished);
        drain_until = mono_ms() + DRAIN_MS;
      }
    }
    int64_t now = mono_ms();
    if (attach.awaiting && now >= await_until) attach_stop_awaiting(&attach);
    if (exited && out.fd < 0 && err.fd < 0 && attach_flushed(&attach)) break;
    if (exited && !attach.awaiting && now >= drain_until) break;

    struct pollfd pfd[3 + ATTACH_POLLFDS];
    int n = 0, is[3];
    /* the output is read only when every client has taken the last chunk */
    int flowing = attach_output_ready(&attach);
    for (int i = 0; i < 2 && flowing; i++)
      if (streams[i]->fd >= 0) pfd[n] = (struct pollfd){streams[i]->fd, POLLIN, 0}, is[n++] = i;
    if (!exited) pfd[n] = (struct pollfd){sfd, POLLIN, 0}, is[n++] = 2;
    /* clients stay served while the output drains; new ones only while it runs
     * (or the foreground client, still awaited, for the output it missed) */
    attach_pollfds(&attach, pfd + n, !exited || attach.awaiting);
    int64_t wake = exited ? drain_until : -1;
    if (attach.awaiting && (wake < 0 || await_until < wake)) wake = await_until;
    /* without a signalfd, fall back to polling for the exit every 100 ms */
    int timeout = wake >= 0 ? (int)(wake > now ? wake - now : 0) : sfd < 0 ? 100 : -1;
    if (!exited && sfd < 0 && (timeout < 0 || timeout > 100)) timeout = 100;
    int r = poll(pfd, (nfds_t)(n + ATTACH_POLLFDS), timeout);
    if (r < 0 && errno != EINTR) break;
    unsigned long long moved = attach.moved;
    int awaited = attach.awaiting;
    size_t got = 0;
    if (r > 0) attach_handle(&attach, pfd + n);
    for (int k = 0; r > 0 && k < n; k++) {
      if (!pfd[k].revents) continue;
      if (is[k] == 2) {
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) > 0) {}
      } else if (attach_output_ready(&attach)) { /* a new client may be taking its replay */
        /* one frame at a time while clients take it, whole log buffers otherwise */
        got += stream_pump(streams[is[k]], logfd, attach_has_clients(&attach) ? FRAME_MAX : LOG_LINE_MAX);
      }
    }
    /* progress (or the awaited client has come): the output is not stuck */
    if (exited && (got || attach.moved != moved || awaited != attach.awaiting)) drain_until = mono_ms() + DRAIN_MS;
  }
  stream_finish(&out, logfd);
  stream_finish(&err, logfd);
  if (stdin_fd >= 0) close(stdin_fd);

  int oom = 0;
  for (int i = 0; i < o.noom; i++) {
    long long after = oom_kills(o.oom[i]);
    if (after > (oom_before[i] < 0 ? 0 : oom_before[i])) oom = 1;
  }
  int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (write_exit_file(o.exit_file, code, sig, &finished, oom) < 0) say("cannot write the exit file ", o.exit_file);
  /* after the exit file: a client that sees EOF finds the exit code */
  if (o.attach_socket) attach_close(&attach, o.attach_socket);
  if (logfd >= 0) close(logfd);
  if (sfd >= 0) close(sfd);
  if (!o.cleanup || collected(o.collect_lock, o.exit_file)) return 0;
  /* The cleanup command inherits a clean slate: default signals, nothing blocked. */
  struct sigaction dfl = {.sa_handler = SIG_DFL};
  for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) sigaction(ignored[i], &dfl, NULL);
  sigprocmask(SIG_UNBLOCK, &chld, NULL);
  execv(o.cleanup[0], o.cleanup);
  say("cannot exec cleanup ", o.cleanup[0]);
  return 127;
}
