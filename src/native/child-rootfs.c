/* The container's filesystem, built by its init inside the new mount
 * namespace before pivot_root. Runs after clone(): syscalls and stack
 * buffers only.
 *
 * Every target is a path chosen by the image's author as much as by the
 * engine (the image may plant symlinks at mount points: CVE-2021-30465,
 * CVE-2025-31133). So a target is never handed to mount(2) as a path:
 * it is resolved with openat2(RESOLVE_IN_ROOT), which treats the rootfs as
 * "/" for every symlink and "..", and the mount goes onto the resulting fd
 * through /proc/self/fd/N. A mount hides what it covers from an fd opened
 * earlier, so a target is resolved again after each mount that changes it. */
#include "child.h"
#include "safe-str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Mount flags that only a (bind) remount can apply. */
#define PER_MOUNT_FLAGS \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME)

static int open_in_root(int rootfd, const char *path, int flags) {
  struct open_how how = {
      .flags = (uint64_t)(flags | O_CLOEXEC),
      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  long fd;
  int tries = 0;
  /* EAGAIN: a concurrent rename raced the lookup; nothing else runs in this
   * mount namespace, so a few retries always suffice. */
  do fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN && ++tries < 100);
  return (int)fd;
}

static const char *fd_path(char *buf, size_t cap, int fd) {
  char num[16];
  s_join(buf, cap, "/proc/self/fd/", s_utoa(num, sizeof num, (uint64_t)fd));
  return buf;
}

/* Returns an O_PATH fd for target inside the root, creating what is
 * missing: a directory for each component and, for the last one, `last`
 * (a directory or an empty file). A dangling symlink met on the way is
 * followed inside the root and its target created there (as runc's
 * securejoin.MkdirAll does), so nothing is ever created outside the root. */
static int mkdir_all_in_root(int rootfd, const char *target, enum berth_mkdir last) {
  char a[PATH_MAX], b[PATH_MAX], link[PATH_MAX];
  char *cur = a, *next = b;
  if (s_len(target) >= PATH_MAX) return errno = ENAMETOOLONG, -1;
  s_join(cur, PATH_MAX, target, NULL);
  for (int hops = 0; hops < 40; hops++) {
    int fd = open_in_root(rootfd, cur, O_PATH);
    if (fd >= 0 || errno != ENOENT) return fd;
    size_t n = s_len(cur), i = 0;
    int rewritten = 0;
    while (i < n && !rewritten) {
      while (i < n && cur[i] == '/') i++;
      if (i >= n) break;
      size_t start = i;
      while (i < n && cur[i] != '/') i++;
      size_t k = i;
      while (k < n && cur[k] == '/') k++;
      int is_last = k == n;
      char save = cur[i];
      cur[i] = 0;
      int pfd = open_in_root(rootfd, cur, O_PATH);
      if (pfd >= 0) {
        close(pfd);
        cur[i] = save;
        continue;
      }
      if (errno != ENOENT) return -1;
      /* cur[0..start) exists (checked last round): create cur[start..i) in it */
      char c0 = cur[start];
      cur[start] = 0;
      int parent = open_in_root(rootfd, start ? cur : "/", O_PATH | O_DIRECTORY);
      cur[start] = c0;
      if (parent < 0) return -1;
      int r = (is_last && last == MKDIR_FILE) ? mknodat(parent, cur + start, S_IFREG | 0644, 0)
                                              : mkdirat(parent, cur + start, 0755);
      if (r < 0 && errno == EEXIST) {
        /* something is there, yet did not resolve: a dangling symlink */
        ssize_t ln = readlinkat(parent, cur + start, link, sizeof link - 1);
        int e = errno;
        close(parent);
        if (ln < 0) return errno = (e == EINVAL ? EEXIST : e), -1;
        link[ln] = 0;
        cur[i] = save;
        /* next = (link is absolute ? "" : cur[0..start)) + link + cur[i..] */
        next[0] = 0;
        if (link[0] != '/') {
          cur[start] = 0;
          s_cat(next, PATH_MAX, cur);
          cur[start] = c0;
        }
        s_cat(next, PATH_MAX, link);
        if (s_cat(next, PATH_MAX, cur + i) + 1 >= PATH_MAX) return errno = ENAMETOOLONG, -1;
        char *t = cur;
        cur = next, next = t;
        rewritten = 1;
        continue;
      }
      int e = errno;
      close(parent);
      if (r < 0) return errno = e, -1;
      cur[i] = save;
    }
  }
  return errno = ELOOP, -1;
}

/* Splits target into its parent directory and last component, both
 * pointing into buf (or at a literal "/"). */
static int split_parent(const char *target, char *buf, size_t cap, const char **parent, const char **name) {
  if (s_len(target) >= cap) return ENAMETOOLONG;
  s_join(buf, cap, target, NULL);
  size_t n = s_len(buf);
  while (n > 1 && buf[n - 1] == '/') buf[--n] = 0;
  size_t i = n;
  while (i > 0 && buf[i - 1] != '/') i--;
  *name = buf + i;
  if (!**name || s_eq(*name, ".") || s_eq(*name, "..")) return EINVAL;
  if (i <= 1) {
    *parent = "/";
  } else {
    buf[i - 1] = 0;
    *parent = buf;
  }
  return 0;
}

/* Opens target's parent inside the root (creating it) for mknod/symlink. */
static int open_parent(int rootfd, const char *target, char *buf, size_t cap, const char **name) {
  const char *parent;
  int e = split_parent(target, buf, cap, &parent, name);
  if (e) return errno = e, -1;
  return mkdir_all_in_root(rootfd, parent, MKDIR_DIR);
}

/* mount(2) onto the fd's path: the kernel mounts on exactly what fd is. */
static int mount_on_fd(const char *source, int fd, const char *fstype, unsigned long flags, const char *data) {
  char p[32];
  return mount(source, fd_path(p, sizeof p, fd), fstype, flags, data);
}

/* Applies flags to the mount now at target (which must be resolved anew:
 * an fd opened before the mount would name what it covers). */
static int remount_at(int rootfd, const char *target, unsigned long flags) {
  int fd = open_in_root(rootfd, target, O_PATH);
  if (fd < 0) return -1;
  int r = mount_on_fd(NULL, fd, NULL, flags | MS_REMOUNT, NULL);
  int e = errno;
  close(fd);
  return errno = e, r;
}

static int op_mount(int rootfd, const struct berth_op *op) {
  int fd = op->mkdir != MKDIR_NONE ? mkdir_all_in_root(rootfd, op->target, op->mkdir)
                                   : open_in_root(rootfd, op->target, O_PATH);
  if (fd < 0) return -1;
  int r = mount_on_fd(op->source, fd, op->fstype, op->flags, op->data);
  int e = errno;
  close(fd);
  if (r < 0) return errno = e, -1;
  /* A bind mount ignores rdonly/nosuid/...: they take a bind remount. */
  if ((op->flags & MS_BIND) && !(op->flags & MS_REMOUNT) && (op->flags & PER_MOUNT_FLAGS))
    return remount_at(rootfd, op->target, MS_BIND | (op->flags & PER_MOUNT_FLAGS));
  return 0;
}

static int op_remount(int rootfd, const struct berth_op *op) {
  unsigned long flags = op->flags & ~MS_REC;
  return remount_at(rootfd, op->target, flags);
}

/* A missing path needs no hiding. Directories get an empty read-only tmpfs,
 * anything else the host's /dev/null (never the image's: it may be a link). */
static int op_mask(int rootfd, const struct berth_op *op) {
  int fd = open_in_root(rootfd, op->target, O_PATH);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  struct stat st;
  int r = fstat(fd, &st);
  if (r == 0) {
    if (S_ISDIR(st.st_mode))
      r = mount_on_fd("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0");
    else
      r = mount_on_fd("/dev/null", fd, NULL, MS_BIND, NULL);
  }
  int e = errno;
  close(fd);
  return errno = e, r;
}

static int op_readonly(int rootfd, const struct berth_op *op) {
  int fd = open_in_root(rootfd, op->target, O_PATH);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  char p[32];
  fd_path(p, sizeof p, fd);
  int r = mount(p, p, NULL, MS_BIND | MS_REC, NULL);
  int e = errno;
  close(fd);
  if (r < 0) return errno = e, -1;
  return remount_at(rootfd, op->target, MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

static int op_mknod(int rootfd, const struct berth_op *op) {
  char buf[PATH_MAX];
  const char *name;
  int dir = open_parent(rootfd, op->target, buf, sizeof buf, &name);
  if (dir < 0) return -1;
  int r = mknodat(dir, name, op->mode, op->dev);
  if (r < 0 && errno == EEXIST) {
    /* A node made by an earlier start of the same container (outside the
     * /dev tmpfs, it stays in the container's layer): the same node is kept
     * and owned again; anything else at the path is an error. */
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & S_IFMT) == (op->mode & S_IFMT) &&
        st.st_rdev == op->dev && fchmodat(dir, name, op->mode & 07777, 0) == 0)
      r = 0;
    else
      errno = EEXIST;
  }
  if (r == 0) r = fchownat(dir, name, op->uid, op->gid, AT_SYMLINK_NOFOLLOW);
  int e = errno;
  close(dir);
  return errno = e, r;
}

static int op_symlink(int rootfd, const struct berth_op *op) {
  char buf[PATH_MAX];
  const char *name;
  int dir = open_parent(rootfd, op->target, buf, sizeof buf, &name);
  if (dir < 0) return -1;
  int r = symlinkat(op->link_to, dir, name);
  int e = errno;
  close(dir);
  if (r < 0 && e == EEXIST) return 0; /* the image's own link wins */
  return errno = e, r;
}

/* A directory the process needs (the working directory): created, with
 * its missing parents, inside the root; an existing one is left as it is. */
static int op_mkdir(int rootfd, const struct berth_op *op) {
  int fd = mkdir_all_in_root(rootfd, op->target, MKDIR_DIR);
  if (fd < 0) return -1;
  close(fd);
  return 0;
}

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* A kernel parameter of the container's own namespaces: written through its
 * fresh /proc (already mounted by an earlier op), resolved inside the root,
 * and only if the file really is on procfs: a bind mount or an image's file
 * at that path must not receive the value instead. Checked on an O_PATH fd
 * and only then opened for writing (an overlay file opened for writing would
 * be copied up already). One write, as sysctl(8). */
static int op_sysctl(int rootfd, const struct berth_op *op) {
  int pfd = open_in_root(rootfd, op->target, O_PATH);
  if (pfd < 0) return -1;
  struct statfs sf;
  int r = fstatfs(pfd, &sf), fd = -1;
  if (r == 0 && sf.f_type != PROC_SUPER_MAGIC) r = -1, errno = EXDEV;
  if (r == 0) {
    char p[32];
    fd = open(fd_path(p, sizeof p, pfd), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    r = fd < 0 ? -1 : 0;
  }
  if (r == 0) {
    size_t len = s_len(op->value);
    ssize_t n;
    do n = write(fd, op->value, len); while (n < 0 && errno == EINTR);
    if (n >= 0 && (size_t)n != len) n = -1, errno = EIO;
    r = n < 0 ? -1 : 0;
  }
  int e = errno;
  if (fd >= 0) close(fd);
  close(pfd);
  return errno = e, r;
}

static const char *const op_names[] = {
    [OP_MOUNT] = "mount ", [OP_REMOUNT] = "remount ", [OP_MASK] = "mask ",
    [OP_READONLY] = "readonly ", [OP_MKNOD] = "mknod ", [OP_SYMLINK] = "symlink ",
    [OP_MKDIR] = "mkdir ", [OP_SYSCTL] = "sysctl ",
};

static int run_op(int rootfd, const struct berth_op *op) {
  switch (op->kind) {
  case OP_MOUNT: return op_mount(rootfd, op);
  case OP_REMOUNT: return op_remount(rootfd, op);
  case OP_MASK: return op_mask(rootfd, op);
  case OP_READONLY: return op_readonly(rootfd, op);
  case OP_MKNOD: return op_mknod(rootfd, op);
  case OP_SYMLINK: return op_symlink(rootfd, op);
  case OP_MKDIR: return op_mkdir(rootfd, op);
  case OP_SYSCTL: return op_sysctl(rootfd, op);
  }
  return errno = EINVAL, -1;
}

int berth_bind_console(int rootfd, int slave) {
  /* /dev is the container's fresh tmpfs by now: the file is ours, never the image's */
  int fd = mkdir_all_in_root(rootfd, "/dev/console", MKDIR_FILE);
  if (fd < 0) return -1;
  char src[32];
  /* the slave itself, through its fd: no path to resolve */
  int r = mount_on_fd(fd_path(src, sizeof src, slave), fd, NULL, MS_BIND, NULL);
  int e = errno;
  close(fd);
  return errno = e, r;
}

int berth_setup_rootfs(const struct berth_spec *s, int *rootfd, char *step, size_t cap) {
  /* Nothing mounted from here on may propagate back to the host. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
    s_join(step, cap, "make / rprivate", NULL);
    return errno;
  }
  int r = s->rm_source ? mount(s->rm_source, s->rootfs, s->rm_fstype, s->rm_flags, s->rm_data)
                       : mount(s->rootfs, s->rootfs, NULL, MS_BIND | MS_REC, NULL);
  if (r < 0) {
    s_join(step, cap, "mount rootfs ", s->rootfs);
    return errno;
  }
  /* Opened after the mount: the fd names the mounted root, not what it covers. */
  int root = open(s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) {
    s_join(step, cap, "open rootfs ", s->rootfs);
    return errno;
  }
  for (size_t i = 0; i < s->nops; i++) {
    if (run_op(root, &s->ops[i]) < 0) {
      int e = errno;
      s_join(step, cap, op_names[s->ops[i].kind], s->ops[i].target);
      close(root);
      return e;
    }
  }
  *rootfd = root;
  return 0;
}
