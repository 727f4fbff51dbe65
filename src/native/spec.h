/* The container spec as plain C data, and the message format of the error
 * pipe. spawn-spec.c builds a berth_spec from the JS SpawnSpec before any
 * fork; child.c only reads it (after clone, where malloc is forbidden). */
#ifndef BERTH_SPEC_H
#define BERTH_SPEC_H

#include <stddef.h>
#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

enum berth_op_kind { OP_MOUNT, OP_REMOUNT, OP_MASK, OP_READONLY, OP_MKNOD, OP_SYMLINK, OP_MKDIR, OP_SYSCTL };
enum berth_mkdir { MKDIR_NONE, MKDIR_DIR, MKDIR_FILE };

struct berth_op {
  enum berth_op_kind kind;
  const char *target;  /* always a path inside the container root */
  const char *source;  /* mount */
  const char *fstype;  /* mount; NULL when "" */
  const char *data;    /* mount; NULL when "" */
  const char *link_to; /* symlink */
  const char *value;   /* sysctl */
  unsigned long flags; /* mount, remount */
  enum berth_mkdir mkdir;
  mode_t mode; /* mknod */
  dev_t dev;   /* mknod */
  uid_t uid;   /* mknod */
  gid_t gid;   /* mknod */
};

struct berth_rlimit {
  int resource;
  uint64_t soft, hard; /* RLIM_INFINITY for "unlimited" */
};

/* Every allocation behind a berth_spec (freed together by berth_spec_free). */
struct berth_spec_alloc {
  void **ptrs;
  size_t n, cap;
};

struct berth_spec {
  char **argv; /* NULL-terminated */
  char **envp; /* NULL-terminated */
  const char *path; /* PATH from envp, or the default */
  const char *cwd;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t ngroups;
  const char *hostname;
  const char *rootfs;
  /* rootfsMount; rm_source == NULL: bind rootfs onto itself */
  const char *rm_source, *rm_fstype, *rm_data;
  unsigned long rm_flags;
  int readonly_rootfs;
  struct berth_op *ops;
  size_t nops;
  unsigned long namespaces;
  /* the files the init joins its cgroups through, opened O_WRONLY|O_CLOEXEC by the parent */
  const char **cgroup_paths;
  int *cgroup_fds;
  size_t ncgroups;
  /* The cgroup2 one of them (a cgroup.procs file): its directory (into_fd), which
   * B clones the init into (CLONE_INTO_CGROUP), and its index in cgroup_fds, whose
   * write the init then skips (born_into, set in B's memory before the clone). */
  int cgroup_into_fd, cgroup_into_idx, born_into;
  uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
  int cap_last; /* /proc/sys/kernel/cap_last_cap, read before clone */
  int no_new_privs;
  /* seccomp BPF program (NULL: unconfined) and SECCOMP_FILTER_FLAG_* */
  struct sock_filter *seccomp_filter;
  unsigned short seccomp_len;
  unsigned int seccomp_flags;
  struct berth_rlimit *rlimits;
  size_t nrlimits;
  int stdin_null;
  /* -t: the init's 0/1/2 are a pty slave of the container's devpts (also
   * bound on /dev/console), the monitor holds the master. -i without -t:
   * stdin is a pipe the monitor writes. */
  int tty;
  unsigned short tty_rows, tty_cols;
  int stdin_pipe;
  /* monitor argv: [path, "--init-pid", init_pid_buf, then "--console-socket" "3", or
   * "--stdout-fd" "3" "--stderr-fd" "4" ["--stdin-fd" "5"], args..., NULL];
   * init_pid_buf is filled in by B. */
  char **monitor_argv;
  char init_pid_buf[24];
  /* pipes (all O_CLOEXEC): container stdout/stderr and the error pipe */
  int out_r, out_w, err_r, err_w, msg_r, msg_w;
  /* -t: a socketpair, the child sends the pty master it opened over
   * console_w, the monitor receives it on console_r; -i: the stdin pipe
   * (all O_CLOEXEC, -1 when unused) */
  int console_r, console_w, in_r, in_w;
  /* exec (join_pid > 0): the running container's init, and its namespaces
   * opened from /proc/<pid>/ns before any fork. B enters the pid namespace
   * (for its children only), the child the others. */
  pid_t join_pid;
  int join_pid_fd;
  int join_fds[6];
  size_t njoin;
  int devnull; /* host /dev/null, O_RDWR|O_CLOEXEC: the monitor's stdio */
  /* networkGate: the init blocks on gate_r (after lo is up, before rlimits and
   * identity) until the engine has configured its network namespace and
   * writes one byte to gate_w (releaseStart); EOF instead = cancelled. */
  int net_gate;
  int gate_r, gate_w;
  /* joinNetns (--network container:NAME): that container's init's network
   * namespace, opened before any fork; the init setns()es into it first thing
   * (its clone has no CLONE_NEWNET). 0 / -1 when unused. */
  pid_t join_net_pid;
  int join_net_fd;
  struct berth_spec_alloc alloc;
};

/* One message on the error pipe. Fixed size, well under PIPE_BUF, written
 * with a single write(2) so that concurrent writers (B and C) never interleave. */
enum berth_msg_kind { MSG_PIDS = 1, MSG_ERROR = 2 };
struct berth_msg {
  int32_t kind;
  int32_t err;
  int32_t monitor_pid;
  int32_t init_pid;
  char step[240];
};

/* Reports {ERROR, step, err} on fd. Async-signal-safe. */
void berth_report(int fd, const char *step, int err);

/* The container init after clone: never returns (execve or _exit). */
__attribute__((noreturn)) void berth_child_run(struct berth_spec *spec);

#endif
