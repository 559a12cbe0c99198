/*
 * The only thing the vfork child does (spawn.cc): become the executor (executor.c) by
 * execveat of the sealed memfd that holds it. Runs on a private stack in the memory of the
 * multi-threaded parent, which it shares until execveat (CLONE_VM | CLONE_VFORK): raw system
 * calls and stack buffers only, and nothing written but its own stack and g_cloexec.
 *
 * The walk starts with every descriptor of the parent (Setns fds, the WaitStart fifo, Dup2
 * and CloseExcept naming them); most are close-on-exec, which execveat would close. So every
 * close-on-exec descriptor but the executor's memfd is made inheritable here and its number
 * passed on; the executor sets the flag again, and the walk starts with exactly the
 * descriptors and flags berth had.
 *
 * Capabilities: execve recomputes them from the uid (a root caller gets its bounding set back
 * even if it had dropped some effective ones). So the child raises its permitted capabilities
 * as ambient ones (which an execve of a plain file keeps) and passes its original sets on; the
 * executor drops the ambient set and puts the original sets back, and the container's child,
 * cloned from it, starts from exactly the caller's sets.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "executor_launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/capability.h>
#include <sys/prctl.h>
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

/* The list of fds whose close-on-exec flag was cleared: "3,5,17," (the executor's argv[4]).
 * Static, so in the parent's memory: only the one vfork child of a spawn writes it. */
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

/* Makes the permitted capabilities ambient; `orig` receives the sets as they were. */
static int carry_caps(struct __user_cap_data_struct orig[2]) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  if (syscall(SYS_capget, &hdr, orig) < 0) return errno;
  struct __user_cap_data_struct raised[2] = {orig[0], orig[1]};
  /* Inheritable may only grow within the bounding set: the caps outside it stay out. */
  for (int cap = 0; cap < 64; cap++) {
    long in_bounding = syscall(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding == 1 && (orig[cap / 32].permitted & (1U << (cap % 32)))) raised[cap / 32].inheritable |= 1U << (cap % 32);
  }
  if (syscall(SYS_capset, &hdr, raised) < 0) return errno;
  for (int cap = 0; cap < 64; cap++) {
    if (raised[cap / 32].inheritable & orig[cap / 32].permitted & (1U << (cap % 32)))
      syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
  }
  return 0;
}

void berth_become_executor(int exe_fd, int plan_fd, int sync_fd, int report_fd, uint64_t clone_flags, int cgroup_fd,
                           uintptr_t arena_base, const char *argv0) {
  int err = carry_fds(exe_fd);
  if (err) report(sync_fd, err, "executor: carrying descriptors (/proc/self/fd)");
  struct __user_cap_data_struct caps[2];
  err = carry_caps(caps);
  if (err) report(sync_fd, err, "executor: carrying capabilities");
  /* "effective,permitted,inheritable" as 64-bit hex masks. */
  char caps_arg[64];
  size_t at = 0;
  at += put_num(caps_arg + at, ((uint64_t)caps[1].effective << 32) | caps[0].effective, 16);
  caps_arg[at++] = ',';
  at += put_num(caps_arg + at, ((uint64_t)caps[1].permitted << 32) | caps[0].permitted, 16);
  caps_arg[at++] = ',';
  at += put_num(caps_arg + at, ((uint64_t)caps[1].inheritable << 32) | caps[0].inheritable, 16);
  caps_arg[at] = 0;
  char plan_arg[24], sync_arg[24], base_arg[24], report_arg[24], flags_arg[24], cgroup_arg[24] = {0};
  plan_arg[put_num(plan_arg, (uint64_t)plan_fd, 10)] = 0;
  sync_arg[put_num(sync_arg, (uint64_t)sync_fd, 10)] = 0;
  base_arg[put_num(base_arg, (uint64_t)arena_base, 16)] = 0;
  report_arg[put_num(report_arg, (uint64_t)report_fd, 10)] = 0;
  flags_arg[put_num(flags_arg, clone_flags, 16)] = 0;
  if (cgroup_fd >= 0) cgroup_arg[put_num(cgroup_arg, (uint64_t)cgroup_fd, 10)] = 0; /* "": none */
  char *argv[] = {(char *)argv0, plan_arg, sync_arg, base_arg, g_cloexec, caps_arg, report_arg, flags_arg, cgroup_arg, NULL};
  char *envp[] = {NULL};
  syscall(SYS_execveat, exe_fd, "", argv, envp, AT_EMPTY_PATH);
  report(sync_fd, errno, "execveat berth executor");
}
