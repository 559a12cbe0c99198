/*
 * Every write the child makes into procfs (sysctls, oom_score_adj, time namespace offsets, LSM
 * attributes) goes through here, never through a path: a config mount, the rootfs or a running
 * container can place a bind, a tmpfs or a symlink over /proc, /proc/sys/... or
 * /proc/self/attr/..., and a write by path would land in whatever is there (the CVE-2025-52881
 * and CVE-2019-16884 classes), possibly a host file or the host's /proc/sys/kernel/core_pattern.
 *
 * The handle is a procfs mount nobody else can see or cover: a new procfs instance
 * (fsopen/fsmount, a detached mount without submounts), or, where that is refused, a clone of
 * the /proc mount alone (open_tree without AT_RECURSIVE: none of its submounts come along).
 * It must be the root of a procfs (fstatfs magic, inode 1). "self" and "thread-self" are read
 * from that instance itself, and the file is opened beneath it with openat2 refusing symlinks
 * and mount crossings, then checked again to be a procfs file. The handle lives for one write,
 * so the child never holds a procfs of its own while it waits or after it drops privileges.
 * The addon calls procfs_write too (procfs_write.h), for the parent's writes into the child's
 * /proc/PID files (oom_score_adj of a child in a user namespace), so this file is linked into
 * both berth.node and the executor and uses nothing of the walk (the op is child_write_proc.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "procfs_write.h"

#include <linux/openat2.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_api.h"

static char g_proc_path[4096];

static int is_procfs(int fd) {
  struct statfs fs;
  return fstatfs(fd, &fs) == 0 && fs.f_type == BERTH_PROC_SUPER_MAGIC;
}

/* A procfs root only this process sees, or -1 with errno set. */
static int open_private_procfs(void) {
  int fsfd = (int)syscall(SYS_fsopen, "proc", BERTH_FSOPEN_CLOEXEC);
  if (fsfd >= 0) {
    int mnt = -1;
    if (syscall(SYS_fsconfig, fsfd, BERTH_FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
      mnt = (int)syscall(SYS_fsmount, fsfd, BERTH_FSMOUNT_CLOEXEC, 0);
    close(fsfd);
    if (mnt >= 0) return mnt;
  }
  /* A new instance can be refused (a user namespace without a fully visible /proc): clone
   * the /proc mount on its own instead; whatever is mounted on or below it stays behind. */
  int mnt = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc", BERTH_OPEN_TREE_CLONE | O_CLOEXEC);
  if (mnt < 0) return -1;
  struct stat st;
  if (!is_procfs(mnt) || fstat(mnt, &st) != 0 || st.st_ino != BERTH_PROC_ROOT_INO) {
    close(mnt);
    errno = EXDEV;
    return -1;
  }
  return mnt;
}

/* g_proc_path = `rel` with a leading "self" or "thread-self" replaced by what that instance's link says. */
static int resolve_self(int proc, const char *rel) {
  const char *slash = strchr(rel, '/');
  size_t head = slash ? (size_t)(slash - rel) : strlen(rel);
  size_t at = 0;
  if ((head == 4 && !memcmp(rel, "self", 4)) || (head == 11 && !memcmp(rel, "thread-self", 11))) {
    char link[16];
    memcpy(link, rel, head);
    link[head] = 0;
    long n = syscall(SYS_readlinkat, proc, link, g_proc_path, sizeof g_proc_path - 1);
    if (n <= 0) return n < 0 ? errno : ENOENT;
    at = (size_t)n;
    rel += head;
  }
  size_t len = strlen(rel);
  if (at + len >= sizeof g_proc_path) return ENAMETOOLONG;
  memcpy(g_proc_path + at, rel, len + 1);
  return 0;
}

int procfs_write(const char *rel, const char *content, int *no_procfs) {
  *no_procfs = 0;
  int proc = open_private_procfs();
  if (proc < 0) {
    *no_procfs = 1;
    return errno;
  }
  int err = resolve_self(proc, rel);
  if (err) {
    close(proc);
    return err;
  }
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  long fd;
  do {
    fd = syscall(SYS_openat2, proc, g_proc_path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  err = errno;
  close(proc);
  if (fd < 0) return err;
  if (!is_procfs((int)fd)) {
    close((int)fd);
    return EXDEV;
  }
  size_t len = strlen(content);
  long w = syscall(SYS_write, (int)fd, content, len);
  err = w < 0 ? errno : EIO;
  close((int)fd);
  return w == (long)len ? 0 : err;
}
