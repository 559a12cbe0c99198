/* The clone child's entry point (child.c). */
#ifndef BERTH_CHILD_H
#define BERTH_CHILD_H

#include "plan.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Runs in the clone child and never returns: walks plan->ops with raw system calls, reports a
 * failing op over sync_fd (the child's end of the socketpair) and exits, or execs.
 */
void berth_child_main(const struct plan *plan, int sync_fd) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
