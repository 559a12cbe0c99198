/*
 * startContainer hooks, run by the init inside the container after `start` released it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif

/*
 * Runs a hook and waits for it: s = [path, argv..., env...] (argv/envp prebuilt by spawn),
 * n2 = timeout in seconds (0 = none). The hook's stdin is the state buffer, in a memfd: a
 * pipe could block (a hook that does not read a large state) or raise SIGPIPE (a hook that
 * exits before we write) — and signals are at their defaults by now.
 */
void op_run_hook(int step, const struct plan_op *op) {
  const char *path = op->s[0];
  int timeout_s = (int)op->n[2];

  int in = (int)syscall(SYS_memfd_create, "berth-hook-state", MFD_CLOEXEC);
  if (in < 0) fail(step, errno, path);
  write_all(in, g_state, g_state_len);
  syscall(SYS_lseek, in, 0, SEEK_SET);

  /* A close-on-exec pipe carries execve's errno back; EOF means the exec happened. */
  int errpipe[2];
  if (syscall(SYS_pipe2, errpipe, O_CLOEXEC) < 0) fail(step, errno, path);

  /* CLONE_PTRACE: when this process is traced (SpawnTracer), the hook is too until its execve,
   * so nothing in the container can attach to it while it is a copy of berth; else a no-op. */
  long pid = syscall(SYS_clone, SIGCHLD | CLONE_PTRACE, 0, 0, 0, 0);
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
