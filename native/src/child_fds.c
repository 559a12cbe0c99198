/*
 * The clone child's ops that produce a file descriptor for the runtime: the pty master of a
 * terminal and the seccomp notify fd. Both travel to the parent over the sync socket with
 * SCM_RIGHTS (fdpass.c) in a message whose header names them (SYNC_CONSOLE_FD,
 * SYNC_SECCOMP_FD); the parent hands them on to --console-socket or listenerPath. The child
 * never connects to a socket outside the container itself, and decides nothing: paths, size
 * and owner come from the plan (see OpCode.Console and OpCode.SeccompListener in
 * src/plan/ops.ts).
 *
 * The rules of child.c hold here: raw system calls only, no allocation, static buffers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "fdpass.h"
#include "sync.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static unsigned char g_msg[sizeof(struct sync_header) + 256];

static size_t c_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Sends the sync message `type` (payload `text`, may be "") with `fd` attached. 0 or errno. */
static int send_fd_to_parent(int sync_fd, uint32_t type, int step, int fd, const char *text) {
  struct sync_header h = {type, step, 0, 0, 0};
  size_t len = c_len(text);
  if (len > sizeof g_msg - sizeof h) len = sizeof g_msg - sizeof h;
  h.len = (uint32_t)len;
  memcpy(g_msg, &h, sizeof h);
  memcpy(g_msg + sizeof h, text, len);
  long w = berth_send_fd(sync_fd, fd, g_msg, sizeof h + len);
  if (w < 0) return (int)-w;
  return (size_t)w == sizeof h + len ? 0 : EMSGSIZE; /* SOCK_SEQPACKET: all or nothing */
}

static int keep_errno(int *fds, int count) {
  int err = errno;
  for (int i = 0; i < count; i++)
    if (fds[i] >= 0) close(fds[i]);
  return err;
}

/* Opens (creating an empty file if missing) the console mount point, never through a symlink. */
static int open_console_target(const char *path) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    int made = (int)syscall(SYS_openat, AT_FDCWD, path, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0666);
    if (made < 0 && errno != EEXIST) return -1;
    if (made >= 0) close(made);
    fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) {
    int err = S_ISLNK(st.st_mode) ? ELOOP : S_ISDIR(st.st_mode) ? EISDIR : errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

/* OP_CONSOLE's optional n3 (src/plan/fd-ops.ts ConsolePart): exec splits it around its fork. */
#define CONSOLE_ALL_BUT_CTTY 1
#define CONSOLE_CTTY_ONLY 2

/*
 * OP_CONSOLE (after pivot_root, so every path is the container's): a new pty from the
 * container's devpts, its size set, the peer bind-mounted on /dev/console, the master sent
 * to the parent, the peer made fds 0-2 and the controlling terminal of this session.
 */
int berth_op_console(int sync_fd, int step, const struct plan_op *op, const char **detail) {
  const char *ptmx = op->s[0], *console = op->s[1];
  int fds[4] = {-1, -1, -1, -1}; /* master, peer, console target, mount tree */
  struct stat st;
  int part = op->n_count > 3 ? (int)op->n[3] : 0;

  if (part == CONSOLE_CTTY_ONLY) {
    /* fds 0-2 are the peer already (made before the fork); setsid() came just before. */
    *detail = "pty";
    return syscall(SYS_ioctl, 0, TIOCSCTTY, 0) < 0 ? errno : 0;
  }

  *detail = ptmx;
  fds[0] = (int)syscall(SYS_openat, AT_FDCWD, ptmx, O_RDWR | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
  if (fds[0] < 0) return keep_errno(fds, 4);
  /* Only the devpts multiplexer (5:2) hands out ptys; anything else there is not ours to use. */
  if (fstat(fds[0], &st) < 0) return keep_errno(fds, 4);
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2) {
    keep_errno(fds, 4);
    return ENOTTY;
  }
  int unlock = 0;
  if (syscall(SYS_ioctl, fds[0], TIOCSPTLCK, &unlock) < 0) return keep_errno(fds, 4);
  fds[1] = (int)syscall(SYS_ioctl, fds[0], TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fds[1] < 0) return keep_errno(fds, 4);
  if (op->n[0] > 0 && op->n[1] > 0) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = (unsigned short)op->n[0];
    ws.ws_col = (unsigned short)op->n[1];
    if (syscall(SYS_ioctl, fds[0], TIOCSWINSZ, &ws) < 0) return keep_errno(fds, 4);
  }
  /* The process user owns its terminal (the group stays devpts' choice), as with runc. */
  if (op->n[2] > 0 && syscall(SYS_fchown, fds[1], (uid_t)op->n[2], (gid_t)-1) < 0) return keep_errno(fds, 4);

  /* Bind the peer on /dev/console through fds only: no /proc is needed in the container.
   * An empty s1 (exec: the console belongs to the init) binds nothing. */
  if (console[0]) {
    *detail = console;
    fds[2] = open_console_target(console);
    if (fds[2] < 0) return keep_errno(fds, 4);
    fds[3] = (int)syscall(SYS_open_tree, fds[1], "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (fds[3] < 0) return keep_errno(fds, 4);
    if (syscall(SYS_move_mount, fds[3], "", fds[2], "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return keep_errno(fds, 4);
    close(fds[3]);
    close(fds[2]);
    fds[2] = fds[3] = -1;
  }

  *detail = "pty master";
  int err = send_fd_to_parent(sync_fd, SYNC_CONSOLE_FD, step, fds[0], ptmx);
  if (err) {
    keep_errno(fds, 4);
    return err;
  }
  close(fds[0]);
  fds[0] = -1;

  *detail = "pty";
  for (int fd = 0; fd < 3; fd++) {
    if (fds[1] != fd && syscall(SYS_dup3, fds[1], fd, 0) < 0) return keep_errno(fds, 4);
  }
  /* setsid() came earlier in the plan: this session has no terminal yet, and gets this one. */
  if (part != CONSOLE_ALL_BUT_CTTY && syscall(SYS_ioctl, 0, TIOCSCTTY, 0) < 0) return keep_errno(fds, 4);
  if (fds[1] > 2) close(fds[1]);
  return 0;
}

/*
 * OP_SECCOMP_LISTENER: seccomp(SECCOMP_SET_MODE_FILTER) with SECCOMP_FILTER_FLAG_NEW_LISTENER
 * in n0; the notify fd it returns goes to the parent at once, in one sendmsg (the only
 * syscall between loading the filter and the runtime holding the fd: SCMP_ACT_NOTIFY on
 * sendmsg is refused in TypeScript for that reason), and is closed here.
 */
int berth_op_seccomp_listener(int sync_fd, int step, const struct plan_op *op, const char **detail) {
  struct sock_fprog prog;
  prog.len = (unsigned short)(op->b_len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)op->b;
  *detail = "seccomp filter";
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)op->n[0], &prog);
  if (fd < 0) return errno;
  *detail = "seccomp notify fd";
  int err = send_fd_to_parent(sync_fd, SYNC_SECCOMP_FD, step, (int)fd, "");
  close((int)fd);
  return err;
}
