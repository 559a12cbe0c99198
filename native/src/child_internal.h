/*
 * What the clone child's files share (child.c walks the plan; child_core.c, child_paths.c,
 * child_mounts.c, child_process.c, child_procfs.c, child_sync.c and child_hooks.c hold the
 * ops by concern). Everything here has hidden visibility: it is the child's own, never the addon's interface.
 */
#ifndef BERTH_CHILD_INTERNAL_H
#define BERTH_CHILD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "plan.h"
#include "sync.h"

#pragma GCC visibility push(hidden)

/* ---- State kept across ops (child_core.c). Static storage: the child never allocates. */
extern int g_sync_fd;
/* The directory ops resolve "inside the root" against (OpenRoot); the cwd until then. */
extern int g_root_fd;
/* The program ResolveExec found; Exec falls back to argv[0] without it. */
extern const char *g_exec_path;
/* The exec fifo once `start` released the process (op_wait_start), else -1. */
extern int g_start_fifo;
/* "The state buffer": the last payload a WaitSync received; a hook's stdin. */
extern unsigned char g_state[SYNC_MAX_PAYLOAD];
extern uint32_t g_state_len;

/* ---- Helpers without libc's formatting (child_core.c). */
__attribute__((noreturn)) void die(int status);
size_t str_len(const char *s);
/* Writes the decimal form of v at buf (no terminator); returns the number of chars. */
size_t fmt_u64(char *buf, uint64_t v);
/* Builds "/proc/self/fd/<fd>" in buf: how a mount reaches an fd resolved inside the root. */
const char *fd_path(char *buf, int fd);
/* The detail text of an error report, appended piece by piece (truncated, never overrun). */
const char *d_start(void);
const char *d_str(const char *s);
const char *d_num(int64_t v);
void write_all(int fd, const void *buf, size_t len);

/* ---- Talking to the parent (child_core.c). */
/* Sends one message; returns 0 or -1 (errno set) when nobody listens any more. */
int send_msg(uint32_t type, int32_t step, int32_t err, int64_t value, const char *detail);
/* Reports that op `step` failed with `err` and exits (with `status`, or 1). */
__attribute__((noreturn)) void fail_status(int step, int err, const char *detail, int status);
__attribute__((noreturn)) void fail(int step, int err, const char *detail);

/* ---- Paths inside the root (child_paths.c). */
enum make_kind { MAKE_DIR = 1, MAKE_FILE = 2 };
/* The last component of the path open_parent_in_root split off. */
extern char g_name[256];
int open_in_root(const char *path, uint64_t flags);
int make_in_root(const char *path, int kind, mode_t dir_mode);
int resolve_for_mount(const char *path, char *buf, int *fd_out);
int open_parent_in_root(int step, const char *path);

/* ---- Ops: the walk in child.c calls these; each fails the op itself. */
/* child_sync.c */
void op_wait_sync(const struct plan_op *op);
/* Waits for one message of `type` (its payload, if any, becomes the state); anything else ends the child. */
void wait_msg(uint32_t type);
void op_fork_report(int step, const struct plan_op *op);
/* Closes every descriptor except n0.. (ascending) and the sync socket. */
void op_close_except(int step, const struct plan_op *op);
/* child_tracer.c: forks the tracer that takes the ptrace slot of what ForkReport forks */
void op_spawn_tracer(int step);
void op_wait_start(int step, const struct plan_op *op);
/* child_procfs.c: every write into procfs, through a procfs instance of the child's own */
void op_write_proc(int step, const struct plan_op *op);
/* child_procmount.c: a procfs of the joined pid namespace, made without entering it */
void op_proc_mount(int step, const struct plan_op *op);
/* ... or made by the first stage itself (procfs "pidns=") and kept detached for ProcPlace */
void op_proc_make(int step, const struct plan_op *op);
void op_proc_place(int step, const struct plan_op *op);
/* child_mounts.c */
void op_open_root(int step, const struct plan_op *op);
void op_mount(int step, const struct plan_op *op);
void op_mount_setattr(int step, const struct plan_op *op);
void op_idmap_bind(int step, const struct plan_op *op);
void op_mknod(int step, const struct plan_op *op);
void op_symlink(int step, const struct plan_op *op);
void op_pivot_root(int step, const struct plan_op *op);
void op_chroot(int step, const struct plan_op *op);
void op_move_root(int step, const struct plan_op *op);
void op_mask_path(int step, const struct plan_op *op);
void op_readonly_path(int step, const struct plan_op *op);
void op_mkdirs(int step, const struct plan_op *op);
void op_hide_mount(int step, const struct plan_op *op);
/* child_process.c */
void op_chdir(int step, const struct plan_op *op);
void op_passwd_home(int step, const struct plan_op *op);
void drop_inherited_handlers(uint64_t parent_mask);
void op_reset_signals(void);
/* Setres[ug]id with n1 = 1: an id the user namespace does not map (EINVAL) is not an error. */
int unmapped_ok(const struct plan_op *op);
void op_setrlimit(int step, const struct plan_op *op);
void op_capset(int step, const struct plan_op *op);
void op_setgroups(int step, const struct plan_op *op);
void op_sched_setattr(int step, const struct plan_op *op);
void op_set_mempolicy(int step, const struct plan_op *op);
void op_seccomp(int step, const struct plan_op *op);
void op_dup2(int step, const struct plan_op *op);
void prepare_stdio(int count);
void op_resolve_exec(int step, const struct plan_op *op);
__attribute__((noreturn)) void op_exec(int step, const struct plan_op *op);
/* child_hooks.c */
void op_run_hook(int step, const struct plan_op *op);

#pragma GCC visibility pop

#endif
