/*
 * The clone child's mount ops: the root fd, mounts and mount attributes, idmapped binds,
 * device nodes and links, the switch of root (pivot_root, MS_MOVE, chroot), masked and
 * read-only paths. Destinations are always resolved inside the root (child_paths.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef ST_RELATIME
#define ST_RELATIME 4096
#endif

#include "mount_api.h"

void op_open_root(int step, const struct plan_op *op) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, op->s[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(step, errno, op->s[0]);
  if (g_root_fd >= 0) close(g_root_fd);
  g_root_fd = fd;
}

/* mount(2) onto the directory `dir` (an O_PATH fd) by making it the working directory for the
 * call; the old one is restored. Returns mount's result, errno set. */
static int mount_on_dir_fd(const char *source, int dir, const char *fstype, unsigned long flags, const char *data) {
  int here = (int)syscall(SYS_openat, AT_FDCWD, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (here < 0) return -1;
  int rc = -1, err = 0;
  if (fchdir(dir) == 0) {
    rc = mount(source, ".", fstype, flags, data);
    err = errno;
    if (fchdir(here) < 0 && rc == 0) { rc = -1; err = errno; }
  } else {
    err = errno;
  }
  close(here);
  errno = err;
  return rc;
}

void op_mount(int step, const struct plan_op *op) {
  const char *source = op->s[0][0] ? op->s[0] : NULL;
  const char *target = op->s[1];
  const char *fstype = op->s[2][0] ? op->s[2] : NULL;
  const char *data = op->s[3][0] ? op->s[3] : NULL;
  unsigned long flags = (unsigned long)op->n[0];
  int target_in_root = op->n[1] == 1;
  int create = (int)op->n[2];
  int source_in_root = op->n[3] == 1;
  static char target_buf[32], source_buf[32];
  int target_fd = -1, source_fd = -1, err;

  const char *mount_target = target;
  if (target_in_root) {
    if (create && (err = make_in_root(target, create, 0755)) != 0) fail(step, err, target);
    if ((err = resolve_for_mount(target, target_buf, &target_fd)) != 0) fail(step, err, target);
    /* n5 = 1 (proc, sysfs): the destination itself must be a directory, not a symlink in the
     * rootfs sending the mount elsewhere (the CVE-2023-28642 class): berth writes process
     * attributes under /proc later, and they must land in this procfs. */
    if (op->n_count > 5 && op->n[5] == 1) {
      int own = open_in_root(target, O_PATH | O_NOFOLLOW);
      struct stat st;
      if (own < 0 || fstat(own, &st) < 0) fail(step, errno, target);
      if (S_ISLNK(st.st_mode)) fail(step, ELOOP, target);
      if (!S_ISDIR(st.st_mode)) fail(step, ENOTDIR, target);
      close(own);
    }
    mount_target = target_buf;
  }
  if (source_in_root && source) {
    if ((err = resolve_for_mount(source, source_buf, &source_fd)) != 0) fail(step, err, source);
    source = source_buf;
  }
  int rc = mount(source, mount_target, fstype, flags, data);
  /* No procfs to name the target through: the mounts that follow the fork into a joined pid
   * namespace, after pivot_root, before the container's /proc exists (plan/build.ts). They
   * are directories (splitProcMounts): mount onto the target as the working directory. */
  if (rc < 0 && errno == ENOENT && target_fd >= 0 && syscall(SYS_faccessat, AT_FDCWD, "/proc/self/fd", F_OK) < 0)
    rc = mount_on_dir_fd(source, target_fd, fstype, flags, data);
  if (rc < 0) {
    int err = errno;
    /* A bind source the user namespace cannot reach: the plan lets the parent's privileged
     * helper bind it into this mount namespace instead (container/idmap-mounts.ts). */
    if (op->n[4] > 0 && (err == EACCES || err == EPERM)) {
      if (send_msg(SYNC_PRIVILEGED_BIND, step, err, op->n[4] - 1, NULL) < 0) die(1);
      wait_msg(SYNC_BIND_DONE);
    } else {
      fail(step, err, target);
    }
  }
  if (target_fd >= 0) close(target_fd);
  if (source_fd >= 0) close(source_fd);
}

void op_mount_setattr(int step, const struct plan_op *op) {
  const char *target = op->s[0];
  struct berth_mount_attr attr = { (uint64_t)op->n[0], (uint64_t)op->n[1], 0, 0 };
  int fd = open_in_root(target, O_PATH);
  if (fd < 0) fail(step, errno, target);
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (unsigned)op->n[2], &attr, sizeof attr) < 0) fail(step, errno, target);
  close(fd);
}

/* The tree is cloned, idmapped and attached all in this mount namespace: a detached tree may
 * only be attached in the namespace it was cloned in. */
void op_idmap_bind(int step, const struct plan_op *op) {
  const char *source = op->s[0], *target = op->s[1];
  static char target_buf[32];
  int target_fd = -1, err;
  unsigned tree_flags = BERTH_OPEN_TREE_CLONE | O_CLOEXEC | (op->n[1] == 1 ? BERTH_AT_RECURSIVE : 0);
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, tree_flags);
  if (tree < 0) fail(step, errno, source);
  if (op->n[0] >= 0) { /* n0 = -1: a plain bind of a source only the host's root can reach */
    struct berth_mount_attr attr = { BERTH_MOUNT_ATTR_IDMAP, 0, 0, (uint64_t)op->n[0] };
    unsigned at = AT_EMPTY_PATH | (op->n[2] == 1 ? BERTH_AT_RECURSIVE : 0);
    if (syscall(SYS_mount_setattr, tree, "", at, &attr, sizeof attr) < 0) fail(step, errno, source);
  }
  if (op->n[3] && (err = make_in_root(target, (int)op->n[3], 0755)) != 0) fail(step, err, target);
  if ((err = resolve_for_mount(target, target_buf, &target_fd)) != 0) fail(step, err, target);
  /* Onto the O_PATH fd itself: move_mount does not follow a /proc/self/fd magic link. */
  if (syscall(SYS_move_mount, tree, "", target_fd, "", BERTH_MOVE_MOUNT_F_EMPTY_PATH | BERTH_MOVE_MOUNT_T_EMPTY_PATH) < 0) fail(step, errno, target);
  close(target_fd);
  close(tree);
}

void op_mknod(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  int parent = open_parent_in_root(step, path);
  mode_t mode = (mode_t)op->n[0];
  dev_t dev = makedev((unsigned)op->n[1], (unsigned)op->n[2]);
  if (syscall(SYS_mknodat, parent, g_name, mode, dev) < 0) {
    if (errno != EEXIST) fail(step, errno, path);
    /* Something is there already (a file of the image). With n5 = 1 (a device the config
     * lists) it must be that very device; otherwise it is left as it is, as runc does. */
    struct stat st;
    if (op->n_count > 5 && op->n[5] == 1) {
      if (fstatat(parent, g_name, &st, AT_SYMLINK_NOFOLLOW) < 0) fail(step, errno, path);
      if ((st.st_mode & S_IFMT) != (mode & S_IFMT) || ((mode & S_IFMT) != S_IFIFO && st.st_rdev != dev)) fail(step, EEXIST, path);
    }
    close(parent);
    return;
  }
  if (syscall(SYS_fchownat, parent, g_name, (uid_t)op->n[3], (gid_t)op->n[4], AT_SYMLINK_NOFOLLOW) < 0) fail(step, errno, path);
  close(parent);
}

void op_symlink(int step, const struct plan_op *op) {
  const char *target = op->s[0], *link = op->s[1];
  int parent = open_parent_in_root(step, link);
  if (syscall(SYS_symlinkat, target, parent, g_name) < 0 && errno != EEXIST) fail(step, errno, link);
  close(parent);
}

void op_pivot_root(int step, const struct plan_op *op) {
  const char *root = op->s[0];
  int oldroot = (int)syscall(SYS_openat, AT_FDCWD, "/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0) fail(step, errno, "/");
  int newroot = (int)syscall(SYS_openat, AT_FDCWD, root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0) fail(step, errno, root);
  if (fchdir(newroot) < 0) fail(step, errno, root);
  /* pivot_root(".", ".") stacks the old root on top of the new one, at "."; no directory
   * for the old root is needed inside the rootfs. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail(step, errno, root);
  /* Step onto the old root itself: "." would otherwise still name the new root, and the
   * recursive slave below would then also strip every propagation the config asked for. */
  if (fchdir(oldroot) < 0) fail(step, errno, "old root");
  close(oldroot);
  /* Make sure detaching the old root cannot propagate back to the host's mounts. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail(step, errno, "old root");
  if (umount2(".", MNT_DETACH) < 0) fail(step, errno, "old root");
  if (chdir("/") < 0) fail(step, errno, "/");
  close(newroot);
}

/* Without a mount namespace of its own the container must not pivot the host's root away:
 * it only changes its own root directory. */
void op_chroot(int step, const struct plan_op *op) {
  const char *root = op->s[0];
  if (chdir(root) < 0) fail(step, errno, root);
  if (chroot(".") < 0) fail(step, errno, root);
  if (chdir("/") < 0) fail(step, errno, "/");
}

/* For --no-pivot (a ramdisk root cannot be pivoted): move the rootfs onto / and chroot. */
void op_move_root(int step, const struct plan_op *op) {
  const char *root = op->s[0];
  if (chdir(root) < 0) fail(step, errno, root);
  if (mount(root, "/", NULL, MS_MOVE, NULL) < 0) fail(step, errno, root);
  if (chroot(".") < 0) fail(step, errno, root);
  if (chdir("/") < 0) fail(step, errno, "/");
}

/*
 * A masked file gets the null device bound over it. The container's /dev/null is the
 * container's: a symlink to /proc/sys/kernel/core_pattern or a regular file there would be
 * bound instead, making a host file readable and writable at the masked path (the
 * CVE-2025-31133 class). So /dev/null is opened without following a symlink, must be the
 * character device 1:3, and that very descriptor is what gets bound (open_tree, move_mount:
 * nothing is looked up twice).
 */
static void mask_with_null(int step, const char *path) {
  int null_fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (null_fd < 0) fail(step, errno, "/dev/null");
  struct stat st;
  if (fstat(null_fd, &st) < 0) fail(step, errno, "/dev/null");
  if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) fail(step, ENODEV, "/dev/null (not the null device 1:3)");
  int tree = (int)syscall(SYS_open_tree, null_fd, "", BERTH_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0) fail(step, errno, "/dev/null");
  /* MOVE_MOUNT_T_SYMLINKS: the masked path is followed as mount(2) follows it. */
  if (syscall(SYS_move_mount, tree, "", AT_FDCWD, path, BERTH_MOVE_MOUNT_F_EMPTY_PATH | BERTH_MOVE_MOUNT_T_SYMLINKS) < 0) fail(step, errno, path);
  close(tree);
  close(null_fd);
}

void op_mask_path(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  struct stat st;
  if (stat(path, &st) < 0) {
    if (errno == ENOENT) return;
    fail(step, errno, path);
  }
  if (!S_ISDIR(st.st_mode)) {
    mask_with_null(step, path);
    return;
  }
  if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "ro") < 0) fail(step, errno, path);
}

void op_readonly_path(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return;
    fail(step, errno, path);
  }
  /* A bind remount must repeat the flags the kernel locked on the mount (nosuid, nodev,
   * noexec, the atime ones), or it fails with EPERM in a user namespace. */
  struct statfs sfs;
  unsigned long keep = 0;
  if (statfs(path, &sfs) == 0) {
    keep = (unsigned long)sfs.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME);
    if (sfs.f_flags & ST_RELATIME) keep |= MS_RELATIME;
  }
  if (mount(path, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | keep, NULL) < 0) fail(step, errno, path);
}

/* runc's msMoveRoot: a full proc or sysfs mount of the host left reachable in this mount
 * namespace would let a nested user namespace mount a fresh, unmasked one (the kernel only
 * refuses when every such mount is covered). Only used before MoveRoot (--no-pivot). */
void op_hide_mount(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  if (mount(NULL, path, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return; /* gone already, with a mount above it */
    fail(step, errno, path);
  }
  if (umount2(path, MNT_DETACH) == 0) return;
  if (errno != EINVAL && errno != EPERM) fail(step, errno, path);
  if (mount("tmpfs", path, "tmpfs", 0, NULL) < 0) fail(step, errno, path);
}

void op_mkdirs(int step, const struct plan_op *op) {
  int err = make_in_root(op->s[0], MAKE_DIR, (mode_t)op->n[0]);
  if (err) fail(step, err, op->s[0]);
}
