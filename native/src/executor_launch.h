/* The vfork child's only step: execveat of the sealed executor (executor_launch.c). */
#ifndef BERTH_EXECUTOR_LAUNCH_H
#define BERTH_EXECUTOR_LAUNCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Never returns: execs the executor in memfd `exe_fd` with the plan in memfd `plan_fd`
 * (arena built at `arena_base`), the sync socket `sync_fd`, the pipe `report_fd` for the
 * child's pid, the container child's clone3 flags and cgroup fd (-1: none) and `argv0` as its
 * name, or reports the failure over `sync_fd` in the walk's error format (step -1) and exits 1.
 */
void berth_become_executor(int exe_fd, int plan_fd, int sync_fd, int report_fd, uint64_t clone_flags, int cgroup_fd,
                           uintptr_t arena_base, const char *argv0) __attribute__((noreturn));

/* The executor program's bytes, embedded at build time (executor_blob.S). */
extern const unsigned char berth_executor_start[];
extern const unsigned char berth_executor_end[];

#ifdef __cplusplus
}
#endif

#endif
