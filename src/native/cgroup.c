/* cgroupfs primitives for the engine: create, write, read, and the one
 * compound operation — remove a container's cgroup tree, which first has to
 * be emptied: rmdir fails with EBUSY while a process is inside. Works the
 * same on a v1 hierarchy and on cgroup2; which files to touch (cgroup.kill,
 * freezer.state) is discovered per directory. Every error names its file.
 * Also the loader of cgroup2's device filter (a BPF program the engine built). */
#include "napi-util.h"

#include <dirent.h>
#include <linux/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static napi_value throw_path(napi_env env, const char *verb, const char *path, int err) {
  char step[4200];
  snprintf(step, sizeof step, "%s %s", verb, path);
  return berth_throw_errno(env, step, err);
}

/* One write(2): cgroup files take a value per write, and a short or split
 * write would be a different value. Returns 0 or an errno. */
static int write_once(const char *file, const char *value) {
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  size_t len = strlen(value);
  ssize_t n;
  do n = write(fd, value, len); while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
  close(fd);
  return err;
}

/* Whole file into a malloc'd NUL-terminated buffer; NULL with errno set. */
static char *read_all(const char *file, size_t *len_out) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (len + 1 == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        errno = ENOMEM;
        break;
      }
      buf = nb;
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      free(buf);
      buf = NULL;
      errno = e;
      break;
    }
    if (n == 0) {
      buf[len] = 0;
      if (len_out) *len_out = len;
      break;
    }
    len += (size_t)n;
  }
  int e = errno;
  close(fd);
  errno = e;
  return buf;
}

static char *join(const char *dir, const char *name) {
  char *p = NULL;
  return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Calls fn on each child cgroup directory of dir. */
static void each_child(const char *dir, void (*fn)(const char *, void *), void *arg) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = join(dir, e->d_name);
    if (p) fn(p, arg);
    free(p);
  }
  closedir(d);
}

/* v1 freezer: a frozen task cannot die until thawed, and a child stays
 * frozen while its parent is, so thaw top-down before any kill. */
static void thaw_tree(const char *dir, void *arg) {
  char *f = join(dir, "freezer.state");
  char *state = f ? read_all(f, NULL) : NULL;
  if (state && (!strncmp(state, "FROZEN", 6) || !strncmp(state, "FREEZING", 8))) write_once(f, "THAWED");
  free(state), free(f);
  each_child(dir, thaw_tree, arg);
}

/* Kills what is in dir itself: cgroup.kill (cgroup2, 5.14+) is atomic
 * against forks; otherwise SIGKILL each pid listed. */
static void kill_procs(const char *dir) {
  char *f = join(dir, "cgroup.kill");
  if (f && access(f, F_OK) == 0 && write_once(f, "1") == 0) {
    free(f);
    return;
  }
  free(f);
  f = join(dir, "cgroup.procs");
  char *procs = f ? read_all(f, NULL) : NULL;
  for (char *p = procs, *end; p && *p; p = end) {
    long pid = strtol(p, &end, 10);
    if (end == p) break;
    if (pid > 0) kill((pid_t)pid, SIGKILL);
  }
  free(procs), free(f);
}

static void kill_tree(const char *dir, void *arg) {
  each_child(dir, kill_tree, arg); /* children first */
  kill_procs(dir);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct removal {
  int64_t deadline;
  int err;     /* first failure */
  char *where; /* its directory (malloc'd) */
};

/* Deepest first; a dying process keeps its cgroup busy for a moment after
 * SIGKILL (until its parent reaps it), hence the retries. */
static void remove_tree(const char *dir, void *arg) {
  struct removal *r = arg;
  each_child(dir, remove_tree, r);
  if (r->err) return;
  for (;;) {
    if (rmdir(dir) == 0 || errno == ENOENT) return;
    int e = errno;
    if (e != EBUSY || now_ms() >= r->deadline) {
      r->err = e;
      r->where = strdup(dir);
      return;
    }
    kill_procs(dir); /* anything forked since the first pass */
    nanosleep(&(struct timespec){0, 5 * 1000000}, NULL);
  }
}

static napi_value js_cgroup_create(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *dir = berth_get_string(env, argv[0], "dir");
  if (!dir) return NULL;
  napi_value out = NULL;
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) throw_path(env, "mkdir", dir, errno);
  free(dir);
  return out;
}

static napi_value js_cgroup_write(napi_env env, napi_callback_info info) {
  ARGS(2);
  char *file = berth_get_string(env, argv[0], "file");
  char *value = file ? berth_get_string(env, argv[1], "value") : NULL;
  if (value) {
    int err = write_once(file, value);
    if (err) throw_path(env, "write", file, err);
  }
  free(file), free(value);
  return NULL;
}

static napi_value js_cgroup_read(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *file = berth_get_string(env, argv[0], "file");
  if (!file) return NULL;
  size_t len;
  char *buf = read_all(file, &len);
  napi_value out = NULL;
  if (!buf) throw_path(env, "read", file, errno);
  else napi_create_string_utf8(env, buf, len, &out);
  free(buf), free(file);
  return out;
}

static napi_value js_cgroup_remove(napi_env env, napi_callback_info info) {
  ARGS(2);
  int64_t timeout;
  if (berth_get_int64(env, argv[1], &timeout, "timeoutMs")) return NULL;
  char *dir = berth_get_string(env, argv[0], "dir");
  if (!dir) return NULL;
  struct stat st;
  if (stat(dir, &st) < 0) {
    int e = errno;
    if (e != ENOENT) throw_path(env, "stat", dir, e);
    free(dir);
    return NULL; /* already gone */
  }
  /* The usual case, a run collected after its processes ended: empty, no children. One
   * rmdir then, not three walks of the tree; anything inside fails it with EBUSY. */
  if (rmdir(dir) == 0 || errno == ENOENT) {
    free(dir);
    return NULL;
  }
  thaw_tree(dir, NULL);
  kill_tree(dir, NULL);
  struct removal r = {.deadline = now_ms() + (timeout > 0 ? timeout : 0), .err = 0, .where = NULL};
  remove_tree(dir, &r);
  if (r.err) throw_path(env, "rmdir", r.where ? r.where : dir, r.err);
  free(r.where), free(dir);
  return NULL;
}

/* Loads a BPF_PROG_TYPE_CGROUP_DEVICE program (instructions compiled by the
 * engine, cgroup/device-filter.ts) and attaches it to a cgroup2 directory.
 * ALLOW_MULTI: programs attached above (systemd's, a parent's) keep running
 * too, and a device must pass all of them. The attachment holds the program:
 * both fds are closed here, and it goes away with the cgroup. */
static napi_value js_cgroup_device_filter(napi_env env, napi_callback_info info) {
  ARGS(2);
  void *insns;
  size_t len;
  bool is_buf;
  if (napi_is_buffer(env, argv[1], &is_buf) != napi_ok || !is_buf ||
      napi_get_buffer_info(env, argv[1], &insns, &len) != napi_ok || !len || len % 8)
    return berth_throw_msg(env, "program: expected a Buffer of BPF instructions");
  char *dir = berth_get_string(env, argv[0], "dir");
  if (!dir) return NULL;
  static char log[16384];
  union bpf_attr attr;
  int prog = -1;
  /* without a log first: a log too small for the verifier's account fails the load (ENOSPC) */
  for (int with_log = 0; prog < 0 && with_log < 2; with_log++) {
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)(len / 8);
    attr.license = (uint64_t)(uintptr_t) "Apache";
    if (with_log) {
      log[0] = 0;
      attr.log_buf = (uint64_t)(uintptr_t)log, attr.log_size = sizeof log, attr.log_level = 1;
    }
    prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
  }
  if (prog < 0) {
    int e = errno;
    /* the verifier's last line says what it refused */
    size_t n = strlen(log);
    while (n && log[n - 1] == '\n') log[--n] = 0;
    const char *last = strrchr(log, '\n');
    char step[4400];
    snprintf(step, sizeof step, "load the device filter for %s%s%.160s", dir, *log ? ": " : "", last ? last + 1 : log);
    free(dir);
    return berth_throw_errno(env, step, e);
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    close(prog);
    throw_path(env, "open", dir, e);
    free(dir);
    return NULL;
  }
  memset(&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)fd;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  int r = (int)syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof attr);
  int e = errno;
  close(fd), close(prog);
  if (r < 0) throw_path(env, "attach the device filter to", dir, e);
  free(dir);
  return NULL;
}

void berth_register_cgroup(napi_env env, napi_value exports) {
  berth_export(env, exports, "cgroupCreate", js_cgroup_create);
  berth_export(env, exports, "cgroupWrite", js_cgroup_write);
  berth_export(env, exports, "cgroupRead", js_cgroup_read);
  berth_export(env, exports, "cgroupRemove", js_cgroup_remove);
  berth_export(env, exports, "cgroupDeviceFilter", js_cgroup_device_filter);
}
