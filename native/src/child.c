/*
 * The clone child: walks the launch plan with raw system calls and never returns into
 * JavaScript.
 *
 * It runs in a clone of the static executor (executor.c) made with a raw clone3, behind
 * glibc's back: glibc's idea of the thread (its id, its locks, its atfork state) is the
 * executor's. So the child must not allocate, use stdio, throw, or call glibc functions that
 * keep such state (setuid() and friends broadcast to threads; fork() runs atfork handlers).
 * Everything here is either syscall(SYS_...) or a glibc function that is a plain wrapper
 * around one system call (mount, close, stat...). All buffers are static.
 *
 * It decides nothing: the plan says what to do and in which order. On the first failing op
 * it sends SyncMsg.Error {step = op index, err = errno, payload = detail} and exits 1.
 *
 * This file is the walk; the ops live by concern in child_mounts.c, child_process.c,
 * child_sync.c and child_hooks.c (paths inside the root: child_paths.c; writes into procfs:
 * child_procfs.c; shared state, error reports and messages: child_core.c; ops that hand a
 * descriptor out: child_fds.c; the tracer holding a forked process's ptrace slot: child_tracer.c;
 * a procfs of a joined pid namespace made by the first stage: child_procmount.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child_fds.h"
#include "child_internal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif
#define IOPRIO_WHO_PROCESS 1

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
        /* joined: the namespace fd has no further use here, unless n2 = 1 (ProcMake names it) */
        if (n[2] != 1) close((int)n[0]);
        break;
      case OP_UNSHARE:
        if (syscall(SYS_unshare, (unsigned long)n[0]) < 0) fail(step, errno, NULL);
        break;
      case OP_WRITE_PROC: op_write_proc(step, op); break;
      case OP_FORK_REPORT: op_fork_report(step, op); break;
      case OP_SPAWN_TRACER: op_spawn_tracer(step); break;
      case OP_CLOSE_EXCEPT: op_close_except(step, op); break;
      case OP_PROC_MOUNT: op_proc_mount(step, op); break;
      case OP_PROC_MAKE: op_proc_make(step, op); break;
      case OP_PROC_PLACE: op_proc_place(step, op); break;
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
      case OP_CHDIR: op_chdir(step, op); break;
      case OP_PASSWD_HOME: op_passwd_home(step, op); break;
      case OP_HIDE_MOUNT: op_hide_mount(step, op); break;
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
      case OP_MKDIRS: op_mkdirs(step, op); break;
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
