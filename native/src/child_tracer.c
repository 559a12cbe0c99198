/*
 * The tracer that holds the ptrace slot of every process the child forks into a pid
 * namespace other processes already live in (exec, or a create joining a pid namespace), from
 * its first instruction to its execve: the CVE-2019-5736 / CVE-2016-9962 class, see
 * docs/ARCHITECTURE.md "Threat model: a container overwriting berth".
 *
 * A process has one tracer. CAP_SYS_PTRACE in the host's user namespace overrides the
 * non-dumpable flag, so a privileged container could attach to such a process while it is
 * still a copy of berth with every host capability; a process that is already traced cannot
 * be attached to (EPERM). So: SpawnTracer forks N, which stays in the host's namespaces
 * (invisible to the container) and seizes this process; ForkReport then clones with
 * CLONE_PTRACE, which makes the new process N's tracee before it runs at all. N only lets its
 * tracees run: it continues every stop, hands every signal on, and detaches each tracee at its
 * execve (PTRACE_EVENT_EXEC), when it no longer is berth. With nothing left to trace it exits.
 * PTRACE_O_EXITKILL: should N die early, its tracees die with it, never run on untraced.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

static long pt(long request, long pid, long data) { return syscall(SYS_ptrace, request, pid, 0, data); }

/* N's whole life after the seize: no allocation, no descriptor, only wait4 and ptrace. */
__attribute__((noreturn)) static void trace_until_exec(void) {
  for (;;) {
    int status;
    long pid = syscall(SYS_wait4, -1, &status, __WALL, NULL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      syscall(SYS_exit, 0); /* ECHILD: every tracee has exec'd (detached) or exited */
    }
    if (!WIFSTOPPED(status)) continue; /* a tracee exited */
    int sig = WSTOPSIG(status), event = status >> 16;
    if (event == PTRACE_EVENT_EXEC) {
      pt(PTRACE_DETACH, pid, 0); /* the container's program now: not ours to hold */
    } else if (event == PTRACE_EVENT_STOP) {
      /* A group stop (SIGSTOP and friends) stays a stop; anything else (the trap a seized
       * process starts with) goes on. */
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) pt(PTRACE_LISTEN, pid, 0);
      else pt(PTRACE_CONT, pid, 0);
    } else {
      /* A signal-delivery stop hands the signal on; no other event was asked for. */
      pt(PTRACE_CONT, pid, event ? 0 : sig);
    }
  }
}

/* SpawnTracer: returns once N has seized this process. */
void op_spawn_tracer(int step) {
  int ready[2];
  if (syscall(SYS_pipe2, ready, O_CLOEXEC) < 0) fail(step, errno, "tracer");
  long self = syscall(SYS_getpid);
  /* A raw clone with no exit signal: N's end must not stop this (traced) process. */
  long pid = syscall(SYS_clone, 0, 0, 0, 0, 0);
  if (pid < 0) fail(step, errno, "tracer");
  if (pid == 0) {
    /* N holds nothing of the host: every descriptor but the one that reports the seize. */
    int keep = ready[1];
    if (keep > 0) syscall(SYS_close_range, 0U, (unsigned)keep - 1, 0U);
    syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U);
    if (pt(PTRACE_SEIZE, self, PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL) < 0) syscall(SYS_exit, 1);
    char one = 1;
    syscall(SYS_write, keep, &one, 1);
    close(keep);
    trace_until_exec();
  }
  close(ready[1]);
  char byte;
  long r;
  do {
    r = syscall(SYS_read, ready[0], &byte, 1);
  } while (r < 0 && errno == EINTR);
  close(ready[0]);
  /* EOF: N could not seize us (already traced, or ptrace refused), so nothing holds the slot. */
  if (r != 1) fail(step, EPERM, "tracer (PTRACE_SEIZE of the runtime's child)");
}
