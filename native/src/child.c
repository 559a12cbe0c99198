/*
 * The clone child: walks the launch plan with raw system calls and never returns into
 * JavaScript. It runs in a copy of a multi-threaded process, so it must not allocate, take
 * locks, use stdio or call glibc wrappers that talk to other threads (setuid and friends
 * broadcast to every thread; fork runs atfork handlers). Everything here is a direct syscall
 * or an async-signal-safe libc function. It decides nothing: the plan says what to do.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "plan.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif
#ifndef ST_RELATIME
#define ST_RELATIME 4096
#endif

/* ---- state kept across ops (static: the child never allocates) ---- */

static int g_sync_fd = -1;
static int g_root_fd = AT_FDCWD;
static const char *g_exec_path;
static unsigned char g_msg[sizeof(struct sync_header) + SYNC_MAX_PAYLOAD];
static const unsigned char *g_state = (const unsigned char *)"";
static uint32_t g_state_len;
static gid_t g_groups[65536];
static char g_path_a[4096];
static char g_path_b[4096];

/* ---- tiny helpers ---- */

static __attribute__((noreturn)) void die(int status) {
  syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Formats /proc/self/fd/<fd> into buf without printf. */
static const char *fd_path(char *buf, int fd) {
  static const char prefix[] = "/proc/self/fd/";
  char digits[16];
  int nd = 0;
  unsigned v = (unsigned)fd;
  do {
    digits[nd++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  size_t i = 0;
  for (; prefix[i]; i++) buf[i] = prefix[i];
  while (nd) buf[i++] = digits[--nd];
  buf[i] = 0;
  return buf;
}

static void send_msg(uint32_t type, int32_t step, int32_t err, int64_t value, const char *detail) {
  struct sync_header h = {type, step, err, 0, value};
  size_t len = detail ? str_len(detail) : 0;
  if (len > 1024) len = 1024;
  h.len = (uint32_t)len;
  memcpy(g_msg, &h, sizeof h);
  if (len) memcpy(g_msg + sizeof h, detail, len);
  syscall(SYS_sendto, g_sync_fd, g_msg, sizeof h + len, MSG_NOSIGNAL, NULL, 0);
}

/* Reports op `step` failed with `err` and exits. */
static __attribute__((noreturn)) void fail(int step, int err, const char *detail) {
  send_msg(SYNC_ERROR, step, err, 0, detail);
  die(1);
}

static void write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = syscall(SYS_write, fd, p, len);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    len -= (size_t)w;
  }
}

static pid_t raw_fork(void) {
  return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

/* openat2 inside the root fd: symlinks and ".." can never leave it. */
static int open_in_root(const char *path, uint64_t flags) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return (int)syscall(SYS_openat2, g_root_fd, path, &how, sizeof how);
}

/* Splits path into g_path_a (directory, "/" at least) and returns the last component. */
static const char *split_parent(const char *path) {
  size_t len = str_len(path);
  if (len >= sizeof g_path_a) len = sizeof g_path_a - 1;
  memcpy(g_path_a, path, len);
  g_path_a[len] = 0;
  while (len > 1 && g_path_a[len - 1] == '/') g_path_a[--len] = 0;
  size_t slash = len;
  while (slash > 0 && g_path_a[slash - 1] != '/') slash--;
  static char base[256];
  size_t blen = len - slash;
  if (blen >= sizeof base) blen = sizeof base - 1;
  memcpy(base, g_path_a + slash, blen);
  base[blen] = 0;
  if (slash <= 1) {
    g_path_a[0] = '/';
    g_path_a[1] = 0;
  } else {
    g_path_a[slash - 1] = 0;
  }
  return base;
}

/*
 * mkdir -p of `path` inside the root, each component created relative to a parent fd that was
 * itself resolved inside the root. kind: 1 = the last component is a directory, 2 = a file.
 * Returns 0 or an errno.
 */
static int make_in_root(const char *path, int kind, mode_t dir_mode) {
  size_t len = str_len(path);
  if (len >= sizeof g_path_b) return ENAMETOOLONG;
  memcpy(g_path_b, path, len + 1);
  size_t i = 0;
  while (i < len) {
    while (i < len && g_path_b[i] == '/') i++;
    if (i >= len) break;
    size_t end = i;
    while (end < len && g_path_b[end] != '/') end++;
    int last = end >= len;
    /* Does the prefix up to and including this component already exist? */
    char saved = g_path_b[end];
    g_path_b[end] = 0;
    int fd = open_in_root(g_path_b, O_PATH);
    if (fd >= 0) {
      close(fd);
    } else if (errno == ENOENT) {
      /* Create it in its parent, which exists and is resolved inside the root. */
      if (i > 0) g_path_b[i - 1] = 0; /* g_path_b now names the parent */
      int parent = open_in_root(i > 1 ? g_path_b : "/", O_PATH | O_DIRECTORY);
      if (i > 0) g_path_b[i - 1] = '/';
      if (parent < 0) return errno;
      const char *name = g_path_b + i;
      int rc;
      if (last && kind == 2) {
        rc = (int)syscall(SYS_openat, parent, name, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
        if (rc >= 0) close(rc);
      } else {
        rc = (int)syscall(SYS_mkdirat, parent, name, dir_mode);
      }
      int e = errno;
      close(parent);
      if (rc < 0 && e != EEXIST) return e;
    } else {
      return errno;
    }
    g_path_b[end] = saved;
    i = end;
  }
  return 0;
}

/* Resolves path inside the root to an O_PATH fd and writes its /proc/self/fd path into buf. */
static int resolve_for_mount(const char *path, char *buf, int *fd_out) {
  int fd = open_in_root(path, O_PATH);
  if (fd < 0) return errno;
  fd_path(buf, fd);
  *fd_out = fd;
  return 0;
}

/* ---- the ops that need more than one call ---- */

static void op_mount(int step, const struct plan_op *op) {
  const char *source = op->s[0][0] ? op->s[0] : NULL;
  const char *target = op->s[1];
  const char *fstype = op->s[2][0] ? op->s[2] : NULL;
  const char *data = op->s[3][0] ? op->s[3] : NULL;
  unsigned long flags = (unsigned long)op->n[0];
  int in_root = (int)op->n[1], create = (int)op->n[2], source_in_root = (int)op->n[3];
  static char tbuf[64], sbuf[64];
  int tfd = -1, sfd = -1, err;
  if (in_root) {
    if (create && (err = make_in_root(target, create, 0755)) != 0) fail(step, err, target);
    if ((err = resolve_for_mount(target, tbuf, &tfd)) != 0) fail(step, err, target);
  }
  if (source_in_root && source) {
    if ((err = resolve_for_mount(source, sbuf, &sfd)) != 0) fail(step, err, source);
    source = sbuf;
  }
  if (mount(source, in_root ? tbuf : target, fstype, flags, data) < 0) fail(step, errno, op->s[1]);
  if (tfd >= 0) close(tfd);
  if (sfd >= 0) close(sfd);
}

static void op_mknod(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  const char *name = split_parent(path);
  int parent = open_in_root(g_path_a, O_PATH | O_DIRECTORY);
  if (parent < 0) fail(step, errno, path);
  mode_t mode = (mode_t)op->n[0];
  dev_t dev = makedev((unsigned)op->n[1], (unsigned)op->n[2]);
  if (syscall(SYS_mknodat, parent, name, mode, dev) < 0) {
    if (errno != EEXIST) fail(step, errno, path);
    /* Something is there already (a file of the image): leave it, as runc does. */
    close(parent);
    return;
  }
  if (syscall(SYS_fchownat, parent, name, (uid_t)op->n[3], (gid_t)op->n[4], AT_SYMLINK_NOFOLLOW) < 0) fail(step, errno, path);
  close(parent);
}

static void op_symlink(int step, const struct plan_op *op) {
  const char *name = split_parent(op->s[1]);
  int parent = open_in_root(g_path_a, O_PATH | O_DIRECTORY);
  if (parent < 0) fail(step, errno, op->s[1]);
  if (syscall(SYS_symlinkat, op->s[0], parent, name) < 0 && errno != EEXIST) fail(step, errno, op->s[1]);
  close(parent);
}

static void op_pivot_root(int step, const struct plan_op *op) {
  int newroot = (int)syscall(SYS_open, op->s[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0) fail(step, errno, op->s[0]);
  if (fchdir(newroot) < 0) fail(step, errno, op->s[0]);
  /* pivot_root(".", ".") stacks the old root under the new one; then detach it. */
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail(step, errno, op->s[0]);
  /* Keep the unmount of the old root from propagating back to the host. */
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail(step, errno, "old root");
  if (umount2(".", MNT_DETACH) < 0) fail(step, errno, "old root");
  if (chdir("/") < 0) fail(step, errno, "/");
  close(newroot);
}

static void op_move_root(int step, const struct plan_op *op) {
  if (chdir(op->s[0]) < 0) fail(step, errno, op->s[0]);
  if (mount(op->s[0], "/", NULL, MS_MOVE, NULL) < 0) fail(step, errno, op->s[0]);
  if (chroot(".") < 0) fail(step, errno, op->s[0]);
  if (chdir("/") < 0) fail(step, errno, "/");
}

static void op_mask_path(int step, const struct plan_op *op) {
  struct stat st;
  const char *path = op->s[0];
  if (stat(path, &st) < 0) {
    if (errno == ENOENT) return;
    fail(step, errno, path);
  }
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL)
                               : mount("/dev/null", path, NULL, MS_BIND, NULL);
  if (rc < 0) fail(step, errno, path);
}

static void op_readonly_path(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT) return;
    fail(step, errno, path);
  }
  /* A remount must repeat the flags the kernel locked (nosuid, nodev, noexec, atime). */
  struct statfs sfs;
  unsigned long keep = 0;
  if (statfs(path, &sfs) == 0) {
    keep = (unsigned long)sfs.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME);
    if (sfs.f_flags & ST_RELATIME) keep |= MS_RELATIME;
  }
  if (mount(path, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | keep, NULL) < 0) fail(step, errno, path);
}

static void op_write_file(int step, const struct plan_op *op) {
  int fd = (int)syscall(SYS_open, op->s[0], O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(step, errno, op->s[0]);
  size_t len = str_len(op->s[1]);
  if (syscall(SYS_write, fd, op->s[1], len) != (long)len) fail(step, errno, op->s[0]);
  close(fd);
}

static void op_wait_sync(int step, const struct plan_op *op) {
  ssize_t r;
  do {
    r = syscall(SYS_recvfrom, g_sync_fd, g_msg, sizeof g_msg, 0, NULL, NULL);
  } while (r < 0 && errno == EINTR);
  if (r < (ssize_t)sizeof(struct sync_header)) die(1); /* parent gone */
  struct sync_header h;
  memcpy(&h, g_msg, sizeof h);
  if (h.type != (uint32_t)op->n[0]) die(1); /* Abort, or out of step */
  (void)step;
  g_state = g_msg + sizeof h;
  g_state_len = h.len;
}

static void op_setrlimit(int step, const struct plan_op *op) {
  struct rlimit rl;
  rl.rlim_cur = op->n[1] < 0 ? RLIM_INFINITY : (rlim_t)op->n[1];
  rl.rlim_max = op->n[2] < 0 ? RLIM_INFINITY : (rlim_t)op->n[2];
  if (syscall(SYS_prlimit64, 0, (int)op->n[0], &rl, NULL) < 0) fail(step, errno, NULL);
}

static void op_capset(int step, const struct plan_op *op) {
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

static void op_setgroups(int step, const struct plan_op *op) {
  uint32_t count = op->n_count;
  if (count > sizeof g_groups / sizeof g_groups[0]) fail(step, EINVAL, "too many groups");
  for (uint32_t i = 0; i < count; i++) g_groups[i] = (gid_t)op->n[i];
  if (syscall(SYS_setgroups, count, g_groups) < 0) fail(step, errno, NULL);
}

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

static void op_sched_setattr(int step, const struct plan_op *op) {
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

static void op_set_mempolicy(int step, const struct plan_op *op) {
  static unsigned long mask[32];
  uint32_t words = op->n_count - 1;
  if (words > 64) fail(step, EINVAL, "node mask too large");
  memset(mask, 0, sizeof mask);
  for (uint32_t i = 0; i < words; i++) mask[i / 2] |= (unsigned long)(uint32_t)op->n[1 + i] << (32 * (i % 2));
  unsigned long maxnode = words ? (unsigned long)words * 32 + 1 : 0;
  if (syscall(SYS_set_mempolicy, (int)op->n[0], words ? mask : NULL, maxnode) < 0) fail(step, errno, NULL);
}

static void op_seccomp(int step, const struct plan_op *op) {
  struct sock_fprog prog;
  prog.len = (unsigned short)(op->b_len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)op->b;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)op->n[0], &prog) < 0) fail(step, errno, NULL);
}

struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  uint64_t mask;
};

static void op_reset_signals(void) {
  uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
  struct kernel_sigaction dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask); /* EINVAL for glibc's 32/33: fine */
  }
}

static void op_prepare_stdio(int count) {
  for (int fd = 0; fd < count; fd++) {
    long fdflags = syscall(SYS_fcntl, fd, F_GETFD);
    if (fdflags < 0) continue; /* not open */
    syscall(SYS_fcntl, fd, F_SETFD, fdflags & ~FD_CLOEXEC);
    long flflags = syscall(SYS_fcntl, fd, F_GETFL);
    if (flflags >= 0 && (flflags & O_NONBLOCK)) syscall(SYS_fcntl, fd, F_SETFL, flflags & ~O_NONBLOCK);
  }
}

static void op_resolve_exec(int step, const struct plan_op *op) {
  int err = ENOENT;
  for (uint32_t i = 0; i < op->s_count; i++) {
    struct stat st;
    if (stat(op->s[i], &st) < 0) continue;
    if (!S_ISREG(st.st_mode)) {
      err = EACCES;
      continue;
    }
    if (syscall(SYS_faccessat, AT_FDCWD, op->s[i], X_OK) < 0) {
      err = errno;
      continue;
    }
    g_exec_path = op->s[i];
    return;
  }
  fail(step, err, op->s_count ? op->s[0] : "");
}

static void op_wait_start(int step, const struct plan_op *op) {
  int fd = (int)op->n[0];
  char byte;
  ssize_t r;
  do {
    r = syscall(SYS_read, fd, &byte, 1);
  } while (r < 0 && errno == EINTR);
  if (r != 1) fail(step, r < 0 ? errno : EPIPE, "exec fifo");
  /* Kept open (close-on-exec): `start` waits for execve to close it before poststart hooks. */
}

/* Forks the hook with the state on its stdin and waits for it, enforcing the timeout. */
static void op_run_hook(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  int timeout_s = (int)op->n[2];
  int pipefd[2];
  if (syscall(SYS_pipe2, pipefd, O_CLOEXEC) < 0) fail(step, errno, path);
  pid_t pid = raw_fork();
  if (pid < 0) fail(step, errno, path);
  if (pid == 0) {
    syscall(SYS_dup3, pipefd[0], 0, 0);
    op_prepare_stdio(3);
    syscall(SYS_execve, path, op->argv, op->envp);
    die(127);
  }
  close(pipefd[0]);
  write_all(pipefd[1], g_state, g_state_len);
  close(pipefd[1]);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0) {
    struct pollfd pfd = {pidfd, POLLIN, 0};
    int r;
    do {
      r = (int)syscall(SYS_poll, &pfd, 1, timeout_s > 0 ? timeout_s * 1000 : -1);
    } while (r < 0 && errno == EINTR);
    close(pidfd);
    if (r == 0) {
      syscall(SYS_kill, pid, SIGKILL);
      siginfo_t info;
      syscall(SYS_waitid, P_PID, pid, &info, WEXITED, NULL);
      fail(step, ETIMEDOUT, path);
    }
  }
  siginfo_t info;
  memset(&info, 0, sizeof info);
  while (syscall(SYS_waitid, P_PID, pid, &info, WEXITED, NULL) < 0) {
    if (errno != EINTR) fail(step, errno, path);
  }
  if (info.si_code != CLD_EXITED || info.si_status != 0) {
    /* ECHILD stands for "the hook failed"; the detail names it. */
    fail(step, info.si_code == CLD_EXITED && info.si_status == 127 ? ENOENT : ECHILD, path);
  }
}

static void op_fork_report(int step) {
  pid_t pid = raw_fork();
  if (pid < 0) fail(step, errno, NULL);
  if (pid > 0) {
    send_msg(SYNC_PID, step, 0, pid, NULL);
    die(0);
  }
}

static __attribute__((noreturn)) void op_exec(const struct plan_op *op) {
  const char *path = g_exec_path ? g_exec_path : op->s[0];
  syscall(SYS_execve, path, op->argv, op->envp);
  int err = errno;
  /* After `start` nobody listens on the sync socket: say it on the container's stderr too. */
  static const char msg[] = "berth: exec of the container process failed\n";
  write_all(2, msg, sizeof msg - 1);
  (void)err;
  die(127);
}

void berth_child_main(const struct plan *plan, int sync_fd) {
  g_sync_fd = sync_fd;
  /* Not dumpable until execve: no process in the container may open /proc/<us>/exe or mem. */
  syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
  for (uint32_t i = 0; i < plan->count; i++) {
    const struct plan_op *op = &plan->ops[i];
    const int64_t *n = op->n;
    const char *const *s = op->s;
    int step = (int)i;
    switch (op->code) {
      case OP_WAIT_SYNC: op_wait_sync(step, op); break;
      case OP_SEND_SYNC: send_msg((uint32_t)n[0], step, 0, 0, NULL); break;
      case OP_SETNS:
        if (syscall(SYS_setns, (int)n[0], (int)n[1]) < 0) fail(step, errno, NULL);
        close((int)n[0]);
        break;
      case OP_UNSHARE:
        if (syscall(SYS_unshare, (int)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_WRITE_FILE: op_write_file(step, op); break;
      case OP_FORK_REPORT: op_fork_report(step); break;
      case OP_OPEN_ROOT: {
        int fd = (int)syscall(SYS_open, s[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) fail(step, errno, s[0]);
        if (g_root_fd >= 0) close(g_root_fd);
        g_root_fd = fd;
        break;
      }
      case OP_MOUNT: op_mount(step, op); break;
      case OP_MKNOD: op_mknod(step, op); break;
      case OP_SYMLINK: op_symlink(step, op); break;
      case OP_PIVOT_ROOT: op_pivot_root(step, op); break;
      case OP_MOVE_ROOT: op_move_root(step, op); break;
      case OP_MASK_PATH: op_mask_path(step, op); break;
      case OP_READONLY_PATH: op_readonly_path(step, op); break;
      case OP_SETHOSTNAME:
        if (syscall(SYS_sethostname, s[0], str_len(s[0])) < 0) fail(step, errno, s[0]);
        break;
      case OP_SETDOMAINNAME:
        if (syscall(SYS_setdomainname, s[0], str_len(s[0])) < 0) fail(step, errno, s[0]);
        break;
      case OP_SETRLIMIT: op_setrlimit(step, op); break;
      case OP_PRCTL:
        if (syscall(SYS_prctl, (int)n[0], (unsigned long)n[1], (unsigned long)n[2], (unsigned long)n[3], (unsigned long)n[4]) < 0)
          fail(step, errno, NULL);
        break;
      case OP_CAPSET: op_capset(step, op); break;
      case OP_SETGROUPS: op_setgroups(step, op); break;
      case OP_SETRESGID:
        if (syscall(SYS_setresgid, (gid_t)n[0], (gid_t)n[0], (gid_t)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_SETRESUID:
        if (syscall(SYS_setresuid, (uid_t)n[0], (uid_t)n[0], (uid_t)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_UMASK: syscall(SYS_umask, (mode_t)n[0]); break;
      case OP_CHDIR:
        if (syscall(SYS_chdir, s[0]) < 0) fail(step, errno, s[0]);
        break;
      case OP_SCHED_SETATTR: op_sched_setattr(step, op); break;
      case OP_IOPRIO_SET:
        if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int)((n[0] << 13) | n[1])) < 0) fail(step, errno, NULL);
        break;
      case OP_PERSONALITY:
        if (syscall(SYS_personality, (unsigned long)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_SET_MEMPOLICY: op_set_mempolicy(step, op); break;
      case OP_JOIN_KEYRING:
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, s && s[0][0] ? s[0] : NULL) < 0 && errno != ENOSYS)
          fail(step, errno, NULL);
        break;
      case OP_SECCOMP: op_seccomp(step, op); break;
      case OP_RESET_SIGNALS: op_reset_signals(); break;
      case OP_CLOEXEC_FROM:
        if (syscall(SYS_close_range, (unsigned)n[0], ~0U, CLOSE_RANGE_CLOEXEC) < 0) fail(step, errno, NULL);
        break;
      case OP_PREPARE_STDIO: op_prepare_stdio((int)n[0]); break;
      case OP_RESOLVE_EXEC: op_resolve_exec(step, op); break;
      case OP_WAIT_START: op_wait_start(step, op); break;
      case OP_RUN_HOOK: op_run_hook(step, op); break;
      case OP_EXEC: op_exec(op);
      case OP_DUP2:
        if (syscall(SYS_dup3, (int)n[0], (int)n[1], 0) < 0) fail(step, errno, NULL);
        break;
      case OP_SETSID:
        if (syscall(SYS_setsid) < 0 && errno != EPERM) fail(step, errno, NULL);
        break;
      case OP_CLOSE: close((int)n[0]); break;
      case OP_MKDIRS: {
        int err = make_in_root(s[0], 1, (mode_t)n[0]);
        if (err) fail(step, err, s[0]);
        break;
      }
      default: fail(step, ENOSYS, "unknown op");
    }
  }
  die(0);
}
