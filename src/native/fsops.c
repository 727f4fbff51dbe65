/* Filesystem syscalls Node does not expose: flock, statfs, mknod, mount,
 * umount, openat2(RESOLVE_IN_ROOT), lsetxattr, syncfs and sync_file_range. Each is a
 * thin wrapper, synchronous but for the last two (they wait for the disk: they run on
 * the thread pool and return a promise); what to call them on is decided in TypeScript. */
#include "napi-util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* flock(fd, op) -> true, or false when LOCK_NB was given and the lock is held. */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  ARGS(2);
  int64_t fd, op;
  if (berth_get_int64(env, argv[0], &fd, "fd") || berth_get_int64(env, argv[1], &op, "op")) return NULL;
  int r;
  do r = flock((int)fd, (int)op); while (r < 0 && errno == EINTR);
  napi_value out;
  if (r < 0) {
    if (errno == EWOULDBLOCK && (op & LOCK_NB)) {
      napi_get_boolean(env, false, &out);
      return out;
    }
    return berth_throw_errno(env, "flock", errno);
  }
  napi_get_boolean(env, true, &out);
  return out;
}

/* statfsType(path) -> f_type magic number */
static napi_value js_statfs_type(napi_env env, napi_callback_info info) {
  ARGS(1);
  char *path = berth_get_string(env, argv[0], "path");
  if (!path) return NULL;
  struct statfs st;
  int r = statfs(path, &st);
  int err = errno;
  free(path);
  if (r < 0) return berth_throw_errno(env, "statfs", err);
  return berth_int(env, (int64_t)(unsigned long)st.f_type);
}

/* mknod(path, mode, major, minor) */
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t mode, maj, min;
  if (berth_get_int64(env, argv[1], &mode, "mode") || berth_get_int64(env, argv[2], &maj, "major") ||
      berth_get_int64(env, argv[3], &min, "minor"))
    return NULL;
  char *path = berth_get_string(env, argv[0], "path");
  if (!path) return NULL;
  int r = mknod(path, (mode_t)mode, makedev((unsigned)maj, (unsigned)min));
  int err = errno;
  free(path);
  if (r < 0) return berth_throw_errno(env, "mknod", err);
  return NULL;
}

/* mount(source, target, fstype, flags, data) */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  ARGS(5);
  int64_t flags;
  if (berth_get_int64(env, argv[3], &flags, "flags")) return NULL;
  char *src = berth_get_string(env, argv[0], "source");
  char *tgt = src ? berth_get_string(env, argv[1], "target") : NULL;
  char *fst = tgt ? berth_get_string(env, argv[2], "fstype") : NULL;
  char *data = fst ? berth_get_string(env, argv[4], "data") : NULL;
  int r = -1, err = 0;
  if (data) {
    r = mount(src, tgt, fst[0] ? fst : NULL, (unsigned long)flags, data[0] ? data : NULL);
    err = errno;
  }
  free(src), free(tgt), free(fst), free(data);
  if (!data) return NULL;
  if (r < 0) return berth_throw_errno(env, "mount", err);
  return NULL;
}

/* umount(target, flags) */
static napi_value js_umount(napi_env env, napi_callback_info info) {
  ARGS(2);
  int64_t flags;
  if (berth_get_int64(env, argv[1], &flags, "flags")) return NULL;
  char *tgt = berth_get_string(env, argv[0], "target");
  if (!tgt) return NULL;
  int r = umount2(tgt, (int)flags);
  int err = errno;
  free(tgt);
  if (r < 0) return berth_throw_errno(env, "umount", err);
  return NULL;
}

/* openInRoot(root, path, flags, mode) -> fd. The path is resolved as if
 * root were "/": symlinks and ".." cannot leave it (openat2 RESOLVE_IN_ROOT),
 * and /proc magic links are refused. The fd is always O_CLOEXEC. */
static napi_value js_open_in_root(napi_env env, napi_callback_info info) {
  ARGS(4);
  int64_t flags, mode;
  if (berth_get_int64(env, argv[2], &flags, "flags") || berth_get_int64(env, argv[3], &mode, "mode")) return NULL;
  char *root = berth_get_string(env, argv[0], "root");
  char *path = root ? berth_get_string(env, argv[1], "path") : NULL;
  if (!path) {
    free(root);
    return NULL;
  }
  int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    int err = errno;
    free(root), free(path);
    return berth_throw_errno(env, "open root", err);
  }
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)flags | O_CLOEXEC;
  /* O_TMPFILE includes O_DIRECTORY's bit: test it whole, or O_DIRECTORY would pass a mode (EINVAL) */
  if ((how.flags & O_CREAT) || (how.flags & O_TMPFILE) == O_TMPFILE) how.mode = (uint64_t)mode;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  long fd;
  do fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how); while (fd < 0 && errno == EAGAIN);
  int err = errno;
  close(rootfd);
  free(root), free(path);
  if (fd < 0) return berth_throw_errno(env, "openat2", err);
  return berth_int(env, fd);
}

/* lgetxattr(path, name) -> Buffer, or null when the attribute is absent
 * (ENODATA) or the filesystem has none (ENOTSUP). Does not follow a final
 * symlink. Used to read overlayfs' trusted.overlay.opaque on an upper dir. */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  ARGS(2);
  char *path = berth_get_string(env, argv[0], "path");
  char *name = path ? berth_get_string(env, argv[1], "name") : NULL;
  if (!name) {
    free(path);
    return NULL;
  }
  char buf[65536]; /* XATTR_SIZE_MAX */
  ssize_t n = lgetxattr(path, name, buf, sizeof buf);
  int err = errno;
  free(path), free(name);
  napi_value out;
  if (n < 0) {
    if (err == ENODATA || err == ENOTSUP) {
      napi_get_null(env, &out);
      return out;
    }
    return berth_throw_errno(env, "lgetxattr", err);
  }
  NAPI_CALL(env, napi_create_buffer_copy(env, (size_t)n, buf, NULL, &out));
  return out;
}

/* lsetxattr(path, name, value): never follows a symlink at path (overlay's
 * trusted.overlay.opaque=y on unpacked layer directories). */
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  ARGS(3);
  char *path = berth_get_string(env, argv[0], "path");
  char *name = path ? berth_get_string(env, argv[1], "name") : NULL;
  char *value = name ? berth_get_string(env, argv[2], "value") : NULL;
  int r = -1, err = 0;
  if (value) {
    r = lsetxattr(path, name, value, strlen(value), 0);
    err = errno;
  }
  free(path), free(name), free(value);
  if (!value) return NULL;
  if (r < 0) return berth_throw_errno(env, "lsetxattr", err);
  return NULL;
}

/* syncfs and sync_file_range wait for the disk (the first) or may wait for a full
 * request queue (the second): both run on the thread pool and return a promise. */
enum fd_op { OP_SYNCFS, OP_WRITEBACK };

struct fd_work {
  napi_async_work work;
  napi_deferred deferred;
  enum fd_op op;
  int fd, err;
};

static void fd_work_execute(napi_env env, void *data) {
  struct fd_work *w = data;
  int r = w->op == OP_SYNCFS ? syncfs(w->fd) : sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  w->err = r < 0 ? errno : 0;
}

static void fd_work_complete(napi_env env, napi_status status, void *data) {
  struct fd_work *w = data;
  napi_value undef;
  napi_get_undefined(env, &undef);
  if (status != napi_ok) w->err = ECANCELED;
  if (w->err) napi_reject_deferred(env, w->deferred, berth_errno_error(env, w->op == OP_SYNCFS ? "syncfs" : "sync_file_range", w->err));
  else napi_resolve_deferred(env, w->deferred, undef);
  napi_delete_async_work(env, w->work);
  free(w);
}

static napi_value queue_fd_op(napi_env env, napi_callback_info info, enum fd_op op) {
  ARGS(1);
  int64_t fd;
  if (berth_get_int64(env, argv[0], &fd, "fd")) return NULL;
  struct fd_work *w = calloc(1, sizeof *w);
  if (!w) return berth_throw_errno(env, op == OP_SYNCFS ? "syncfs" : "sync_file_range", ENOMEM);
  w->fd = (int)fd;
  w->op = op;
  napi_value promise = berth_queue_promise_work(env, "berth:fd-op", fd_work_execute, fd_work_complete, w, &w->work, &w->deferred);
  if (!promise) free(w);
  return promise;
}

/* syncfs(fd) -> Promise<void>: the filesystem holding fd written out.
 * The caller keeps fd open until the promise settles. */
static napi_value js_syncfs(napi_env env, napi_callback_info info) {
  return queue_fd_op(env, info, OP_SYNCFS);
}

/* startWriteback(fd) -> Promise<void>: sync_file_range(SYNC_FILE_RANGE_WRITE) of the
 * whole file: its dirty pages start going to disk, nothing is waited for (no
 * durability: a later fsync or syncfs gives that, with less left to write). */
static napi_value js_start_writeback(napi_env env, napi_callback_info info) {
  return queue_fd_op(env, info, OP_WRITEBACK);
}

void berth_register_fsops(napi_env env, napi_value exports) {
  berth_export(env, exports, "flock", js_flock);
  berth_export(env, exports, "statfsType", js_statfs_type);
  berth_export(env, exports, "mknod", js_mknod);
  berth_export(env, exports, "mount", js_mount);
  berth_export(env, exports, "umount", js_umount);
  berth_export(env, exports, "openInRoot", js_open_in_root);
  berth_export(env, exports, "lgetxattr", js_lgetxattr);
  berth_export(env, exports, "lsetxattr", js_lsetxattr);
  berth_export(env, exports, "syncfs", js_syncfs);
  berth_export(env, exports, "startWriteback", js_start_writeback);
}
