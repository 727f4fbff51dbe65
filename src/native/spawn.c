/* spawnContainer(spec): the parent side of a container start.
 *
 *   Node ──clone(VM|VFORK)──▶ A ──clone(VM|VFORK)──▶ B ──clone(CLONE_NEW*)──▶ C (the init, child.c)
 *                             └ _exit(0)             └ setsid, execve(berth-monitor)
 *
 * Node reaps A at once, so B (the monitor) is reparented away from Node and
 * outlives it. A and B share Node's memory, as posix_spawn's child does (each
 * on its own stack, its parent suspended until it exits or execs): only C,
 * which needs a private copy for its set-up, copies Node's address space —
 * once per start rather than three times. So A and B touch nothing of Node's
 * but the spec (Node's thread is suspended), call no malloc (another of
 * Node's threads may hold its lock), and keep their own fd table and signal
 * handlers (no CLONE_FILES, no CLONE_SIGHAND). glibc's clone(), not fork():
 * fork runs atfork handlers, which in a multithreaded Node may take locks
 * held by threads that do not exist in the child. All signals stay blocked
 * from before the first clone until each process has reset its handlers:
 * none of Node's handlers may ever run in A, B or C.
 *
 * Every process reports on one CLOEXEC error pipe: B sends {PIDS}, any
 * failure {ERROR, step, errno}. Node reads until EOF, which comes when the
 * last writer has exec'd (monitor and init both started) or died. */
#include "child.h"
#include "safe-str.h"
#include "spawn-spec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* Generous: only a rootfs on a hung filesystem takes this long. */
#define START_TIMEOUT_MS 30000

extern char **environ;

/* B failed: report, take the init (if any) down with it, exit. */
__attribute__((noreturn)) static void b_fail(int msg_fd, const char *step, int err, long init) {
  berth_report(msg_fd, step, err);
  if (init > 0) {
    kill((pid_t)init, SIGKILL);
    while (waitpid((pid_t)init, NULL, 0) < 0 && errno == EINTR) {}
  }
  _exit(1);
}

/* B's clone of the init, born into the container's cgroup2 directory when it
 * has one: moving a process between cgroups takes cgroup_threadgroup_rwsem for
 * writing, whose first writer after a quiet spell waits an RCU grace period
 * (~7 ms here) — on every start's path. Born there, nothing moves. (The v1
 * hierarchies are joined through `tasks`: a thread moving itself skips that
 * lock, see ContainerCgroups.joinFiles.) Should clone3 or CLONE_INTO_CGROUP be
 * missing (before 5.7), a plain clone, and the init joins by writing
 * cgroup.procs as it does the others; its copy of born_into says which. */
static long clone_init(struct berth_spec *s) {
  unsigned long flags = s->namespaces & ~(unsigned long)CLONE_NEWCGROUP;
  if (s->cgroup_into_fd >= 0) {
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = flags | CLONE_INTO_CGROUP;
    ca.exit_signal = SIGCHLD;
    ca.cgroup = (uint64_t)s->cgroup_into_fd;
    s->born_into = 1;
    long c = syscall(SYS_clone3, &ca, sizeof ca);
    if (c >= 0) return c;
    s->born_into = 0;
  }
  return syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

/* B: the future monitor. Starts the init, then becomes berth-monitor with
 * the pipes' read ends on fds 3 and 4, /dev/null on 0-2, cwd "/". */
__attribute__((noreturn)) static void run_b(struct berth_spec *s) {
  if (setsid() < 0) b_fail(s->msg_w, "setsid", errno, 0);
  /* exec: our children are born in the container's pid namespace (we stay outside) */
  if (s->join_pid_fd >= 0 && setns(s->join_pid_fd, CLONE_NEWPID) < 0) b_fail(s->msg_w, "join pid namespace", errno, 0);
  long c = clone_init(s);
  if (c == 0) berth_child_run(s);
  if (c < 0) b_fail(s->msg_w, "clone container init", errno, 0);

  struct berth_msg m;
  memset(&m, 0, sizeof m);
  m.kind = MSG_PIDS;
  m.monitor_pid = (int32_t)getpid();
  m.init_pid = (int32_t)c;
  while (write(s->msg_w, &m, sizeof m) < 0 && errno == EINTR) {}
  s_utoa(s->init_pid_buf, sizeof s->init_pid_buf, (uint64_t)c);

  /* Move every fd we still need above 9 first, so that the dup2s onto
   * 0-4 below cannot clobber one of them. */
  int msg = fcntl(s->msg_w, F_DUPFD_CLOEXEC, 10);
  if (msg < 0) b_fail(s->msg_w, "dup error pipe", errno, c);
  /* With a terminal the monitor gets the socket the pty master comes over
   * as fd 3 (and nothing on 4); otherwise the stdout/stderr read ends on 3/4 and, with -i, stdin's
   * write end on 5. */
  int out = fcntl(s->tty ? s->console_r : s->out_r, F_DUPFD_CLOEXEC, 10);
  int err = s->tty ? -2 : fcntl(s->err_r, F_DUPFD_CLOEXEC, 10);
  int in = s->stdin_pipe ? fcntl(s->in_w, F_DUPFD_CLOEXEC, 10) : -2;
  int nul = fcntl(s->devnull, F_DUPFD_CLOEXEC, 10);
  if (out < 0 || err == -1 || in == -1 || nul < 0) b_fail(msg, "dup monitor fds", errno, c);
  if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0 || dup2(out, 3) < 0 ||
      (err >= 0 && dup2(err, 4) < 0) || (in >= 0 && dup2(in, 5) < 0))
    b_fail(msg, "dup2 monitor fds", errno, c);
  /* The monitor keeps a copy of the error pipe's write end (--ready-fd) and
   * closes it once its attach socket listens: Node's EOF, and so the end of
   * the start, comes only when a client can connect. */
  unsigned ready = s->tty ? 4U : s->stdin_pipe ? 6U : 5U;
  if (dup2(msg, (int)ready) < 0) b_fail(msg, "dup2 monitor fds", errno, c);
  /* Nothing else of Node's (sockets, the write ends, the terminal) may live
   * on in the monitor: the write ends especially, or the log never sees EOF
   * (and a pty slave kept here would never report the hangup). */
  if (syscall(SYS_close_range, ready + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0) b_fail(msg, "close_range", errno, c);
  if (chdir("/") < 0) b_fail(msg, "chdir /", errno, c);
  berth_reset_signals();
  execve(s->monitor_argv[0], s->monitor_argv, environ);
  b_fail(msg, "exec monitor", errno, c);
}

/* The stacks A and B run on (they share Node's memory, so not Node's stack):
 * one mapping, made before the first clone and unmapped once A is reaped. C
 * goes on on its copy of B's, so B's is sized for the init's set-up. */
#define LAUNCH_STACK (8U << 20)
#define A_STACK (64U << 10)

struct launch {
  struct berth_spec *s;
  char *b_stack_top;
};

static int b_main(void *arg) { run_b(arg); }

/* A: exists only so that B is not Node's child. Returns once B has exec'd the
 * monitor (or died: its failure is on the error pipe). */
static int a_main(void *arg) {
  struct launch *l = arg;
  if (clone(b_main, l->b_stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, l->s) < 0) {
    berth_report(l->s->msg_w, "fork monitor", errno);
    _exit(1);
  }
  _exit(0);
}

static int read_cap_last(void) {
  int cap = CAP_LAST_CAP;
  FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
  if (f) {
    if (fscanf(f, "%d", &cap) != 1 || cap < 0 || cap > 63) cap = CAP_LAST_CAP;
    fclose(f);
  }
  return cap;
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* exec: the init's namespaces, mount last (see exec-join.c). The engine has
 * checked that join_pid is the container's init (its monitor's child). */
static int open_namespaces(napi_env env, struct berth_spec *s) {
  static const char *const names[] = {"ipc", "uts", "net", "cgroup", "mnt"};
  char path[64], step[96];
  snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)s->join_pid);
  if ((s->join_pid_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
    snprintf(step, sizeof step, "open %s", path);
    return berth_throw_errno(env, step, errno), -1;
  }
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)s->join_pid, names[i]);
    if ((s->join_fds[s->njoin] = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
      snprintf(step, sizeof step, "open %s", path);
      return berth_throw_errno(env, step, errno), -1;
    }
    s->njoin++;
  }
  return 0;
}

/* The directory of the first cgroup2 file of the join list, for clone_init; -1 without one. */
static void open_cgroup_into(struct berth_spec *s) {
  struct statfs sf;
  char dir[4096];
  for (size_t i = 0; i < s->ncgroups; i++) {
    if (fstatfs(s->cgroup_fds[i], &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) continue;
    const char *slash = strrchr(s->cgroup_paths[i], '/');
    size_t n = slash ? (size_t)(slash - s->cgroup_paths[i]) : 0;
    if (!n || n >= sizeof dir) return;
    memcpy(dir, s->cgroup_paths[i], n);
    dir[n] = 0;
    s->cgroup_into_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* failed: -1, joined by a write */
    s->cgroup_into_idx = (int)i;
    return;
  }
}

/* Opens what the children need: the cgroup files, /dev/null, three pipes. */
static napi_value open_resources(napi_env env, struct berth_spec *s) {
  char step[512];
  for (size_t i = 0; i < s->ncgroups; i++) {
    s->cgroup_fds[i] = open(s->cgroup_paths[i], O_WRONLY | O_CLOEXEC);
    if (s->cgroup_fds[i] < 0) {
      snprintf(step, sizeof step, "open %s", s->cgroup_paths[i]);
      return berth_throw_errno(env, step, errno);
    }
  }
  open_cgroup_into(s);
  if ((s->devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) return berth_throw_errno(env, "open /dev/null", errno);
  if (s->join_pid > 0 && open_namespaces(env, s)) return NULL;
  if (s->join_net_pid > 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)s->join_net_pid);
    if ((s->join_net_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return berth_throw_errno(env, "open the joined container's network namespace", errno);
  }
  int p[2];
  if (s->tty) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0) return berth_throw_errno(env, "socketpair", errno);
    s->console_r = p[0], s->console_w = p[1];
  } else if (s->stdin_pipe) {
    if (pipe2(p, O_CLOEXEC) < 0) return berth_throw_errno(env, "pipe", errno);
    s->in_r = p[0], s->in_w = p[1];
  }
  if (pipe2(p, O_CLOEXEC) < 0) return berth_throw_errno(env, "pipe", errno);
  s->out_r = p[0], s->out_w = p[1];
  if (pipe2(p, O_CLOEXEC) < 0) return berth_throw_errno(env, "pipe", errno);
  s->err_r = p[0], s->err_w = p[1];
  if (pipe2(p, O_CLOEXEC) < 0) return berth_throw_errno(env, "pipe", errno);
  s->msg_r = p[0], s->msg_w = p[1];
  if (s->net_gate) {
    if (pipe2(p, O_CLOEXEC) < 0) return berth_throw_errno(env, "pipe", errno);
    s->gate_r = p[0], s->gate_w = p[1];
  }
  s->cap_last = read_cap_last();
  return NULL;
}

static void close_resources(struct berth_spec *s) {
  for (size_t i = 0; i < s->ncgroups; i++) close_fd(&s->cgroup_fds[i]);
  close_fd(&s->cgroup_into_fd);
  close_fd(&s->devnull);
  close_fd(&s->out_r), close_fd(&s->out_w), close_fd(&s->err_r), close_fd(&s->err_w);
  close_fd(&s->msg_r), close_fd(&s->msg_w);
  close_fd(&s->gate_r), close_fd(&s->gate_w);
  close_fd(&s->console_r), close_fd(&s->console_w), close_fd(&s->in_r), close_fd(&s->in_w);
  close_fd(&s->join_pid_fd), close_fd(&s->join_net_fd);
  for (size_t i = 0; i < s->njoin; i++) close_fd(&s->join_fds[i]);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Throws step/errno with the pids attached when known, so the engine can
 * find the monitor that is still recording the failed init's exit. */
static napi_value throw_start_error(napi_env env, const char *step, int err, const struct berth_msg *pids) {
  berth_throw_errno(env, step, err);
  napi_value e;
  if (!pids || napi_get_and_clear_last_exception(env, &e) != napi_ok) return NULL;
  napi_set_named_property(env, e, "initPid", berth_int(env, pids->init_pid));
  napi_set_named_property(env, e, "monitorPid", berth_int(env, pids->monitor_pid));
  napi_throw(env, e);
  return NULL;
}

/* Reads the error pipe to EOF: PIDS then EOF = started; any ERROR wins. */
/* until_pids: return at the PIDS message (a gated init is waiting); known: the
 * PIDS message an earlier, gated collect already read. */
static napi_value collect(napi_env env, int fd, int until_pids, const struct berth_msg *known) {
  struct berth_msg m, pids, error;
  int have_pids = 0, have_error = 0;
  if (known) pids = *known, have_pids = 1;
  size_t got = 0;
  int64_t deadline = now_ms() + START_TIMEOUT_MS;
  for (;;) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int64_t left = deadline - now_ms();
    int r = left > 0 ? poll(&pfd, 1, (int)left) : 0;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return berth_throw_errno(env, "poll error pipe", errno);
    if (r == 0) {
      if (have_pids) kill(pids.init_pid, SIGKILL);
      return throw_start_error(env, "wait for container start", ETIMEDOUT, have_pids ? &pids : NULL);
    }
    ssize_t n = read(fd, (char *)&m + got, sizeof m - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return berth_throw_errno(env, "read error pipe", errno);
    if (n == 0) break;
    if ((got += (size_t)n) < sizeof m) continue;
    got = 0;
    m.step[sizeof m.step - 1] = 0;
    if (m.kind == MSG_PIDS) pids = m, have_pids = 1;
    else if (m.kind == MSG_ERROR && !have_error) error = m, have_error = 1;
    if (until_pids && have_pids && !have_error) break; /* the init waits at its gate */
  }
  if (have_error) return throw_start_error(env, error.step, error.err, have_pids ? &pids : NULL);
  if (!have_pids) return berth_throw_errno(env, "monitor exited before reporting", ECHILD);
  napi_value out;
  NAPI_CALL(env, napi_create_object(env, &out));
  NAPI_CALL(env, napi_set_named_property(env, out, "initPid", berth_int(env, pids.init_pid)));
  NAPI_CALL(env, napi_set_named_property(env, out, "monitorPid", berth_int(env, pids.monitor_pid)));
  return out;
}

static napi_value start(napi_env env, struct berth_spec *s) {
  open_resources(env, s);
  bool pending;
  if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return NULL;

  char *stack = mmap(NULL, LAUNCH_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return berth_throw_errno(env, "map the launch stacks", errno);
  mprotect(stack, 4096, PROT_NONE); /* a guard page: an overflow faults rather than writes below */
  struct launch l = {.s = s, .b_stack_top = stack + LAUNCH_STACK - A_STACK};
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  /* returns when A has exited, B has exec'd the monitor and C has been cloned */
  int a = clone(a_main, stack + LAUNCH_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &l);
  int clone_err = errno;
  munmap(stack, LAUNCH_STACK);
  /* Only the children use these; our copies would hide EOF. */
  for (size_t i = 0; i < s->ncgroups; i++) close_fd(&s->cgroup_fds[i]);
  close_fd(&s->cgroup_into_fd);
  close_fd(&s->devnull), close_fd(&s->msg_w), close_fd(&s->gate_r);
  close_fd(&s->out_r), close_fd(&s->out_w), close_fd(&s->err_r), close_fd(&s->err_w);
  close_fd(&s->console_r), close_fd(&s->console_w), close_fd(&s->in_r), close_fd(&s->in_w);
  close_fd(&s->join_pid_fd);
  for (size_t i = 0; i < s->njoin; i++) close_fd(&s->join_fds[i]);
  int status;
  /* A specific pid only: libuv reaps its own children, we reap ours. */
  if (a > 0)
    while (waitpid((pid_t)a, &status, 0) < 0 && errno == EINTR) {}
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (a < 0) return berth_throw_errno(env, "fork", clone_err);
  napi_value out = collect(env, s->msg_r, s->net_gate, NULL);
  if (!out || !s->net_gate) return out;
  /* The rest of the start is releaseStart's: hand it both pipe ends. */
  napi_value gate;
  NAPI_CALL(env, napi_create_object(env, &gate));
  NAPI_CALL(env, napi_set_named_property(env, gate, "msgFd", berth_int(env, s->msg_r)));
  NAPI_CALL(env, napi_set_named_property(env, gate, "gateFd", berth_int(env, s->gate_w)));
  NAPI_CALL(env, napi_set_named_property(env, out, "gate", gate));
  s->msg_r = s->gate_w = -1;
  return out;
}

/* releaseStart(msgFd, gateFd, proceed, initPid, monitorPid): opens the init's gate (proceed) or cancels the
 * start (closes it: the init fails "wait for network setup"), then reads the
 * error pipe to EOF as an ungated start does. Both fds are closed. */
static napi_value js_release_start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int64_t msg, gate, init_pid, monitor_pid;
  bool proceed = false;
  if (argc < 5 || berth_get_int64(env, argv[0], &msg, "msgFd") || berth_get_int64(env, argv[1], &gate, "gateFd") ||
      berth_get_int64(env, argv[3], &init_pid, "initPid") || berth_get_int64(env, argv[4], &monitor_pid, "monitorPid"))
    return NULL;
  NAPI_CALL(env, napi_get_value_bool(env, argv[2], &proceed));
  struct berth_msg known;
  memset(&known, 0, sizeof known);
  known.kind = MSG_PIDS, known.init_pid = (int32_t)init_pid, known.monitor_pid = (int32_t)monitor_pid;
  int err = 0;
  if (proceed && write((int)gate, "1", 1) != 1) err = errno;
  close((int)gate);
  napi_value out = err ? berth_throw_errno(env, "open the container's start gate", err) : collect(env, (int)msg, 0, &known);
  close((int)msg);
  return out;
}

static napi_value run_spec(napi_env env, napi_callback_info info, int is_exec) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return berth_throw_msg(env, "spec expected");
  struct berth_spec s;
  memset(&s, 0, sizeof s);
  s.out_r = s.out_w = s.err_r = s.err_w = s.msg_r = s.msg_w = s.devnull = -1;
  s.console_r = s.console_w = s.in_r = s.in_w = s.join_pid_fd = -1;
  s.gate_r = s.gate_w = s.join_net_fd = s.cgroup_into_fd = s.cgroup_into_idx = -1;
  napi_value result = NULL;
  if ((is_exec ? berth_exec_spec_from_js : berth_spec_from_js)(env, argv[0], &s) == 0) result = start(env, &s);
  close_resources(&s);
  berth_spec_free(&s);
  return result;
}

static napi_value js_spawn_container(napi_env env, napi_callback_info info) { return run_spec(env, info, 0); }

/* execInContainer(spec): the same A/B/C sequence; B joins the init's pid
 * namespace for C, C the rest (exec-join.c). C's pid is reported as initPid. */
static napi_value js_exec_in_container(napi_env env, napi_callback_info info) { return run_spec(env, info, 1); }

void berth_register_spawn(napi_env env, napi_value exports) {
  berth_export(env, exports, "spawnContainer", js_spawn_container);
  berth_export(env, exports, "execInContainer", js_exec_in_container);
  berth_export(env, exports, "releaseStart", js_release_start);
}
