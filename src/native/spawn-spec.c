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

static int get_bool(napi_env env, napi_value obj, const char *name, int *out) {
  napi_value v;
  napi_valuetype t;
  bool b;
  char w[160];
  snprintf(w, sizeof w, "spec.%s", name);
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
                            size_t extra, size_t *count) {
  napi_value arr;
  uint32_t len;
  if (get_array(env, obj, name, "spec", &arr, &len)) return NULL;
  char **out = alloc(env, a, (extra + len + 1) * sizeof *out);
  if (!out) return NULL;
  for (uint32_t i = 0; i < len; i++) {
    napi_value v;
    char w[160];
    snprintf(w, sizeof w, "spec.%s[%u]", name, i);
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
  if (get_str(env, a, caps, name, "spec.caps", &s)) return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  char w[64];
  snprintf(w, sizeof w, "spec.caps.%s", name);
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
  } else {
    return type_error(env, w, "op mount|remount|mask|readonly|mknod|symlink|mkdir");
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
  if (get_array(env, spec, "rlimits", "spec", &arr, &len)) return -1;
  if (!(s->rlimits = alloc(env, a, len * sizeof *s->rlimits))) return -1;
  for (uint32_t i = 0; i < len; i++) {
    napi_value o, v;
    napi_valuetype t;
    char w[64];
    double res, d;
    snprintf(w, sizeof w, "spec.rlimits[%u]", i);
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
  if (t != napi_object) return type_error(env, "spec.caps", "an object");
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
  if (get_array(env, spec, "groups", "spec", &arr, &len)) return -1;
  if (!(s->groups = alloc(env, a, len * sizeof *s->groups))) return -1;
  for (uint32_t i = 0; i < len; i++) {
    napi_value v;
    double d;
    if (napi_get_element(env, arr, i, &v) != napi_ok || napi_get_value_double(env, v, &d) != napi_ok ||
        !(d >= 0 && d <= 4294967294.0) || d != floor(d))
      return type_error(env, "spec.groups", "an array of gids");
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
  const char *pipes[] = {path, "--init-pid", s->init_pid_buf, "--stdout-fd", "3", "--stderr-fd", "4", "--stdin-fd", "5"};
  const char *tty[] = {path, "--init-pid", s->init_pid_buf, "--tty-fd", "3"};
  const char **fixed = s->tty ? tty : pipes;
  size_t nfixed = s->tty ? 5 : s->stdin_pipe ? 9 : 7;
  char **argv = get_str_array(env, a, m, "args", nfixed, &n);
  if (!argv) return -1;
  memcpy(argv, fixed, nfixed * sizeof *fixed);
  s->monitor_argv = argv;
  return 0;
}

/* tty: {rows, cols} or absent; stdinPipe: a boolean or absent. */
/* networkGate (optional): the init waits for releaseStart before its command. */
static int get_network_gate(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_value v;
  napi_valuetype t;
  if (prop(env, spec, "networkGate", &v, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  return get_bool(env, spec, "networkGate", &s->net_gate);
}

static int get_stdio(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_value v;
  napi_valuetype t;
  double rows, cols;
  if (prop(env, spec, "tty", &v, &t)) return -1;
  if (t == napi_object) {
    if (get_num(env, v, "rows", "spec.tty", 0, 65535, &rows) || get_num(env, v, "cols", "spec.tty", 0, 65535, &cols))
      return -1;
    s->tty = 1, s->tty_rows = (unsigned short)rows, s->tty_cols = (unsigned short)cols;
  } else if (t != napi_undefined && t != napi_null) {
    return type_error(env, "spec.tty", "{rows, cols}");
  }
  if (prop(env, spec, "stdinPipe", &v, &t)) return -1;
  if (t == napi_undefined || t == napi_null) return 0;
  if (get_bool(env, spec, "stdinPipe", &s->stdin_pipe)) return -1;
  if (s->tty) s->stdin_pipe = 0; /* with a terminal, stdin is the terminal */
  return 0;
}

int berth_spec_from_js(napi_env env, napi_value spec, struct berth_spec *s) {
  struct berth_spec_alloc *a = &s->alloc;
  double uid, gid, ns;
  size_t nargs, nenv, ncg;
  napi_valuetype t;
  if (napi_typeof(env, spec, &t) != napi_ok || t != napi_object) return type_error(env, "spec", "an object");
  if (!(s->argv = get_str_array(env, a, spec, "args", 0, &nargs))) return -1;
  if (!nargs) return type_error(env, "spec.args", "at least one element");
  if (!(s->envp = get_str_array(env, a, spec, "env", 0, &nenv))) return -1;
  s->path = default_path;
  for (size_t i = 0; i < nenv; i++)
    if (!strncmp(s->envp[i], "PATH=", 5)) s->path = s->envp[i] + 5;
  if (get_str(env, a, spec, "cwd", "spec", &s->cwd) || get_num(env, spec, "uid", "spec", 0, 4294967294.0, &uid) ||
      get_num(env, spec, "gid", "spec", 0, 4294967294.0, &gid) || get_groups(env, a, spec, s) ||
      get_str(env, a, spec, "hostname", "spec", &s->hostname) || get_str(env, a, spec, "rootfs", "spec", &s->rootfs) ||
      get_rootfs_mount(env, a, spec, s) || get_bool(env, spec, "readonlyRootfs", &s->readonly_rootfs) ||
      get_ops(env, a, spec, s) || get_num(env, spec, "namespaces", "spec", 0, 4294967295.0, &ns) ||
      get_caps(env, a, spec, s) || get_bool(env, spec, "noNewPrivileges", &s->no_new_privs) ||
      get_rlimits(env, a, spec, s) || get_bool(env, spec, "stdinNull", &s->stdin_null) ||
      get_stdio(env, spec, s) || get_monitor(env, a, spec, s))
    return -1;
  if (!(s->cgroup_paths = (const char **)get_str_array(env, a, spec, "cgroupProcs", 0, &ncg))) return -1;
  if (!(s->cgroup_fds = alloc(env, a, ncg * sizeof *s->cgroup_fds))) return -1;
  for (size_t i = 0; i < ncg; i++) s->cgroup_fds[i] = -1;
  s->ncgroups = ncg;
  s->uid = (uid_t)uid, s->gid = (gid_t)gid;
  s->namespaces = (unsigned long)ns;
  return get_network_gate(env, spec, s);
}

/* The fields an init and an exec share. */
static int get_process(napi_env env, napi_value spec, struct berth_spec *s) {
  struct berth_spec_alloc *a = &s->alloc;
  double uid, gid;
  size_t nargs, nenv, ncg;
  if (!(s->argv = get_str_array(env, a, spec, "args", 0, &nargs))) return -1;
  if (!nargs) return type_error(env, "spec.args", "at least one element");
  if (!(s->envp = get_str_array(env, a, spec, "env", 0, &nenv))) return -1;
  s->path = default_path;
  for (size_t i = 0; i < nenv; i++)
    if (!strncmp(s->envp[i], "PATH=", 5)) s->path = s->envp[i] + 5;
  if (get_str(env, a, spec, "cwd", "spec", &s->cwd) || get_num(env, spec, "uid", "spec", 0, 4294967294.0, &uid) ||
      get_num(env, spec, "gid", "spec", 0, 4294967294.0, &gid) || get_groups(env, a, spec, s) ||
      get_caps(env, a, spec, s) || get_bool(env, spec, "noNewPrivileges", &s->no_new_privs) ||
      get_bool(env, spec, "stdinNull", &s->stdin_null) || get_stdio(env, spec, s) || get_monitor(env, a, spec, s))
    return -1;
  if (!(s->cgroup_paths = (const char **)get_str_array(env, a, spec, "cgroupProcs", 0, &ncg))) return -1;
  if (!(s->cgroup_fds = alloc(env, a, ncg * sizeof *s->cgroup_fds))) return -1;
  for (size_t i = 0; i < ncg; i++) s->cgroup_fds[i] = -1;
  s->ncgroups = ncg;
  s->uid = (uid_t)uid, s->gid = (gid_t)gid;
  return 0;
}

int berth_exec_spec_from_js(napi_env env, napi_value spec, struct berth_spec *s) {
  napi_valuetype t;
  double pid;
  if (napi_typeof(env, spec, &t) != napi_ok || t != napi_object) return type_error(env, "spec", "an object");
  if (get_num(env, spec, "initPid", "spec", 1, 4194304, &pid) || get_process(env, spec, s)) return -1;
  s->join_pid = (pid_t)pid;
  return 0;
}

void berth_spec_free(struct berth_spec *s) {
  for (size_t i = 0; i < s->alloc.n; i++) free(s->alloc.ptrs[i]);
  free(s->alloc.ptrs);
  s->alloc.ptrs = NULL, s->alloc.n = s->alloc.cap = 0;
}
