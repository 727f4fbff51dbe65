/* The container's init between clone() and execve(). It was cloned from
 * a multithreaded Node process: only this thread exists, other threads'
 * locks (malloc, stdio) may be held forever, and glibc still believes it
 * is multithreaded. So: raw syscalls on data prepared before clone, stack
 * buffers, and no glibc wrapper that talks to other threads (setgroups,
 * setresuid and setresgid go through syscall() for that reason: glibc's
 * wrappers would try to signal threads that do not exist here). */
#include "child.h"
#include "pty.h"
#include "safe-str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void berth_report(int fd, const char *step, int err) {
  struct berth_msg m;
  memset(&m, 0, sizeof m); /* memset is async-signal-safe (POSIX.1-2016) */
  m.kind = MSG_ERROR;
  m.err = err;
  s_join(m.step, sizeof m.step, step, NULL);
  ssize_t r;
  do r = write(fd, &m, sizeof m); while (r < 0 && errno == EINTR);
}

/* Reports and exits with the status a shell would give: 127 command not
 * found, 126 not executable, 125 the runtime itself failed (as runc/docker). */
__attribute__((noreturn)) static void fail(const struct berth_spec *s, const char *step, int err, int is_exec) {
  berth_report(s->msg_w, step, err);
  if (is_exec && err == ENOENT) _exit(127);
  if (is_exec && (err == EACCES || err == ENOEXEC || err == EISDIR)) _exit(126);
  _exit(125);
}

/* Node's handlers (and its ignored SIGPIPE) must not reach the container.
 * Raw rt_sigaction: glibc's wrapper refuses its own internal signals. */
void berth_reset_signals(void) {
  struct {
    void (*handler)(int);
    unsigned long flags;
    void *restorer;
    uint64_t mask;
  } dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; sig++)
    if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
}

static int loopback_up(void) {
  int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sk < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  s_join(ifr.ifr_name, sizeof ifr.ifr_name, "lo", NULL);
  int r = ioctl(sk, SIOCGIFFLAGS, &ifr);
  if (r == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    r = ioctl(sk, SIOCSIFFLAGS, &ifr);
  }
  int e = errno;
  close(sk);
  return errno = e, r;
}

/* The engine configures our interfaces from outside (veth, address, route)
 * while we set up the rootfs; the command must not start before that. */
static void wait_for_network(const struct berth_spec *s) {
  char c;
  ssize_t n;
  do n = read(s->gate_r, &c, 1); while (n < 0 && errno == EINTR);
  if (n != 1) fail(s, "wait for network setup", n == 0 ? ECANCELED : errno, 0);
  close(s->gate_r);
}

static const char *const rlimit_names[] = {
    "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
    "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
    "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

static void set_rlimits(const struct berth_spec *s) {
  for (size_t i = 0; i < s->nrlimits; i++) {
    const struct berth_rlimit *l = &s->rlimits[i];
    struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};
    if (prlimit(0, l->resource, &rl, NULL) < 0) {
      char step[64], num[16];
      const char *name = l->resource >= 0 && l->resource < (int)(sizeof rlimit_names / sizeof *rlimit_names)
                             ? rlimit_names[l->resource]
                             : s_utoa(num, sizeof num, (uint64_t)l->resource);
      s_join(step, sizeof step, "setrlimit ", name);
      fail(s, step, errno, 0);
    }
  }
}

/* Bounding set first (needs CAP_SETPCAP, which setresuid may take away),
 * then the ids with keepcaps so permitted survives a non-root uid, then the
 * exact sets, then ambient (which requires permitted and inheritable). */
static void set_identity(const struct berth_spec *s) {
  uint64_t valid = s->cap_last >= 63 ? ~0ULL : (1ULL << (s->cap_last + 1)) - 1;
  for (int cap = 0; cap <= s->cap_last; cap++)
    if (!(s->cap_bounding >> cap & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      fail(s, "drop bounding capability", errno, 0);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail(s, "set keepcaps", errno, 0);
  if (syscall(SYS_setgroups, s->ngroups, s->groups) < 0) fail(s, "setgroups", errno, 0);
  if (syscall(SYS_setresgid, s->gid, s->gid, s->gid) < 0) fail(s, "setresgid", errno, 0);
  if (syscall(SYS_setresuid, s->uid, s->uid, s->uid) < 0) fail(s, "setresuid", errno, 0);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) fail(s, "clear keepcaps", errno, 0);
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  uint64_t eff = s->cap_effective & valid, perm = s->cap_permitted & valid, inh = s->cap_inheritable & valid;
  for (int i = 0; i < 2; i++) {
    data[i].effective = (uint32_t)(eff >> (32 * i));
    data[i].permitted = (uint32_t)(perm >> (32 * i));
    data[i].inheritable = (uint32_t)(inh >> (32 * i));
  }
  if (syscall(SYS_capset, &hdr, data) < 0) fail(s, "capset", errno, 0);
  for (int cap = 0; cap <= s->cap_last; cap++)
    if ((s->cap_ambient >> cap & 1) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      fail(s, "raise ambient capability", errno, 0);
}

/* The container's own /dev/null. O_NONBLOCK so that an image that put a
 * FIFO there cannot hang the start; cleared again once it is open. */
static void stdin_devnull(const struct berth_spec *s) {
  int fd = open("/dev/null", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) fail(s, "open /dev/null", errno, 0);
  if (fcntl(fd, F_SETFL, 0) < 0 || dup2(fd, 0) < 0) fail(s, "dup2 stdin", errno, 0);
  close(fd);
}

/* execvpe without malloc: PATH (from the container's env) searched in order;
 * EACCES remembered so that "found but not executable" wins over ENOENT. */
__attribute__((noreturn)) static void exec_command(const struct berth_spec *s) {
  const char *file = s->argv[0];
  char step[PATH_MAX];
  s_join(step, sizeof step, "exec ", file);
  if (!*file) fail(s, step, ENOENT, 1);
  for (const char *c = file; *c; c++) {
    if (*c == '/') {
      execve(file, s->argv, s->envp);
      fail(s, step, errno, 1);
    }
  }
  int err = ENOENT, seen_eacces = 0;
  char full[PATH_MAX];
  for (const char *p = s->path;;) {
    const char *end = p;
    while (*end && *end != ':') end++;
    size_t dl = (size_t)(end - p), fl = s_len(file);
    if (dl + 1 + fl < sizeof full) {
      for (size_t i = 0; i < dl; i++) full[i] = p[i];
      size_t n = dl;
      if (n) full[n++] = '/';
      for (size_t i = 0; i <= fl; i++) full[n + i] = file[i];
      execve(full, s->argv, s->envp);
      err = errno;
      if (err == EACCES) seen_eacces = 1;
      else if (err != ENOENT && err != ENOTDIR && err != ESTALE && err != ENODEV && err != ETIMEDOUT)
        fail(s, step, err, 1);
    }
    if (!*end) break;
    p = end + 1;
  }
  fail(s, step, seen_eacces ? EACCES : ENOENT, 1);
}

/* 0/1/2: the pty slave as controlling terminal of a new session, or the
 * stdout/stderr pipes and (with -i) the stdin pipe. */
static void setup_stdio(const struct berth_spec *s, int slave) {
  if (s->tty) {
    /* A session of its own with the pty as controlling terminal: job control,
     * ctrl-c as SIGINT, SIGWINCH on resize, SIGHUP when the terminal goes. */
    if (setsid() < 0) fail(s, "setsid", errno, 0);
    if (ioctl(slave, TIOCSCTTY, 0) < 0) fail(s, "set controlling terminal", errno, 0);
    if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0) fail(s, "dup2 terminal", errno, 0);
  } else {
    if (dup2(s->out_w, 1) < 0 || dup2(s->err_w, 2) < 0) fail(s, "dup2 stdout/stderr", errno, 0);
    if (s->stdin_pipe && dup2(s->in_r, 0) < 0) fail(s, "dup2 stdin", errno, 0);
  }
}

/* The seccomp filter, as late as possible: everything berth itself still does
 * after it must be allowed by the profile (execve always, as with runc). The
 * kernel takes it only with no_new_privs set or from a holder of CAP_SYS_ADMIN. */
static void load_seccomp(const struct berth_spec *s) {
  if (!s->seccomp_len) return;
  struct sock_fprog prog = {.len = s->seccomp_len, .filter = s->seccomp_filter};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->seccomp_flags, &prog) < 0) fail(s, "load seccomp filter", errno, 0);
}

/* From the rlimits to execve: the process's own setup (its ProcessSpec), the
 * same for a container's init and an exec. */
__attribute__((noreturn)) static void finish_and_exec(const struct berth_spec *s) {
  char step[PATH_MAX];
  set_rlimits(s);
  /* without no_new_privs only CAP_SYS_ADMIN may load a filter, which set_identity drops */
  if (!s->no_new_privs) load_seccomp(s);
  set_identity(s);
  if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail(s, "set no_new_privs", errno, 0);
  if (s->stdin_null && !s->tty && !s->stdin_pipe) stdin_devnull(s);
  /* No host fd may survive into the container (CVE-2024-21626); the error
   * pipe is CLOEXEC already and stays usable until execve succeeds. */
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) fail(s, "close_range", errno, 0);
  umask(022); /* what runc and Docker give a container's process */
  if (chdir(s->cwd) < 0) {
    s_join(step, sizeof step, "chdir ", s->cwd);
    fail(s, step, errno, 0);
  }
  if (s->no_new_privs) load_seccomp(s);
  exec_command(s);
}

/* With -t: a new pty of the container's devpts (rootfd is the container's
 * root), its master sent to the monitor; returns the slave. */
static int open_console(const struct berth_spec *s, int rootfd) {
  const char *what;
  if (!s->tty) return -1;
  int slave = berth_open_console(rootfd, s->console_w, s->tty_rows, s->tty_cols, &what);
  if (slave < 0) fail(s, what, errno, 0);
  return slave;
}

/* exec: a process joining a running container (exec-join.c), then the same
 * identity, stdio and execve as the container's own process. */
__attribute__((noreturn)) static void exec_run(struct berth_spec *s) {
  const char *what;
  int err = berth_join_container(s, &what);
  if (err) fail(s, what, err, 0);
  /* the mount namespace joined, our root and cwd are the container's "/" */
  setup_stdio(s, open_console(s, AT_FDCWD));
  finish_and_exec(s);
}

void berth_child_run(struct berth_spec *s) {
  char step[PATH_MAX];
  berth_reset_signals();
  if (s->join_pid > 0) exec_run(s);
  if (s->gate_w >= 0) close(s->gate_w); /* ours would hide the engine's EOF (a cancelled start) */
  /* Join the cgroups first: everything below (mounts included) is charged there. */
  for (size_t i = 0; i < s->ncgroups; i++) {
    if (s->born_into && (int)i == s->cgroup_into_idx) continue; /* cloned into it (spawn.c) */
    if (write(s->cgroup_fds[i], "0", 1) != 1) {
      s_join(step, sizeof step, "join cgroup ", s->cgroup_paths[i]);
      fail(s, step, errno, 0);
    }
    close(s->cgroup_fds[i]);
  }
  /* --network container:NAME: before the mounts, so /sys shows the joined namespace's devices */
  if (s->join_net_fd >= 0) {
    if (setns(s->join_net_fd, CLONE_NEWNET) < 0) fail(s, "join network namespace", errno, 0);
    close(s->join_net_fd);
  }
  /* After joining: the new cgroup namespace is rooted at the container's cgroup. */
  if ((s->namespaces & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) fail(s, "unshare cgroup namespace", errno, 0);

  umask(0); /* modes given by the spec (mknod, mkdir) are exact */
  int rootfd, err = berth_setup_rootfs(s, &rootfd, step, sizeof step);
  if (err) fail(s, step, err, 0);

  /* after the ops: the container's /dev/pts is mounted */
  int slave = open_console(s, rootfd);
  if (s->tty && berth_bind_console(rootfd, slave) < 0) fail(s, "bind /dev/console", errno, 0);
  setup_stdio(s, slave);

  if (fchdir(rootfd) < 0) fail(s, "chdir rootfs", errno, 0);
  /* pivot_root(".", "."): the old root ends up stacked on "." and is detached
   * at once, so no directory for it is needed inside the image. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail(s, "pivot_root", errno, 0);
  if (umount2(".", MNT_DETACH) < 0) fail(s, "umount old root", errno, 0);
  if (chdir("/") < 0) fail(s, "chdir /", errno, 0);
  close(rootfd);

  if (s->readonly_rootfs) {
    /* keep the per-mount flags the rootfs was mounted with */
    unsigned long keep = s->rm_source ? s->rm_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME) : 0;
    if (mount("/", "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, NULL) < 0)
      fail(s, "remount / read-only", errno, 0);
  }
  /* Without a UTS namespace this would rename the host. */
  if ((s->namespaces & CLONE_NEWUTS) && *s->hostname && sethostname(s->hostname, s_len(s->hostname)) < 0)
    fail(s, "sethostname", errno, 0);
  if ((s->namespaces & CLONE_NEWNET) && loopback_up() < 0) fail(s, "bring up lo", errno, 0);
  if (s->net_gate) wait_for_network(s);
  finish_and_exec(s);
}
