/* JS SpawnSpec -> struct berth_spec. Runs in the Node process before any
 * fork: every string is copied and every array NULL-terminated here, so the
 * child side of clone() only reads plain memory. Allocations are tracked in
 * the spec's arena and released by berth_spec_free. Type errors name the
 * offending field ("spec.ops[2].target: expected a string"). */
#include "spawn-spec.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static const char default_path[] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

static void *track(struct berth_spec_alloc *a, void *p) {
  if (!p) return NULL;
  if (a->n == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 64;
    void **np = realloc(a->ptrs, cap * sizeof *np);
    if (!np) {
      free(p);
      return NULL;
    }
    a->ptrs = np, a->cap = cap;
  }
  return a->ptrs[a->n++] = p;
}

static void *alloc(napi_env env, struct berth_spec_alloc *a, size_t size) {
  void *p = track(a, calloc(1, size ? size : 1));
  if (!p) napi_throw_error(env, "NATIVE", "out of memory");
  return p;
}

static int type_error(napi_env env, const char *what, const char *expected) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: expected %s", what, expected);
  napi_throw_type_error(env, "INVALID_ARGUMENT", msg);
  return -1;
}

static int prop(napi_env env, napi_value obj, const char *name, napi_value *out, napi_valuetype *type) {
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return -1;
  return napi_typeof(env, *out, type) == napi_ok ? 0 : -1;
}

static int get_str(napi_env env, struct berth_spec_alloc *a, napi_value obj, const char *name, const char *what,
                   const char **out) {
  napi_value v;
  napi_valuetype t;
  char w[160];
  snprintf(w, sizeof w, "%s.%s", what, name);
  if (prop(env, obj, name, &v, &t)) return -1;
  if (t != napi_string) return type_error(env, w, "a string");
  char *s = berth_get_string(env, v, w);
  if (!s) return -1;
  if (!track(a, s)) return napi_throw_error(env, "NATIVE", "out of memory"), -1;
  *out = s;
  return 0;
}

/* "" means "none" for mount's fstype and data. */
static int get_str_or_null(napi_env env, struct berth_spec_alloc *a, napi_value obj, const char *name,
                           const char *what, const char **out) {
  if (get_str(env, a, obj, name, what, out)) return -1;
  if (!**out) *out = NULL;
  return 0;
}

static int get_num(napi_env env, napi_value obj, const char *name, const char *what, double lo, double hi,
                   double *out) {
  napi_value v;
  napi_valuetype t;
  char w[160];
  snprintf(w, sizeof w, "%s.%s", what, name);
  if (prop(env, obj, name, &v, &t)) return -1;
  if (t != napi_number || napi_get_value_double(env, v, out) != napi_ok) return type_error(env, w, "a number");
  if (!(*out >= lo && *out <= hi) || *out != floor(*out)) return type_error(env, w, "an integer in range");
  return 0;
}

static int get_bool(napi_env env, napi_value obj, const char *name, const char *what, int *out) {
  napi_value v;
  napi_valuetype t;
  bool b;
  char w[160];
  snprintf(w, sizeof w, "%s.%s", what, name);
  if (prop(env, obj, name, &v, &t)) return -1;
  if (t != napi_boolean || napi_get_value_bool(env, v, &b) != napi_ok) return type_error(env, w, "a boolean");
  *out = b;
  return 0;
}

/* Array property -> its length and the array value. */
static int get_array(napi_env env, napi_value obj, const char *name, const char *what, napi_value *arr,
                     uint32_t *len) {
  napi_valuetype t;
  bool is;
  char w[160];
  snprintf(w, sizeof w, "%s.%s", what, name);
  if (prop(env, obj, name, arr, &t)) return -1;
  if (napi_is_array(env, *arr, &is) != napi_ok || !is) return type_error(env, w, "an array");
  return napi_get_array_length(env, *arr, len) == napi_ok ? 0 : -1;
}

/* Array of strings -> NULL-terminated char*[] (with `extra` leading slots). */
static char **get_str_array(napi_env env, struct berth_spec_alloc *a, napi_value obj, const char *name,
                            const char *what, size_t extra, size_t *count) {
  napi_value arr;
  uint32_t len;
  if (get_array(env, obj, name, what, &arr, &len)) return NULL;
  char **out = alloc(env, a, (extra + len + 1) * sizeof *out);
  if (!out) return NULL;
  for (uint32_t i = 0; i < len; i++) {
    napi_value v;
    char w[160];
    snprintf(w, sizeof w, "%s.%s[%u]", what, name, i);
    if (napi_get_element(env, arr, i, &v) != napi_ok) return NULL;
    char *s = berth_get_string(env, v, w);
    if (!s) return NULL;
    if (!track(a, s)) return napi_throw_error(env, "NATIVE", "out of memory"), NULL;
    out[extra + i] = s;
  }
  if (count) *count = len;
  return out;
}

/* A 64-bit capability mask given as a decimal string (JS numbers lose bits). */
static int get_mask(napi_env env, struct berth_spec_alloc *a, napi_value caps, const char *name, uint64_t *out) {
  const char *s;
  if (get_str(env, a, caps, name, "spec.process.caps", &s)) return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  char w[64];
  snprintf(w, sizeof w, "spec.process.caps.%s", name);
  if (!*s || *s == '-' || *end || errno) return type_error(env, w, "a decimal 64-bit mask");
  *out = v;
  return 0;
}

static int get_op(napi_env env, struct berth_spec_alloc *a, napi_value o, uint32_t i, struct berth_op *op) {
  char w[64];
  snprintf(w, sizeof w, "spec.ops[%u]", i);
  const char *kind;
  double n;
  if (get_str(env, a, o, "op", w, &kind) || get_str(env, a, o, "target", w, &op->target)) return -1;
  if (!strcmp(kind, "mount")) {
    op->kind = OP_MOUNT;
    if (get_str(env, a, o, "source", w, &op->source) || get_str_or_null(env, a, o, "fstype", w, &op->fstype) ||
        get_str_or_null(env, a, o, "data", w, &op->data) || get_num(env, o, "flags", w, 0, 4294967295.0, &n))
      return -1;
    op->flags = (unsigned long)n;
    napi_value v;
    napi_valuetype t;
    if (prop(env, o, "mkdir", &v, &t)) return -1;
    if (t == napi_string) {
      const char *m;
      if (get_str(env, a, o, "mkdir", w, &m)) return -1;
      if (!strcmp(m, "dir")) op->mkdir = MKDIR_DIR;
      else if (!strcmp(m, "file")) op->mkdir = MKDIR_FILE;
      else return type_error(env, w, "mkdir 'dir' or 'file'");
    } else if (t != napi_undefined && t != napi_null) {
      return type_error(env, w, "mkdir 'dir' or 'file'");
    }
  } else if (!strcmp(kind, "remount")) {
    op->kind = OP_REMOUNT;
    if (get_num(env, o, "flags", w, 0, 4294967295.0, &n)) return -1;
    op->flags = (unsigned long)n;
  } else if (!strcmp(kind, "mask")) {
    op->kind = OP_MASK;
  } else if (!strcmp(kind, "readonly")) {
    op->kind = OP_READONLY;
  } else if (!strcmp(kind, "mknod")) {
    double mode, maj, min, uid, gid;
    op->kind = OP_MKNOD;
    if (get_num(env, o, "mode", w, 0, 0177777, &mode) || get_num(env, o, "major", w, 0, 4095, &maj) ||
        get_num(env, o, "minor", w, 0, 1048575, &min) || get_num(env, o, "uid", w, 0, 4294967294.0, &uid) ||
        get_num(env, o, "gid", w, 0, 4294967294.0, &gid))
      return -1;
    op->mode = (mode_t)mode;
    if (!(op->mode & S_IFMT)) op->mode |= S_IFCHR; /* a bare permission mode means a char device */
    op->dev = makedev((unsigned)maj, (unsigned)min);
    op->uid = (uid_t)uid, op->gid = (gid_t)gid;
  } else if (!strcmp(kind, "symlink")) {
    op->kind = OP_SYMLINK;
    if (get_str(env, a, o, "linkTo", w, &op->link_to)) return -1;
  } else if (!strcmp(kind, "mkdir")) {
    op->kind = OP_MKDIR;
  } else if (!strcmp(kind, "sysctl")) {
    op->kind = OP_SYSCTL;
    if (get_str(env, a, o, "value", w, &op->value)) return -1;
  } else {
    return type_error(env, w, "op mount|remount|mask|readonly|mknod|symlink|mkdir|sysctl");
  }
  return 0;
}

static int get_ops(napi_env env, struct berth_spec_alloc *a, napi_value spec, struct berth_spec *s) {
  napi_value arr;
  uint32_t len;
  if (get_array(env, spec, "ops", "spec", &arr, &len)) return -1;
  if (!(s->ops = alloc(env, a, len * sizeof *s->ops))) return -1;
  for (uint32_t i = 0; i < len; i++) {
    napi_value o;
    if (napi_get_element(env, arr, i, &o) != napi_ok || get_op(env, a, o, i, &s->ops[i])) return -1;
  }
  s->nops = len;
  return 0;
}

/* JS numbers: a negative, non-finite or huge value means RLIM_INFINITY. */
static uint64_t rlim_value(double d) {
  return (!isfinite(d) || d < 0 || d >= 18446744073709551615.0) ? UINT64_MAX : (uint64_t)d;
}

static int get_rlimits(napi_env env, struct berth_spec_alloc *a, napi_value spec, struct berth_spec *s) {
  napi_value arr;
  uint32_t len;
  if (get_array(env, spec, "rlimits", "spec.process", &arr, &len)) return -1;
  if (!(s->rlimits = alloc(env, a, len * sizeof *s->rlimits))) return -1;
  for (uint32_t i = 0; i < len; i++) {
    napi_value o, v;
    napi_valuetype t;
    char w[64];
    double res, d;
    snprintf(w, sizeof w, "spec.process.rlimits[%u]", i);
    if (napi_get_element(env, arr, i, &o) != napi_ok || get_num(env, o, "resource", w, 0, 63, &res)) return -1;
    s->rlimits[i].resource = (int)res;
    const char *names[2] = {"soft", "hard"};
    for (int k = 0; k < 2; k++) {
      if (prop(env, o, names[k], &v, &t)) return -1;
      if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok) return type_error(env, w, "soft/hard numbers");
      *(k ? &s->rlimits[i].hard : &s->rlimits[i].soft) = rlim_value(d);
    }
  }
  s->nrlimits = len;
  return 0;
}

static int get_caps(napi_env env, struct berth_spec_alloc *a, napi_value spec, struct berth_spec *s) {
  napi_value caps;
  napi_valuetype t;
  if (prop(env, spec, "caps", &caps, &t)) return -1;
  if (t != napi_object) return type_error(env, "spec.process.caps", "an object");
  return get_mask(env, a, caps, "bounding", &s->cap_bounding) ||
                 get_mask(env, a, caps, "effective", &s->cap_effective) ||
                 get_mask(env, a, caps, "permitted", &s->cap_permitted) ||
                 get_mask(env, a, caps, "inheritable", &s->cap_inheritable) ||
                 get_mask(env, a, caps, "ambient", &s->cap_ambient)
             ? -1
             : 0;
}

static int get_rootfs_mount(napi_env env, struct berth_spec_alloc *a, napi_value spec, struct berth_spec *s) {
  napi_value m;
  napi_valuetype t;
  double flags;
  if (prop(env, spec, "rootfsMount", &m, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (t != napi_object) return type_error(env, "spec.rootfsMount", "an object");
  if (get_str(env, a, m, "source", "spec.rootfsMount", &s->rm_source) ||
      get_str_or_null(env, a, m, "fstype", "spec.rootfsMount", &s->rm_fstype) ||
      get_str_or_null(env, a, m, "data", "spec.rootfsMount", &s->rm_data) ||
      get_num(env, m, "flags", "spec.rootfsMount", 0, 4294967295.0, &flags))
    return -1;
  s->rm_flags = (unsigned long)flags;
  return 0;
}

static int get_groups(napi_env env, struct berth_spec_alloc *a, napi_value spec, struct berth_spec *s) {
  napi_value arr;
  uint32_t len;
  if (get_array(env, spec, "groups", "spec.process", &arr, &len)) return -1;
  if (!(s->groups = alloc(env, a, len * sizeof *s->groups))) return -1;
  for (uint32_t i = 0; i < len; i++) {
    napi_value v;
    double d;
    if (napi_get_element(env, arr, i, &v) != napi_ok || napi_get_value_double(env, v, &d) != napi_ok ||
        !(d >= 0 && d <= 4294967294.0) || d != floor(d))
      return type_error(env, "spec.process.groups", "an array of gids");
    s->groups[i] = (gid_t)d;
  }
  s->ngroups = len;
  return 0;
}

static int get_monitor(napi_env env, struct berth_spec_alloc *a, napi_value spec, struct berth_spec *s) {
  napi_value m;
  napi_valuetype t;
  const char *path;
  size_t n;
  if (prop(env, spec, "monitor", &m, &t)) return -1;
  if (t != napi_object) return type_error(env, "spec.monitor", "an object");
  if (get_str(env, a, m, "path", "spec.monitor", &path)) return -1;
  /* the ready fd is the first after the stdio ones (spawn.c, run_b) */
  const char *in[] = {path, "--init-pid", s->init_pid_buf, "--stdout-fd", "3", "--stderr-fd", "4", "--stdin-fd", "5", "--ready-fd", "6"};
  const char *pipes[] = {path, "--init-pid", s->init_pid_buf, "--stdout-fd", "3", "--stderr-fd", "4", "--ready-fd", "5"};
  const char *tty[] = {path, "--init-pid", s->init_pid_buf, "--console-socket", "3", "--ready-fd", "4"};
  const char **fixed = s->tty ? tty : s->stdin_pipe ? in : pipes;
  size_t nfixed = s->tty ? 7 : s->stdin_pipe ? 11 : 9;
  char **argv = get_str_array(env, a, m, "args", "spec.monitor", nfixed, &n);
  if (!argv) return -1;
  memcpy(argv, fixed, nfixed * sizeof *fixed);
  s->monitor_argv = argv;
  return 0;
}

/* networkGate (optional): the init waits for releaseStart before its command. */
static int get_network_gate(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_value v;
  napi_valuetype t;
  if (prop(env, spec, "networkGate", &v, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  return get_bool(env, spec, "networkGate", "spec", &s->net_gate);
}

/* joinNetns (optional): the pid whose network namespace the init joins. */
static int get_join_netns(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_value v;
  napi_valuetype t;
  double pid;
  if (prop(env, spec, "joinNetns", &v, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (get_num(env, spec, "joinNetns", "spec", 1, 4194304, &pid)) return -1;
  s->join_net_pid = (pid_t)pid;
  return 0;
}

/* tty: {rows, cols} or absent; stdinPipe: a boolean or absent. */
static int get_stdio(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_value v;
  napi_valuetype t;
  double rows, cols;
  if (prop(env, spec, "tty", &v, &t)) return -1;
  if (t == napi_object) {
    if (get_num(env, v, "rows", "spec.process.tty", 0, 65535, &rows) ||
        get_num(env, v, "cols", "spec.process.tty", 0, 65535, &cols))
      return -1;
    s->tty = 1, s->tty_rows = (unsigned short)rows, s->tty_cols = (unsigned short)cols;
  } else if (t != napi_undefined && t != napi_null) {
    return type_error(env, "spec.process.tty", "{rows, cols}");
  }
  if (prop(env, spec, "stdinPipe", &v, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (get_bool(env, spec, "stdinPipe", "spec.process", &s->stdin_pipe)) return -1;
  if (s->tty) s->stdin_pipe = 0; /* with a terminal, stdin is the terminal */
  return 0;
}

/* process.seccomp: {filter: Buffer of struct sock_filter, flags} or absent
 * (unconfined). The program was compiled in TypeScript; here it is only copied. */
static int get_seccomp(napi_env env, struct berth_spec_alloc *a, napi_value p, struct berth_spec *s) {
  napi_value v, f;
  napi_valuetype t;
  bool is_buf;
  void *data;
  size_t len;
  double flags;
  if (prop(env, p, "seccomp", &v, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (t != napi_object) return type_error(env, "spec.process.seccomp", "{filter, flags}");
  if (napi_get_named_property(env, v, "filter", &f) != napi_ok || napi_is_buffer(env, f, &is_buf) != napi_ok || !is_buf ||
      napi_get_buffer_info(env, f, &data, &len) != napi_ok || !len || len % sizeof(struct sock_filter) ||
      len / sizeof(struct sock_filter) > BPF_MAXINSNS)
    return type_error(env, "spec.process.seccomp.filter", "a Buffer of 1-4096 sock_filter");
  if (get_num(env, v, "flags", "spec.process.seccomp", 0, 255, &flags)) return -1;
  if (!(s->seccomp_filter = alloc(env, a, len))) return -1;
  memcpy(s->seccomp_filter, data, len);
  s->seccomp_len = (unsigned short)(len / sizeof(struct sock_filter));
  s->seccomp_flags = (unsigned int)flags;
  return 0;
}

/* spec.process (a ProcessSpec): the fields a container's init and an exec
 * share, so a new one is parsed here once for both. */
static int get_process(napi_env env, napi_value spec, struct berth_spec *s) {
  struct berth_spec_alloc *a = &s->alloc;
  const char *w = "spec.process";
  napi_value p;
  napi_valuetype t;
  double uid, gid;
  size_t nargs, nenv;
  if (prop(env, spec, "process", &p, &t)) return -1;
  if (t != napi_object) return type_error(env, w, "an object");
  if (!(s->argv = get_str_array(env, a, p, "args", w, 0, &nargs))) return -1;
  if (!nargs) return type_error(env, "spec.process.args", "at least one element");
  if (!(s->envp = get_str_array(env, a, p, "env", w, 0, &nenv))) return -1;
  s->path = default_path;
  for (size_t i = 0; i < nenv; i++)
    if (!strncmp(s->envp[i], "PATH=", 5)) s->path = s->envp[i] + 5;
  if (get_str(env, a, p, "cwd", w, &s->cwd) || get_num(env, p, "uid", w, 0, 4294967294.0, &uid) ||
      get_num(env, p, "gid", w, 0, 4294967294.0, &gid) || get_groups(env, a, p, s) || get_caps(env, a, p, s) ||
      get_bool(env, p, "noNewPrivileges", w, &s->no_new_privs) || get_rlimits(env, a, p, s) ||
      get_bool(env, p, "stdinNull", w, &s->stdin_null) || get_stdio(env, p, s) || get_seccomp(env, a, p, s))
    return -1;
  s->uid = (uid_t)uid, s->gid = (gid_t)gid;
  return 0;
}

/* The cgroups the process joins and its monitor (whose argv depends on
 * process.tty: call after get_process). */
static int get_cgroups_and_monitor(napi_env env, napi_value spec, struct berth_spec *s) {
  struct berth_spec_alloc *a = &s->alloc;
  size_t ncg;
  if (get_monitor(env, a, spec, s)) return -1;
  if (!(s->cgroup_paths = (const char **)get_str_array(env, a, spec, "cgroupJoinFiles", "spec", 0, &ncg))) return -1;
  if (!(s->cgroup_fds = alloc(env, a, ncg * sizeof *s->cgroup_fds))) return -1;
  for (size_t i = 0; i < ncg; i++) s->cgroup_fds[i] = -1;
  s->ncgroups = ncg;
  return 0;
}

int berth_spec_from_js(napi_env env, napi_value spec, struct berth_spec *s) {
  struct berth_spec_alloc *a = &s->alloc;
  double ns;
  napi_valuetype t;
  if (napi_typeof(env, spec, &t) != napi_ok || t != napi_object) return type_error(env, "spec", "an object");
  if (get_process(env, spec, s) || get_str(env, a, spec, "hostname", "spec", &s->hostname) ||
      get_str(env, a, spec, "rootfs", "spec", &s->rootfs) || get_rootfs_mount(env, a, spec, s) ||
      get_bool(env, spec, "readonlyRootfs", "spec", &s->readonly_rootfs) || get_ops(env, a, spec, s) ||
      get_num(env, spec, "namespaces", "spec", 0, 4294967295.0, &ns) || get_cgroups_and_monitor(env, spec, s))
    return -1;
  s->namespaces = (unsigned long)ns;
  return get_network_gate(env, spec, s) || get_join_netns(env, spec, s);
}

int berth_exec_spec_from_js(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_valuetype t;
  double pid;
  if (napi_typeof(env, spec, &t) != napi_ok || t != napi_object) return type_error(env, "spec", "an object");
  if (get_num(env, spec, "initPid", "spec", 1, 4194304, &pid) || get_process(env, spec, s) ||
      get_cgroups_and_monitor(env, spec, s))
    return -1;
  s->join_pid = (pid_t)pid;
  return 0;
}

void berth_spec_free(struct berth_spec *s) {
  for (size_t i = 0; i < s->alloc.n; i++) free(s->alloc.ptrs[i]);
  free(s->alloc.ptrs);
  s->alloc.ptrs = NULL, s->alloc.n = s->alloc.cap = 0;
}
