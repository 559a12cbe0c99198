/*
 * The clone child's waits and the fork that puts the init into a joined or new pid
 * namespace: messages from the parent (WaitSync), the exec fifo (WaitStart), and ForkReport.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <sched.h>
#include <sys/socket.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Incoming messages have their own buffer (the outgoing one is in child_core.c). */
static unsigned char g_in[sizeof(struct sync_header) + SYNC_MAX_PAYLOAD];

/* Waits for message type n0 from the parent. Abort, anything else, or EOF: exit quietly. */
void op_wait_sync(const struct plan_op *op) { wait_msg((uint32_t)op->n[0]); }

void wait_msg(uint32_t type) {
  long r;
  do {
    r = syscall(SYS_recvfrom, g_sync_fd, g_in, sizeof g_in, 0, NULL, NULL);
  } while (r < 0 && errno == EINTR);
  if (r < (long)sizeof(struct sync_header)) die(1); /* the parent is gone */
  struct sync_header h;
  memcpy(&h, g_in, sizeof h);
  if (h.type != type) die(1); /* Abort, or out of step */
  uint32_t len = h.len;
  if (len > (uint32_t)r - sizeof h) len = (uint32_t)r - sizeof h;
  if (len) {
    /* A payload replaces the state; a bare message (Go) leaves it as it was. */
    memcpy(g_state, g_in + sizeof h, len);
    g_state_len = len;
  }
}

/* Closes every descriptor but the plan's list n (ascending) and the sync socket. */
static unsigned g_lo;
static void keep_fd(long fd) {
  if (fd < (long)g_lo) return;
  if (fd > (long)g_lo) syscall(SYS_close_range, g_lo, (unsigned)fd - 1, 0U);
  g_lo = (unsigned)fd + 1;
}

void op_close_except(int step, const struct plan_op *op) {
  g_lo = 0;
  int sync_kept = 0;
  for (uint32_t i = 0; i <= op->n_count; i++) {
    long next = i < op->n_count ? (long)op->n[i] : -1;
    if (!sync_kept && (next < 0 || g_sync_fd <= next)) {
      keep_fd(g_sync_fd);
      sync_kept = 1;
    }
    if (next >= 0) keep_fd(next);
  }
  if (syscall(SYS_close_range, g_lo, ~0U, 0U) < 0) fail(step, errno, NULL);
  /* The root fd is gone unless kept: a later OpenRoot must not close a number reused since. */
  if (g_root_fd >= 0 && syscall(SYS_fcntl, g_root_fd, F_GETFD) < 0) g_root_fd = -1;
}

/* fork(); the parent half reports the new pid and exits, the child half goes on. n0 = 1:
 * CLONE_PTRACE, so the new process is the tracer's (SpawnTracer) from its first instruction. */
void op_fork_report(int step, const struct plan_op *op) {
  /* The new process waits on this pipe until Pid is sent: it must never speak on the shared
   * sync socket first, or the parent would see its messages before learning its pid. */
  int gate[2];
  if (syscall(SYS_pipe2, gate, O_CLOEXEC) < 0) fail(step, errno, NULL);
  /* A raw clone, not glibc's fork(): no atfork handlers, no locks. */
  long pid = syscall(SYS_clone, SIGCHLD | (op->n[0] == 1 ? CLONE_PTRACE : 0), 0, 0, 0, 0);
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

/* Blocks until `start` writes a byte into the exec fifo (opened O_RDWR by the parent). */
void op_wait_start(int step, const struct plan_op *op) {
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
