/*
 * The first thing the clone child does: become the executor (executor.c) by execveat of the
 * sealed memfd that holds it. Runs in a copy of the multi-threaded parent (see child.c for
 * what that forbids): raw system calls and stack buffers only.
 *
 * Until now the child held every descriptor of the parent until its own execve, whatever the
 * plan did with them (Setns fds, the WaitStart fifo, Dup2 and CloseExcept naming them); most
 * are close-on-exec, which execveat would close. So every close-on-exec descriptor but the
 * executor's memfd is made inheritable here and its number passed on; the executor sets the
 * flag again, and the walk starts with exactly the descriptors and flags it had before.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "executor_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sync.h"

struct dirent64_raw {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[];
};

/* The list of fds whose close-on-exec flag was cleared: "3,5,17," (the executor's argv[4]). */
static char g_cloexec[16384];

static size_t put_num(char *buf, uint64_t v, unsigned base) {
  char digits[24];
  size_t nd = 0;
  do {
    digits[nd++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  for (size_t i = 0; i < nd; i++) buf[i] = digits[nd - 1 - i];
  return nd;
}

/* The error report child_core.c's fail() sends, for the one step before there is a walk. */
static __attribute__((noreturn)) void report(int sync_fd, int err, const char *what) {
  struct {
    struct sync_header h;
    char detail[64];
  } msg = {{SYNC_ERROR, -1, err, 0, 0}, {0}};
  uint32_t len = 0;
  while (what[len] && len < sizeof msg.detail) {
    msg.detail[len] = what[len];
    len++;
  }
  msg.h.len = len;
  long r;
  do {
    r = syscall(SYS_sendto, sync_fd, &msg, sizeof msg.h + len, MSG_NOSIGNAL, NULL, 0);
  } while (r < 0 && errno == EINTR);
  syscall(SYS_exit_group, 1);
  __builtin_unreachable();
}

/* Clears close-on-exec on every open fd but `keep_cloexec`, noting each in g_cloexec. */
static int carry_fds(int keep_cloexec) {
  int dir = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return errno;
  char buf[4096];
  size_t used = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n < 0) {
      int err = errno;
      close(dir);
      return err;
    }
    if (n == 0) break;
    for (long at = 0; at < n;) {
      struct dirent64_raw *d = (struct dirent64_raw *)(buf + at);
      at += d->reclen;
      if (d->name[0] < '0' || d->name[0] > '9') continue;
      int fd = 0;
      for (const char *c = d->name; *c; c++) fd = fd * 10 + (*c - '0');
      if (fd == dir || fd == keep_cloexec) continue;
      int flags = (int)syscall(SYS_fcntl, fd, F_GETFD);
      if (flags < 0 || !(flags & FD_CLOEXEC)) continue;
      if (used + 12 > sizeof g_cloexec) {
        close(dir);
        return E2BIG;
      }
      syscall(SYS_fcntl, fd, F_SETFD, flags & ~FD_CLOEXEC);
      used += put_num(g_cloexec + used, (uint64_t)fd, 10);
      g_cloexec[used++] = ',';
    }
  }
  g_cloexec[used] = 0;
  close(dir);
  return 0;
}

void berth_become_executor(int exe_fd, int plan_fd, int sync_fd, uintptr_t arena_base) {
  int err = carry_fds(exe_fd);
  if (err) report(sync_fd, err, "executor: carrying descriptors (/proc/self/fd)");
  char plan_arg[24], sync_arg[24], base_arg[24];
  plan_arg[put_num(plan_arg, (uint64_t)plan_fd, 10)] = 0;
  sync_arg[put_num(sync_arg, (uint64_t)sync_fd, 10)] = 0;
  base_arg[put_num(base_arg, (uint64_t)arena_base, 16)] = 0;
  char *argv[] = {"berth-executor", plan_arg, sync_arg, base_arg, g_cloexec, NULL};
  char *envp[] = {NULL};
  syscall(SYS_execveat, exe_fd, "", argv, envp, AT_EMPTY_PATH);
  report(sync_fd, errno, "execveat berth executor");
}
