/*
 * The clone child: walks the launch plan with raw system calls and never returns into
 * JavaScript.
 *
 * It runs in a copy of a multi-threaded process (Node's JS thread, libuv's threadpool, V8's
 * helpers), of which only the calling thread exists in the child. Any lock another thread
 * held at clone time stays held forever, so the child must not allocate, use stdio, throw,
 * or call glibc functions that lock or talk to other threads (setuid() and friends broadcast
 * to every thread; fork() runs atfork handlers). Everything here is either syscall(SYS_...)
 * or a glibc function that is a plain wrapper around one system call (mount, close, stat...).
 * All buffers are static.
 *
 * It decides nothing: the plan says what to do and in which order. On the first failing op
 * it sends SyncMsg.Error {step = op index, err = errno, payload = detail} and exits 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
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

#include "child_fds.h"
#include "sync.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif
#ifndef ST_RELATIME
#define ST_RELATIME 4096
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif
#define IOPRIO_WHO_PROCESS 1

/* ------------------------------------------------------------------------------------------
 * State kept across ops. Static: the child never allocates.
 * ---------------------------------------------------------------------------------------- */

static int g_sync_fd = -1;
/* The directory ops resolve "inside the root" against (OpenRoot); the cwd until then. */
static int g_root_fd = AT_FDCWD;
/* The program ResolveExec found; Exec falls back to argv[0] without it. */
static const char *g_exec_path;

/* Outgoing and incoming sync messages have separate buffers, so a send never clobbers the
 * state a WaitSync kept. */
static unsigned char g_out[sizeof(struct sync_header) + 1024];
static unsigned char g_in[sizeof(struct sync_header) + SYNC_MAX_PAYLOAD];
/* "The state buffer": the last payload a WaitSync received; a hook's stdin. */
static unsigned char g_state[SYNC_MAX_PAYLOAD];
static uint32_t g_state_len;

static gid_t g_groups[65536];
static char g_path[4096];   /* scratch for make_in_root */
static char g_parent[4096]; /* scratch for split_parent */
static char g_name[256];
static char g_detail[1024]; /* error details built by the d_* helpers */
static size_t g_detail_len;

/* ------------------------------------------------------------------------------------------
 * Tiny helpers: strings and numbers without libc's formatting.
 * ---------------------------------------------------------------------------------------- */

static __attribute__((noreturn)) void die(int status) {
  syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Writes the decimal form of v at buf (no terminator); returns the number of chars. */
static size_t fmt_u64(char *buf, uint64_t v) {
  char digits[24];
  size_t nd = 0;
  do {
    digits[nd++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < nd; i++) buf[i] = digits[nd - 1 - i];
  return nd;
}

/* Builds "/proc/self/fd/<fd>" in buf: how a mount reaches an fd resolved inside the root. */
static const char *fd_path(char *buf, int fd) {
  static const char prefix[] = "/proc/self/fd/";
  size_t i = 0;
  for (; prefix[i]; i++) buf[i] = prefix[i];
  i += fmt_u64(buf + i, (uint64_t)fd);
  buf[i] = 0;
  return buf;
}

/* The detail text of an error report, appended piece by piece (truncated, never overrun). */
static const char *d_start(void) {
  g_detail_len = 0;
  g_detail[0] = 0;
  return g_detail;
}

static const char *d_str(const char *s) {
  while (s && *s && g_detail_len < sizeof g_detail - 1) g_detail[g_detail_len++] = *s++;
  g_detail[g_detail_len] = 0;
  return g_detail;
}

static const char *d_num(int64_t v) {
  char buf[24];
  size_t n = 0;
  if (v < 0) {
    buf[n++] = '-';
    v = -v;
  }
  n += fmt_u64(buf + n, (uint64_t)v);
  buf[n] = 0;
  return d_str(buf);
}

static void write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = syscall(SYS_write, fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    len -= (size_t)w;
  }
}

/* ------------------------------------------------------------------------------------------
 * Talking to the parent.
 * ---------------------------------------------------------------------------------------- */

/* Sends one message; returns 0 or -1 (errno set) when nobody listens any more. */
static int send_msg(uint32_t type, int32_t step, int32_t err, int64_t value, const char *detail) {
  struct sync_header h = {type, step, err, 0, value};
  size_t len = detail ? str_len(detail) : 0;
  if (len > sizeof g_out - sizeof h) len = sizeof g_out - sizeof h;
  h.len = (uint32_t)len;
  memcpy(g_out, &h, sizeof h);
  if (len) memcpy(g_out + sizeof h, detail, len);
  long r;
  do {
    r = syscall(SYS_sendto, g_sync_fd, g_out, sizeof h + len, MSG_NOSIGNAL, NULL, 0);
  } while (r < 0 && errno == EINTR);
  return r < 0 ? -1 : 0;
}

/* The exec fifo once `start` released the process (op_wait_start), else -1. */
static int g_start_fifo = -1;

static size_t append(char *buf, size_t at, size_t cap, const char *s) {
  for (; *s && at < cap; s++) buf[at++] = *s;
  return at;
}

/*
 * Reports that op `step` failed with `err` and exits with `status`. When the parent no longer
 * listens (after `create` returned, e.g. a startContainer hook or execve failing at `start`),
 * the report goes to the process's stderr instead, so it is not lost, and, after `start`
 * released the process, into the exec fifo behind an "E": `start` reads it there once the
 * process let go of the fifo, and fails with it (runtime.md: the hook's failure is an error).
 */
static __attribute__((noreturn)) void fail_status(int step, int err, const char *detail, int status) {
  if (send_msg(SYNC_ERROR, step, err, 0, detail) < 0) {
    static char line[1024];
    char num[24];
    const char *name = strerrorname_np(err); /* a table lookup: no locks, no allocation */
    size_t n = 0, cap = sizeof line - 1;
    n = append(line, n, cap, "Econtainer setup step ");
    num[fmt_u64(num, (uint64_t)step)] = 0;
    n = append(line, n, cap, num);
    n = append(line, n, cap, " failed: ");
    if (detail && *detail) {
      n = append(line, n, cap, detail);
      n = append(line, n, cap, ": ");
    }
    n = append(line, n, cap, name ? name : "error");
    line[n++] = '\n';
    write_all(2, "berth: ", 7);
    write_all(2, line + 1, n - 1);
    if (g_start_fifo >= 0) write_all(g_start_fifo, line, n);
  }
  die(status);
}

static __attribute__((noreturn)) void fail(int step, int err, const char *detail) {
  fail_status(step, err, detail, 1);
}

/* ------------------------------------------------------------------------------------------
 * Paths inside the root. Every path of the container's rootfs is resolved with
 * openat2(RESOLVE_IN_ROOT) against the root fd, so neither a symlink nor ".." in the rootfs
 * can ever lead a mount, mkdir or mknod out of it (the CVE-2021-30465 class).
 * ---------------------------------------------------------------------------------------- */

static int open_in_root(const char *path, uint64_t flags) {
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

enum make_kind { MAKE_DIR = 1, MAKE_FILE = 2 };

/*
 * mkdir -p of `path` inside the root. Each missing component is created with mkdirat (or,
 * for the last one when kind is MAKE_FILE, an exclusive O_CREAT) in a parent directory fd
 * that was itself resolved inside the root. Returns 0 or an errno.
 *
 * A component that is a symlink is followed, inside the root. A dangling one is not created
 * through (mkdirat reports EEXIST on the link, the next lookup fails): the op then fails
 * with ENOENT rather than guess.
 */
static int make_in_root(const char *path, int kind, mode_t dir_mode) {
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
static int resolve_for_mount(const char *path, char *buf, int *fd_out) {
  int fd = open_in_root(path, O_PATH);
  if (fd < 0) return errno;
  fd_path(buf, fd);
  *fd_out = fd;
  return 0;
}

/* Opens the parent directory of `path` inside the root (creating it if missing); g_name is
 * the last component. Returns the fd or fails the op. */
static int open_parent_in_root(int step, const char *path) {
  int err = split_parent(path);
  if (err) fail(step, err, path);
  if ((err = make_in_root(g_parent, MAKE_DIR, 0755)) != 0) fail(step, err, path);
  int parent = open_in_root(g_parent, O_PATH | O_DIRECTORY);
  if (parent < 0) fail(step, errno, path);
  return parent;
}

/* ------------------------------------------------------------------------------------------
 * Signals.
 * ---------------------------------------------------------------------------------------- */

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
static void drop_inherited_handlers(uint64_t parent_mask) {
  struct kernel_sigaction dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; sig++) {
    struct kernel_sigaction old;
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof old.mask) < 0) continue;
    if (old.handler != SIG_DFL && old.handler != SIG_IGN) syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  }
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &parent_mask, NULL, sizeof parent_mask);
}

static void op_reset_signals(void) {
  uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
  struct kernel_sigaction dfl = {SIG_DFL, 0, NULL, 0};
  for (int sig = 1; sig <= 64; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    /* 32 and 33 belong to glibc's threads: EINVAL there is expected and harmless. */
    syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
  }
}

/* ------------------------------------------------------------------------------------------
 * The ops that need more than one call. Simple ones are inline in berth_child_main.
 * ---------------------------------------------------------------------------------------- */

/* Waits for message type n0 from the parent. Abort, anything else, or EOF: exit quietly. */
static void op_wait_sync(const struct plan_op *op) {
  long r;
  do {
    r = syscall(SYS_recvfrom, g_sync_fd, g_in, sizeof g_in, 0, NULL, NULL);
  } while (r < 0 && errno == EINTR);
  if (r < (long)sizeof(struct sync_header)) die(1); /* the parent is gone */
  struct sync_header h;
  memcpy(&h, g_in, sizeof h);
  if (h.type != (uint32_t)op->n[0]) die(1); /* Abort, or out of step */
  uint32_t len = h.len;
  if (len > (uint32_t)r - sizeof h) len = (uint32_t)r - sizeof h;
  if (len) {
    /* A payload replaces the state; a bare message (Go) leaves it as it was. */
    memcpy(g_state, g_in + sizeof h, len);
    g_state_len = len;
  }
}

static void op_write_file(int step, const struct plan_op *op) {
  const char *path = op->s[0], *content = op->s[1];
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(step, errno, path);
  size_t len = str_len(content);
  long w = syscall(SYS_write, fd, content, len);
  if (w != (long)len) fail(step, w < 0 ? errno : EIO, path);
  close(fd);
}

/* fork(); the parent half reports the new pid and exits, the child half goes on. */
static void op_fork_report(int step) {
  /* The new process waits on this pipe until Pid is sent: it must never speak on the shared
   * sync socket first, or the parent would see its messages before learning its pid. */
  int gate[2];
  if (syscall(SYS_pipe2, gate, O_CLOEXEC) < 0) fail(step, errno, NULL);
  /* A raw clone, not glibc's fork(): no atfork handlers, no locks. */
  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) fail(step, errno, NULL);
  if (pid > 0) {
    send_msg(SYNC_PID, step, 0, pid, NULL);
    die(0); /* closes gate[1]: the new process reads EOF and goes on */
  }
  close(gate[1]);
  char byte;
  long r;
  do {
    r = syscall(SYS_read, gate[0], &byte, 1);
  } while (r < 0 && errno == EINTR);
  close(gate[0]);
}

static void op_open_root(int step, const struct plan_op *op) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, op->s[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail(step, errno, op->s[0]);
  if (g_root_fd >= 0) close(g_root_fd);
  g_root_fd = fd;
}

static void op_mount(int step, const struct plan_op *op) {
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
    mount_target = target_buf;
  }
  if (source_in_root && source) {
    if ((err = resolve_for_mount(source, source_buf, &source_fd)) != 0) fail(step, err, source);
    source = source_buf;
  }
  if (mount(source, mount_target, fstype, flags, data) < 0) fail(step, errno, target);
  if (target_fd >= 0) close(target_fd);
  if (source_fd >= 0) close(source_fd);
}

/* The kernel's struct mount_attr (linux/mount.h), spelled out: glibc 2.36 lacks it. */
struct berth_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Setres[ug]id with n1 = 1: an id the user namespace does not map (EINVAL) is not an error. */
static int unmapped_ok(const struct plan_op *op) {
  return errno == EINVAL && op->n_count > 1 && op->n[1] == 1;
}

/* linux/mount.h values, spelled out: glibc 2.36's <sys/mount.h> clashes with that header. */
#define BERTH_OPEN_TREE_CLONE 1
#define BERTH_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define BERTH_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define BERTH_MOUNT_ATTR_IDMAP 0x00100000
#define BERTH_AT_RECURSIVE 0x8000


static void op_mount_setattr(int step, const struct plan_op *op) {
  const char *target = op->s[0];
  struct berth_mount_attr attr = { (uint64_t)op->n[0], (uint64_t)op->n[1], 0, 0 };
  int fd = open_in_root(target, O_PATH);
  if (fd < 0) fail(step, errno, target);
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (unsigned)op->n[2], &attr, sizeof attr) < 0) fail(step, errno, target);
  close(fd);
}

/* The tree is cloned, idmapped and attached all in this mount namespace: a detached tree may
 * only be attached in the namespace it was cloned in. */
static void op_idmap_bind(int step, const struct plan_op *op) {
  const char *source = op->s[0], *target = op->s[1];
  static char target_buf[32];
  int target_fd = -1, err;
  unsigned tree_flags = BERTH_OPEN_TREE_CLONE | O_CLOEXEC | (op->n[1] == 1 ? BERTH_AT_RECURSIVE : 0);
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, tree_flags);
  if (tree < 0) fail(step, errno, source);
  struct berth_mount_attr attr = { BERTH_MOUNT_ATTR_IDMAP, 0, 0, (uint64_t)op->n[0] };
  unsigned at = AT_EMPTY_PATH | (op->n[2] == 1 ? BERTH_AT_RECURSIVE : 0);
  if (syscall(SYS_mount_setattr, tree, "", at, &attr, sizeof attr) < 0) fail(step, errno, source);
  if (op->n[3] && (err = make_in_root(target, (int)op->n[3], 0755)) != 0) fail(step, err, target);
  if ((err = resolve_for_mount(target, target_buf, &target_fd)) != 0) fail(step, err, target);
  /* Onto the O_PATH fd itself: move_mount does not follow a /proc/self/fd magic link. */
  if (syscall(SYS_move_mount, tree, "", target_fd, "", BERTH_MOVE_MOUNT_F_EMPTY_PATH | BERTH_MOVE_MOUNT_T_EMPTY_PATH) < 0) fail(step, errno, target);
  close(target_fd);
  close(tree);
}

static void op_mknod(int step, const struct plan_op *op) {
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

static void op_symlink(int step, const struct plan_op *op) {
  const char *target = op->s[0], *link = op->s[1];
  int parent = open_parent_in_root(step, link);
  if (syscall(SYS_symlinkat, target, parent, g_name) < 0 && errno != EEXIST) fail(step, errno, link);
  close(parent);
}

static void op_pivot_root(int step, const struct plan_op *op) {
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
static void op_chroot(int step, const struct plan_op *op) {
  const char *root = op->s[0];
  if (chdir(root) < 0) fail(step, errno, root);
  if (chroot(".") < 0) fail(step, errno, root);
  if (chdir("/") < 0) fail(step, errno, "/");
}

/* For --no-pivot (a ramdisk root cannot be pivoted): move the rootfs onto / and chroot. */
static void op_move_root(int step, const struct plan_op *op) {
  const char *root = op->s[0];
  if (chdir(root) < 0) fail(step, errno, root);
  if (mount(root, "/", NULL, MS_MOVE, NULL) < 0) fail(step, errno, root);
  if (chroot(".") < 0) fail(step, errno, root);
  if (chdir("/") < 0) fail(step, errno, "/");
}

static void op_mask_path(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  struct stat st;
  if (stat(path, &st) < 0) {
    if (errno == ENOENT) return;
    fail(step, errno, path);
  }
  int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "ro")
                               : mount("/dev/null", path, NULL, MS_BIND, NULL);
  if (rc < 0) fail(step, errno, path);
}

static void op_readonly_path(int step, const struct plan_op *op) {
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

/* n0 = mode|flags; n1.. = the node mask as 32-bit halves, low half first. */
static void op_set_mempolicy(int step, const struct plan_op *op) {
  static unsigned long mask[32]; /* 2048 nodes */
  uint32_t halves = op->n_count ? op->n_count - 1 : 0;
  if (halves > 2 * sizeof mask / sizeof mask[0]) fail(step, EINVAL, "node mask too large");
  memset(mask, 0, sizeof mask);
  for (uint32_t i = 0; i < halves; i++) mask[i / 2] |= (unsigned long)(uint32_t)op->n[1 + i] << (32 * (i % 2));
  /* The kernel reads maxnode - 1 bits. */
  unsigned long maxnode = halves ? (unsigned long)halves * 32 + 1 : 0;
  if (syscall(SYS_set_mempolicy, (int)op->n[0], halves ? mask : NULL, maxnode) < 0) fail(step, errno, NULL);
}

static void op_seccomp(int step, const struct plan_op *op) {
  struct sock_fprog prog;
  prog.len = (unsigned short)(op->b_len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)op->b;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)op->n[0], &prog) < 0) fail(step, errno, NULL);
}

/* dup3 refuses equal fds; dup2's meaning (a no-op on an open fd) is what a plan expects. */
static void op_dup2(int step, const struct plan_op *op) {
  int from = (int)op->n[0], to = (int)op->n[1];
  long rc = from == to ? syscall(SYS_fcntl, from, F_GETFD) : syscall(SYS_dup3, from, to, 0);
  if (rc < 0) fail(step, errno, NULL);
}

/* Node marks 0-2 close-on-exec at startup and libuv may leave them non-blocking: undo both
 * on the fds the process keeps, or its shell meets EBADF/EAGAIN on its own stdio. */
static void prepare_stdio(int count) {
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
static void op_resolve_exec(int step, const struct plan_op *op) {
  int err = ENOENT;
  const char *culprit = op->s_count ? op->s[0] : "";
  for (uint32_t i = 0; i < op->s_count; i++) {
    const char *path = op->s[i];
    struct stat st;
    int e = 0;
    if (stat(path, &st) < 0) e = errno;
    else if (!S_ISREG(st.st_mode)) e = EACCES;
    else if (syscall(SYS_faccessat, AT_FDCWD, path, X_OK, 0) < 0) e = errno;
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

/* Blocks until `start` writes a byte into the exec fifo (opened O_RDWR by the parent). */
static void op_wait_start(int step, const struct plan_op *op) {
  int fd = (int)op->n[0];
  char byte;
  long r;
  do {
    r = syscall(SYS_read, fd, &byte, 1);
  } while (r < 0 && errno == EINTR);
  if (r != 1) fail(step, r < 0 ? errno : EPIPE, "exec fifo");
  /* The fd stays open (close-on-exec): `start` waits for execve to close it, and a failure
   * from here on is reported through it (fail_status). */
  g_start_fifo = fd;
}

/*
 * Runs a hook and waits for it: s = [path, argv..., env...] (argv/envp prebuilt by spawn),
 * n2 = timeout in seconds (0 = none). The hook's stdin is the state buffer, in a memfd: a
 * pipe could block (a hook that does not read a large state) or raise SIGPIPE (a hook that
 * exits before we write) — and signals are at their defaults by now.
 */
static void op_run_hook(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  int timeout_s = (int)op->n[2];

  int in = (int)syscall(SYS_memfd_create, "berth-hook-state", MFD_CLOEXEC);
  if (in < 0) fail(step, errno, path);
  write_all(in, g_state, g_state_len);
  syscall(SYS_lseek, in, 0, SEEK_SET);

  /* A close-on-exec pipe carries execve's errno back; EOF means the exec happened. */
  int errpipe[2];
  if (syscall(SYS_pipe2, errpipe, O_CLOEXEC) < 0) fail(step, errno, path);

  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) fail(step, errno, path);
  if (pid == 0) {
    syscall(SYS_dup3, in, 0, 0);
    prepare_stdio(3);
    syscall(SYS_execve, path, op->argv, op->envp);
    int e = errno;
    write_all(errpipe[1], &e, sizeof e);
    die(127);
  }
  close(in);
  close(errpipe[1]);
  int exec_err = 0;
  long r;
  do {
    r = syscall(SYS_read, errpipe[0], &exec_err, sizeof exec_err);
  } while (r < 0 && errno == EINTR);
  close(errpipe[0]);

  siginfo_t info;
  memset(&info, 0, sizeof info);
  if (r == (long)sizeof exec_err) {
    while (syscall(SYS_waitid, P_PID, pid, &info, WEXITED, NULL) < 0 && errno == EINTR) {
    }
    d_start();
    d_str("hook ");
    fail(step, exec_err, d_str(path));
  }

  /* Wait for it, at most timeout_s seconds: poll a pidfd, which turns readable on exit. */
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0 && timeout_s > 0) {
    struct pollfd pfd = {pidfd, POLLIN, 0};
    int n;
    do {
      n = (int)syscall(SYS_poll, &pfd, 1, timeout_s * 1000);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      syscall(SYS_kill, pid, SIGKILL); /* not yet reaped, so the pid is still this hook */
      while (syscall(SYS_waitid, P_PID, pid, &info, WEXITED, NULL) < 0 && errno == EINTR) {
      }
      d_start();
      d_str("hook ");
      d_str(path);
      d_str(" timed out after ");
      d_num(timeout_s);
      fail(step, ETIMEDOUT, d_str("s"));
    }
  }
  if (pidfd >= 0) close(pidfd);
  while (syscall(SYS_waitid, P_PID, pid, &info, WEXITED, NULL) < 0) {
    if (errno != EINTR) fail(step, errno, path);
  }
  if (info.si_code == CLD_EXITED && info.si_status == 0) return;
  /* ECHILD stands for "the hook failed"; the detail says how. */
  d_start();
  d_str("hook ");
  d_str(path);
  if (info.si_code == CLD_EXITED) {
    d_str(" exited with status ");
  } else {
    d_str(" was killed by signal ");
  }
  fail(step, ECHILD, d_num(info.si_status));
}

static __attribute__((noreturn)) void op_exec(int step, const struct plan_op *op) {
  const char *path = g_exec_path ? g_exec_path : op->s[0];
  syscall(SYS_execve, path, op->argv, op->envp);
  fail_status(step, errno, path, 127);
}

/* ------------------------------------------------------------------------------------------
 * The walk.
 * ---------------------------------------------------------------------------------------- */

void berth_child_main(const struct plan *plan, int sync_fd) {
  g_sync_fd = sync_fd;
  /* Not dumpable until execve: nothing in the container may open /proc/<us>/exe or mem
   * while we still are the host's binary (the CVE-2019-5736 class). Not up to the plan. */
  syscall(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
  drop_inherited_handlers(plan->sigmask);

  for (uint32_t i = 0; i < plan->count; i++) {
    const struct plan_op *op = &plan->ops[i];
    const int64_t *n = op->n;
    const char *const *s = op->s;
    int step = (int)i;
    switch (op->code) {
      case OP_WAIT_SYNC: op_wait_sync(op); break;
      case OP_SEND_SYNC:
        /* The parent gone means nobody will ever answer: stop here. */
        if (send_msg((uint32_t)n[0], step, 0, 0, NULL) < 0) die(1);
        break;
      case OP_SETNS:
        if (syscall(SYS_setns, (int)n[0], (int)n[1]) < 0) fail(step, errno, NULL);
        close((int)n[0]); /* joined: the namespace fd has no further use here */
        break;
      case OP_UNSHARE:
        if (syscall(SYS_unshare, (unsigned long)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_WRITE_FILE: op_write_file(step, op); break;
      case OP_FORK_REPORT: op_fork_report(step); break;
      case OP_OPEN_ROOT: op_open_root(step, op); break;
      case OP_MOUNT: op_mount(step, op); break;
      case OP_MOUNT_SETATTR: op_mount_setattr(step, op); break;
      case OP_IDMAP_BIND: op_idmap_bind(step, op); break;
      case OP_MKNOD: op_mknod(step, op); break;
      case OP_SYMLINK: op_symlink(step, op); break;
      case OP_PIVOT_ROOT: op_pivot_root(step, op); break;
      case OP_MOVE_ROOT: op_move_root(step, op); break;
      case OP_CHROOT: op_chroot(step, op); break;
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
      /* Raw syscalls: glibc's set*id wrappers signal every thread of the process, under a
       * lock, and the threads are not there. */
      case OP_SETRESGID:
        if (syscall(SYS_setresgid, (gid_t)n[0], (gid_t)n[0], (gid_t)n[0]) < 0 && !unmapped_ok(op)) fail(step, errno, NULL);
        break;
      case OP_SETRESUID:
        if (syscall(SYS_setresuid, (uid_t)n[0], (uid_t)n[0], (uid_t)n[0]) < 0 && !unmapped_ok(op)) fail(step, errno, NULL);
        break;
      case OP_UMASK: syscall(SYS_umask, (mode_t)n[0]); break;
      case OP_CHDIR:
        if (syscall(SYS_chdir, s[0]) < 0) fail(step, errno, s[0]);
        break;
      case OP_SCHED_SETATTR: op_sched_setattr(step, op); break;
      case OP_IOPRIO_SET:
        if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, (int)((n[0] << 13) | n[1])) < 0) fail(step, errno, NULL);
        break;
      case OP_PERSONALITY:
        if (syscall(SYS_personality, (unsigned long)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_SET_MEMPOLICY: op_set_mempolicy(step, op); break;
      case OP_JOIN_KEYRING:
        /* ENOSYS: a kernel without keyrings has nothing to leak. */
        if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, s[0][0] ? s[0] : NULL) < 0 && errno != ENOSYS)
          fail(step, errno, NULL);
        break;
      case OP_SECCOMP: op_seccomp(step, op); break;
      case OP_RESET_SIGNALS: op_reset_signals(); break;
      case OP_CLOEXEC_FROM:
        /* The sync socket, the root fd and every inherited host fd are closed by execve. */
        if (syscall(SYS_close_range, (unsigned)n[0], ~0U, CLOSE_RANGE_CLOEXEC) < 0) fail(step, errno, NULL);
        break;
      case OP_PREPARE_STDIO: prepare_stdio((int)n[0]); break;
      case OP_RESOLVE_EXEC: op_resolve_exec(step, op); break;
      case OP_WAIT_START: op_wait_start(step, op); break;
      case OP_RUN_HOOK: op_run_hook(step, op); break;
      case OP_EXEC: op_exec(step, op);
      case OP_DUP2: op_dup2(step, op); break;
      case OP_SETSID:
        /* EPERM: already a session leader (a joined namespace's process may be). */
        if (syscall(SYS_setsid) < 0 && errno != EPERM) fail(step, errno, NULL);
        break;
      case OP_CLOSE: close((int)n[0]); break;
      case OP_MKDIRS: {
        int err = make_in_root(s[0], MAKE_DIR, (mode_t)n[0]);
        if (err) fail(step, err, s[0]);
        break;
      }
      /* Ops that hand a descriptor to the parent: child_fds.c. */
      case OP_CONSOLE:
      case OP_SECCOMP_LISTENER: {
        const char *what = NULL;
        int err = op->code == OP_CONSOLE ? berth_op_console(g_sync_fd, step, op, &what)
                                         : berth_op_seccomp_listener(g_sync_fd, step, op, &what);
        if (err) fail(step, err, what);
        break;
      }
      default: fail(step, ENOSYS, "unknown op");
    }
  }
  die(0);
}
