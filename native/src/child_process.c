/*
 * The clone child's process ops: signals, ids and groups, capabilities, rlimits, scheduling,
 * memory policy, seccomp, stdio, and finding and executing the program.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static gid_t g_groups[65536];

/* The kernel's struct sigaction (glibc's differs: a 1024-bit mask, a restorer it adds). */
struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  uint64_t mask;
};

/*
 * Node's and libuv's signal handlers were copied into the child. A handler running here
 * would write into libuv's signal pipe, which the child shares with the parent, and wake
 * the parent's event loop with a signal that was never its own. So before anything else,
 * every caught signal goes back to its default action; ignored ones stay ignored until the
 * plan's ResetSignals. spawn() blocked all signals around clone3, so none ran in between.
 */
void drop_inherited_handlers(uint64_t parent_mask) {
  struct kernel_sigaction dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; sig++) {
    struct kernel_sigaction old;
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof old.mask) < 0) continue;
    if (old.handler != SIG_DFL && old.handler != SIG_IGN) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  }
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &parent_mask, NULL, sizeof parent_mask);
}

void op_reset_signals(void) {
  uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
  struct kernel_sigaction dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    /* 32 and 33 belong to glibc's threads: EINVAL there is expected and harmless. */
    syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  }
}

/* Setres[ug]id with n1 = 1: an id the user namespace does not map (EINVAL) is not an error. */
int unmapped_ok(const struct plan_op *op) {
  return errno == EINVAL && op->n_count > 1 && op->n[1] == 1;
}

void op_setrlimit(int step, const struct plan_op *op) {
  struct rlimit rl;
  rl.rlim_cur = op->n[1] < 0 ? RLIM_INFINITY : (rlim_t)op->n[1];
  rl.rlim_max = op->n[2] < 0 ? RLIM_INFINITY : (rlim_t)op->n[2];
  if (syscall(SYS_prlimit64, 0, (int)op->n[0], &rl, NULL) < 0) fail(step, errno, NULL);
}

void op_capset(int step, const struct plan_op *op) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  data[0].effective = (uint32_t)op->n[0];
  data[1].effective = (uint32_t)op->n[1];
  data[0].permitted = (uint32_t)op->n[2];
  data[1].permitted = (uint32_t)op->n[3];
  data[0].inheritable = (uint32_t)op->n[4];
  data[1].inheritable = (uint32_t)op->n[5];
  if (syscall(SYS_capset, &hdr, data) < 0) fail(step, errno, NULL);
}

void op_setgroups(int step, const struct plan_op *op) {
  uint32_t count = op->n_count;
  if (count > sizeof g_groups / sizeof g_groups[0]) fail(step, EINVAL, "too many groups");
  for (uint32_t i = 0; i < count; i++) g_groups[i] = (gid_t)op->n[i];
  if (syscall(SYS_setgroups, count, g_groups) < 0) fail(step, errno, NULL);
}

/* struct sched_attr, spelled out: glibc 2.36 does not declare it. */
struct berth_sched_attr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

void op_sched_setattr(int step, const struct plan_op *op) {
  struct berth_sched_attr a;
  memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.sched_policy = (uint32_t)op->n[0];
  a.sched_nice = (int32_t)op->n[1];
  a.sched_priority = (uint32_t)op->n[2];
  a.sched_flags = (uint64_t)op->n[3];
  a.sched_runtime = (uint64_t)op->n[4];
  a.sched_deadline = (uint64_t)op->n[5];
  a.sched_period = (uint64_t)op->n[6];
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) fail(step, errno, NULL);
}

/* n0 = mode|flags; n1.. = the node mask as 32-bit halves, low half first. */
void op_set_mempolicy(int step, const struct plan_op *op) {
  static unsigned long mask[32]; /* 2048 nodes */
  uint32_t halves = op->n_count ? op->n_count - 1 : 0;
  if (halves > 2 * sizeof mask / sizeof mask[0]) fail(step, EINVAL, "node mask too large");
  memset(mask, 0, sizeof mask);
  for (uint32_t i = 0; i < halves; i++) mask[i / 2] |= (unsigned long)(uint32_t)op->n[1 + i] << (32 * (i % 2));
  /* The kernel reads maxnode - 1 bits. */
  unsigned long maxnode = halves ? (unsigned long)halves * 32 + 1 : 0;
  if (syscall(SYS_set_mempolicy, (int)op->n[0], halves ? mask : NULL, maxnode) < 0) fail(step, errno, NULL);
}

void op_seccomp(int step, const struct plan_op *op) {
  struct sock_fprog prog;
  prog.len = (unsigned short)(op->b_len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)op->b;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)op->n[0], &prog) < 0) fail(step, errno, NULL);
}

/* dup3 refuses equal fds; dup2's meaning (a no-op on an open fd) is what a plan expects. */
void op_dup2(int step, const struct plan_op *op) {
  int from = (int)op->n[0], to = (int)op->n[1];
  long rc = from == to ? syscall(SYS_fcntl, from, F_GETFD) : syscall(SYS_dup3, from, to, 0);
  if (rc < 0) fail(step, errno, NULL);
}

/* Node marks 0-2 close-on-exec at startup and libuv may leave them non-blocking: undo both
 * on the fds the process keeps, or its shell meets EBADF/EAGAIN on its own stdio. */
void prepare_stdio(int count) {
  for (int fd = 0; fd < count; fd++) {
    long fdflags = syscall(SYS_fcntl, fd, F_GETFD);
    if (fdflags < 0) continue; /* not open: fine */
    if (fdflags & FD_CLOEXEC) syscall(SYS_fcntl, fd, F_SETFD, fdflags & ~FD_CLOEXEC);
    long flflags = syscall(SYS_fcntl, fd, F_GETFL);
    if (flflags >= 0 && (flflags & O_NONBLOCK)) syscall(SYS_fcntl, fd, F_SETFL, flflags & ~O_NONBLOCK);
  }
}

/* The first candidate that is an executable regular file wins. Nothing there: ENOENT naming
 * the first candidate; something there but not executable: that error, naming it. */
/*
 * Opens `path` (relative to the root and cwd the process has now) without crossing a magic
 * link. Until execve the child still holds the runtime's descriptors (close-on-exec only), so
 * /proc/self/fd/N in process.cwd or args[0] would name a runtime file outside the container
 * (the CVE-2024-21626 class); such a path fails with ELOOP instead.
 */
static int open_no_magiclinks(const char *path, uint64_t flags) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  return (int)fd;
}

void op_resolve_exec(int step, const struct plan_op *op) {
  int err = ENOENT;
  const char *culprit = op->s_count ? op->s[0] : "";
  for (uint32_t i = 0; i < op->s_count; i++) {
    const char *path = op->s[i];
    struct stat st;
    int e = 0;
    int fd = open_no_magiclinks(path, O_PATH);
    if (fd < 0) e = errno;
    else if (fstat(fd, &st) < 0) e = errno;
    else if (!S_ISREG(st.st_mode)) e = EACCES;
    else if (syscall(SYS_faccessat, AT_FDCWD, path, X_OK, 0) < 0) e = errno;
    if (fd >= 0) close(fd);
    if (e == 0) {
      g_exec_path = path;
      return;
    }
    if (e != ENOENT && e != ENOTDIR && err == ENOENT) {
      err = e;
      culprit = path;
    }
  }
  fail(step, err, culprit);
}

/* A chdir the plan tried before the user switch and must try again after it (runc's order:
 * a directory only root can enter is entered as root; one only the user can enter, as the user). */
static int g_chdir_pending;

void op_chdir(int step, const struct plan_op *op) {
  const char *dir = op->s[0];
  if (op->n[0] == 2 && !g_chdir_pending) return;
  int fd = open_no_magiclinks(dir, O_PATH | O_DIRECTORY);
  int rc = fd < 0 ? -1 : (int)syscall(SYS_fchdir, fd);
  if (fd >= 0) {
    int err = errno;
    close(fd);
    errno = err;
  }
  if (rc == 0) {
    g_chdir_pending = 0;
    return;
  }
  if (op->n[0] == 1 && (errno == EACCES || errno == EPERM)) {
    g_chdir_pending = 1;
    return;
  }
  fail(step, errno, dir);
}

/* "HOME=" and a home directory: what Exec appends when the plan says so. */
static char g_home_env[4096 + 5] = "HOME=/";
static char g_passwd_line[4096];
static char g_passwd_chunk[4096];

/* One passwd line "name:password:uid:gid:gecos:home:shell": its home when its uid is `uid`. */
static int passwd_match(char *line, size_t len, uint64_t uid) {
  const char *field[7] = { 0 };
  size_t count = 0;
  field[count++] = line;
  for (size_t i = 0; i < len && count < 7; i++) {
    if (line[i] == ':') {
      line[i] = 0;
      field[count++] = line + i + 1;
    }
  }
  line[len] = 0;
  if (count < 6 || !field[2][0]) return 0;
  uint64_t v = 0;
  for (const char *c = field[2]; *c; c++) {
    if (*c < '0' || *c > '9' || v > 0xffffffffULL) return 0;
    v = v * 10 + (uint64_t)(*c - '0');
  }
  if (v != uid) return 0;
  size_t home_len = str_len(field[5]);
  memcpy(g_home_env + 5, field[5], home_len + 1); /* home_len < 4096: the line fit */
  return 1;
}

void op_passwd_home(int step, const struct plan_op *op) {
  const char *file = op->s[0];
  uint64_t uid = (uint64_t)op->n[0];
  /* O_NONBLOCK: a fifo planted at /etc/passwd must not hang the runtime. */
  int fd = (int)syscall(SYS_openat, AT_FDCWD, file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return; /* no passwd: HOME=/ */
    fail(step, errno, file);
  }
  struct stat st;
  if (fstat(fd, &st) < 0) fail(step, errno, file);
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return;
  }
  size_t len = 0;
  int too_long = 0;
  for (;;) {
    ssize_t got = read(fd, g_passwd_chunk, sizeof g_passwd_chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(step, errno, file);
    for (ssize_t i = 0; i <= got; i++) {
      int end_of_line = i == got ? got == 0 : g_passwd_chunk[i] == '\n';
      if (i == got && !end_of_line) break;
      if (!end_of_line) {
        if (len < sizeof g_passwd_line - 1) g_passwd_line[len++] = g_passwd_chunk[i];
        else too_long = 1;
        continue;
      }
      if (!too_long && passwd_match(g_passwd_line, len, uid)) {
        close(fd);
        return;
      }
      len = 0;
      too_long = 0;
    }
    if (got == 0) break;
  }
  close(fd);
}

__attribute__((noreturn)) void op_exec(int step, const struct plan_op *op) {
  const char *path = g_exec_path ? g_exec_path : op->s[0];
  if (op->n[2] == 1) {
    /* spawn.cc left a spare slot after the environment's terminating NULL. */
    char **envp = (char **)op->envp;
    envp[op->n[1]] = g_home_env;
    envp[op->n[1] + 1] = NULL;
  }
  syscall(SYS_execve, path, op->argv, op->envp);
  fail_status(step, errno, path, 127);
}
