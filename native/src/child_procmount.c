/*
 * ProcMount: a procfs of the pid namespace the plan joined, mounted by the first stage itself
 * (invisible, in the host's pid namespace), so the init forked into that namespace need not
 * mount anything (docs/ARCHITECTURE.md "A create that joins a pid namespace").
 *
 * A procfs shows the pid namespace of the process that opens its filesystem context
 * (fsopen). The first stage's children land in the joined namespace (setns), so it clones a
 * throwaway there, with a user and a mount namespace of its own: it holds CAP_SYS_ADMIN over
 * that mount namespace only, which is what fsopen("proc") asks; it sends the context back and
 * exits. Nothing of the host is in it: its capabilities are its user namespace's, it closes
 * every descriptor but the socket first, and it is cloned traced (CLONE_PTRACE: the tracer's
 * slot, as for the init). The first stage, with the host's privileges, sets the options,
 * creates the superblock and the mount, refuses anything that is not the root of a procfs
 * (the throwaway's memory is writable to a privileged container in that namespace, so what
 * it sends is not trusted), and moves the mount onto the destination resolved in the root.
 *
 * Where procfs takes the "pidns" option, no throwaway: ProcMake has the first stage fsopen
 * "proc" itself, name the joined namespace by "pidns" (fsconfig with its fd) and keep the
 * detached mount in a slot; ProcPlace, the next op, moves it onto its destination in the
 * rootfs, at the procfs's place in config order, before pivot_root. In a user namespace the
 * fsmount must come before pivot_root: it refuses a procfs there once no full one is left in
 * the mount namespace ("too revealing"); move_mount checks nothing of the kind.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"

#include "mount_api.h"

/* The throwaway: never returns. Raw system calls only, as everywhere in the child. */
__attribute__((noreturn)) static void throwaway(int sock) {
  if (sock > 0) syscall(SYS_close_range, 0U, (unsigned)sock - 1, 0U);
  syscall(SYS_close_range, (unsigned)sock + 1, ~0U, 0U);
  int fs = (int)syscall(SYS_fsopen, "proc", BERTH_FSOPEN_CLOEXEC);
  int32_t err = fs < 0 ? errno : 0;
  /* The errno travels as the data byte(s); the context, when there is one, with them. */
  if (fs >= 0) berth_send_fd(sock, fs, &err, sizeof err);
  else syscall(SYS_sendto, sock, &err, sizeof err, MSG_NOSIGNAL, NULL, 0);
  syscall(SYS_exit_group, 0);
  __builtin_unreachable();
}

/* The fs context from the throwaway, or -1 with *err set. */
static int receive_context(int sock, int *err) {
  int32_t sent = 0;
  int fd;
  long r = berth_recv_fd(sock, &sent, sizeof sent, &fd);
  if (r < 0) {
    *err = (int)-r;
    return -1;
  }
  if (fd < 0) *err = r == (long)sizeof sent && sent > 0 ? sent : EPROTO;
  return fd;
}

/* The procfs options s1.. of op onto the context fs: "key=value" or a bare flag. */
static void set_options(int step, int fs, const struct plan_op *op) {
  for (uint32_t i = 1; i < op->s_count; i++) {
    const char *opt = op->s[i];
    const char *eq = strchr(opt, '=');
    static char key[256];
    long r;
    if (eq) {
      size_t klen = (size_t)(eq - opt);
      if (klen >= sizeof key) fail(step, ENAMETOOLONG, opt);
      memcpy(key, opt, klen);
      key[klen] = 0;
      r = syscall(SYS_fsconfig, fs, BERTH_FSCONFIG_SET_STRING, key, eq + 1, 0);
    } else {
      r = syscall(SYS_fsconfig, fs, BERTH_FSCONFIG_SET_FLAG, opt, NULL, 0);
    }
    if (r < 0) fail(step, errno, opt);
  }
}

/* The superblock and a detached mount of it with the MOUNT_ATTR_* flags `attrs`; closes fs. */
static int create_mount(int step, int fs, const char *target, unsigned attrs) {
  if (syscall(SYS_fsconfig, fs, BERTH_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) fail(step, errno, target);
  int mnt = (int)syscall(SYS_fsmount, fs, BERTH_FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0) fail(step, errno, target);
  close(fs);
  return mnt;
}

/* Moves the detached mount mnt onto target, resolved in the root, and closes it. ordinary:
 * only onto a directory, never through a symlink (the CVE-2023-28642 class, as for any proc
 * mount); create: make a missing destination (0755). */
static void place(int step, int mnt, const char *target, int ordinary, int create) {
  struct stat st;
  int err;
  if (create && (err = make_in_root(target, MAKE_DIR, 0755)) != 0) fail(step, err, target);
  int dest = open_in_root(target, O_PATH | O_NOFOLLOW);
  if (dest < 0 || fstat(dest, &st) < 0) fail(step, errno, target);
  if (ordinary && S_ISLNK(st.st_mode)) fail(step, ELOOP, target);
  if (ordinary && !S_ISDIR(st.st_mode)) fail(step, ENOTDIR, target);
  if (syscall(SYS_move_mount, mnt, "", dest, "", BERTH_MOVE_MOUNT_F_EMPTY_PATH | BERTH_MOVE_MOUNT_T_EMPTY_PATH) < 0) fail(step, errno, target);
  close(dest);
  close(mnt);
}

/*
 * s0 = destination (in the root), s1.. = procfs options ("hidepid=2", "subset=pid", a bare
 * flag); n0 = MOUNT_ATTR_* flags for fsmount, n1 = 1: the destination must be an ordinary
 * directory (always, for a procfs: see op_mount), n2 = 1: create it when missing.
 */
void op_proc_mount(int step, const struct plan_op *op) {
  const char *target = op->s[0];
  int sv[2], err = 0;
  if (syscall(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) fail(step, errno, "socketpair");
  /* A raw clone, not glibc's fork(): no atfork handlers, no locks. */
  long pid = syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_PTRACE | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) fail(step, errno, "a process of its own user namespace in the joined pid namespace (clone)");
  if (pid == 0) throwaway(sv[1]);
  close(sv[1]);
  int fs = receive_context(sv[0], &err);
  close(sv[0]);
  int status;
  while (syscall(SYS_wait4, (int)pid, &status, __WALL, NULL) < 0 && errno == EINTR) {
  }
  if (fs < 0) fail(step, err, "procfs of the joined pid namespace (fsopen in a user namespace of its own)");

  set_options(step, fs, op);
  int mnt = create_mount(step, fs, target, (unsigned)op->n[0]);
  struct statfs sfs;
  struct stat st;
  if (fstatfs(mnt, &sfs) < 0 || fstat(mnt, &st) < 0) fail(step, errno, target);
  if (sfs.f_type != BERTH_PROC_SUPER_MAGIC || st.st_ino != BERTH_PROC_ROOT_INO)
    fail(step, EXDEV, "procfs of the joined pid namespace (the process making it sent something else)");
  place(step, mnt, target, op->n[1] == 1, op->n[2] != 0);
}

/* ProcMake's detached mounts until ProcPlace; -1 = empty. */
static int g_proc_slots[PLAN_PROC_SLOTS] = {[0 ... PLAN_PROC_SLOTS - 1] = -1};

/*
 * n0 = slot, n1 = MOUNT_ATTR_* flags, n2 = an fd of the pid namespace (the joined one);
 * s0 = destination (for errors only), s1.. = procfs options. The first stage is still in the
 * host's pid namespace, of which the joined one is a descendant, as "pidns" asks.
 */
void op_proc_make(int step, const struct plan_op *op) {
  const char *target = op->s[0];
  int64_t slot = op->n[0];
  if (slot < 0 || slot >= PLAN_PROC_SLOTS || g_proc_slots[slot] >= 0) fail(step, EINVAL, target);
  int fs = (int)syscall(SYS_fsopen, "proc", BERTH_FSOPEN_CLOEXEC);
  if (fs < 0) fail(step, errno, target);
  if (syscall(SYS_fsconfig, fs, BERTH_FSCONFIG_SET_FD, "pidns", NULL, (int)op->n[2]) < 0)
    fail(step, errno, "procfs of the joined pid namespace (fsconfig pidns)");
  set_options(step, fs, op);
  g_proc_slots[slot] = create_mount(step, fs, target, (unsigned)op->n[1]);
}

/* n0 = slot, n1 = 1: only onto an ordinary directory, n2 = 1: create it; s0 = destination. */
void op_proc_place(int step, const struct plan_op *op) {
  int64_t slot = op->n[0];
  if (slot < 0 || slot >= PLAN_PROC_SLOTS || g_proc_slots[slot] < 0) fail(step, EBADF, op->s[0]);
  int mnt = g_proc_slots[slot];
  g_proc_slots[slot] = -1;
  place(step, mnt, op->s[0], op->n[1] == 1, op->n[2] != 0);
}
