/*
 * Plan ops of the clone child that hand a file descriptor to the parent over the sync socket
 * (child_fds.c): the terminal (OP_CONSOLE) and the seccomp notify listener
 * (OP_SECCOMP_LISTENER). Same rules as child.c: raw system calls, no allocation, no locks.
 */
#ifndef BERTH_CHILD_FDS_H
#define BERTH_CHILD_FDS_H

#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Each returns 0, or an errno with *detail naming what failed (the caller reports
 * {step, errno, detail} and exits). `step` goes into the header of the message that carries
 * the descriptor, so the parent can tell which op sent it.
 */
int berth_op_console(int sync_fd, int step, const struct plan_op *op, const char **detail);
int berth_op_seccomp_listener(int sync_fd, int step, const struct plan_op *op, const char **detail);

#ifdef __cplusplus
}
#endif

#endif
