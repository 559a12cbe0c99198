/*
 * Paths inside the root. Every path of the container's rootfs is resolved with
 * openat2(RESOLVE_IN_ROOT) against the root fd, so neither a symlink nor ".." in the rootfs
 * can ever lead a mount, mkdir or mknod out of it (the CVE-2021-30465 class).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <linux/openat2.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char g_path[4096];   /* scratch for make_in_root */
static char g_parent[4096]; /* scratch for split_parent */
char g_name[256];

int open_in_root(const char *path, uint64_t flags) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = syscall(SYS_openat2, g_root_fd, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  return (int)fd;
}

/* Splits `path` into g_parent (its directory, "/" at least) and g_name (its last component). */
static int split_parent(const char *path) {
  size_t len = str_len(path);
  if (len >= sizeof g_parent) return ENAMETOOLONG;
  memcpy(g_parent, path, len + 1);
  while (len > 1 && g_parent[len - 1] == '/') g_parent[--len] = 0;
  size_t slash = len;
  while (slash > 0 && g_parent[slash - 1] != '/') slash--;
  size_t name_len = len - slash;
  if (name_len == 0 || name_len >= sizeof g_name) return EINVAL;
  memcpy(g_name, g_parent + slash, name_len + 1);
  if (slash <= 1) {
    g_parent[0] = '/';
    g_parent[1] = 0;
  } else {
    g_parent[slash - 1] = 0;
  }
  return 0;
}

/*
 * mkdir -p of `path` inside the root. Each missing component is created with mkdirat (or,
 * for the last one when kind is MAKE_FILE, an exclusive O_CREAT) in a parent directory fd
 * that was itself resolved inside the root. Returns 0 or an errno.
 *
 * A component that is a symlink is followed, inside the root. A dangling one is not created
 * through (mkdirat reports EEXIST on the link, the next lookup fails): the op then fails
 * with ENOENT rather than guess.
 */
int make_in_root(const char *path, int kind, mode_t dir_mode) {
  size_t len = str_len(path);
  if (len >= sizeof g_path) return ENAMETOOLONG;
  memcpy(g_path, path, len + 1);
  size_t start = 0;
  for (;;) {
    while (start < len && g_path[start] == '/') start++;
    if (start >= len) return 0;
    size_t end = start;
    while (end < len && g_path[end] != '/') end++;
    int last = end >= len;

    /* g_path[0 .. end) is the prefix up to and including this component. */
    char saved = g_path[end];
    g_path[end] = 0;
    int fd = open_in_root(g_path, O_PATH);
    if (fd >= 0) {
      close(fd);
    } else if (errno != ENOENT) {
      return errno;
    } else {
      /* Missing: open its parent (g_path[0 .. start-1), or the root itself for the first
       * component) inside the root and create it there. */
      int parent;
      if (start <= 1) {
        parent = open_in_root("/", O_PATH | O_DIRECTORY);
      } else {
        g_path[start - 1] = 0; /* a '/': the parent prefix ends here */
        parent = open_in_root(g_path, O_PATH | O_DIRECTORY);
        g_path[start - 1] = '/';
      }
      if (parent < 0) return errno;
      const char *name = g_path + start;
      long rc;
      if (last && kind == MAKE_FILE) {
        rc = syscall(SYS_openat, parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
        if (rc >= 0) close((int)rc);
      } else {
        rc = syscall(SYS_mkdirat, parent, name, dir_mode);
      }
      int err = errno;
      close(parent);
      if (rc < 0 && err != EEXIST) return err;
    }
    g_path[end] = saved;
    start = end;
  }
}

/* Resolves `path` inside the root to an O_PATH fd; buf gets its /proc/self/fd/N name. */
int resolve_for_mount(const char *path, char *buf, int *fd_out) {
  int fd = open_in_root(path, O_PATH);
  if (fd < 0) return errno;
  fd_path(buf, fd);
  *fd_out = fd;
  return 0;
}

/* Opens the parent directory of `path` inside the root (creating it if missing); g_name is
 * the last component. Returns the fd or fails the op. */
int open_parent_in_root(int step, const char *path) {
  int err = split_parent(path);
  if (err) fail(step, err, path);
  if ((err = make_in_root(g_parent, MAKE_DIR, 0755)) != 0) fail(step, err, path);
  int parent = open_in_root(g_parent, O_PATH | O_DIRECTORY);
  if (parent < 0) fail(step, errno, path);
  return parent;
}
