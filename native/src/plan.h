/*
 * The launch plan as the child sees it. Op codes mirror src/plan/ops.ts code for code; the
 * meaning of every n/s/b slot is documented there. The parent (spawn.cc) converts the
 * JavaScript plan into these structs inside ONE heap block (the arena), the plan struct
 * first, and hands the block to the executor (executor.c) in a sealed memfd; every pointer
 * in it points into the block, and the executor moves them to its own copy. The walk only
 * reads them and never allocates.
 */
#ifndef BERTH_PLAN_H
#define BERTH_PLAN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum op_code {
  OP_WAIT_SYNC = 1,
  OP_SEND_SYNC = 2,
  OP_SETNS = 3,
  OP_UNSHARE = 4,
  OP_WRITE_PROC = 5,
  OP_FORK_REPORT = 6,
  OP_OPEN_ROOT = 7,
  OP_MOUNT = 8,
  OP_MKNOD = 9,
  OP_SYMLINK = 10,
  OP_PIVOT_ROOT = 11,
  OP_MOVE_ROOT = 12,
  OP_MASK_PATH = 13,
  OP_READONLY_PATH = 14,
  OP_SETHOSTNAME = 15,
  OP_SETDOMAINNAME = 16,
  OP_SETRLIMIT = 17,
  OP_PRCTL = 18,
  OP_CAPSET = 19,
  OP_SETGROUPS = 20,
  OP_SETRESGID = 21,
  OP_SETRESUID = 22,
  OP_UMASK = 23,
  OP_CHDIR = 24,
  OP_SCHED_SETATTR = 25,
  OP_IOPRIO_SET = 26,
  OP_PERSONALITY = 27,
  OP_SET_MEMPOLICY = 28,
  OP_JOIN_KEYRING = 29,
  OP_SECCOMP = 30,
  OP_RESET_SIGNALS = 31,
  OP_CLOEXEC_FROM = 32,
  OP_PREPARE_STDIO = 33,
  OP_RESOLVE_EXEC = 34,
  OP_WAIT_START = 35,
  OP_RUN_HOOK = 36,
  OP_EXEC = 37,
  OP_DUP2 = 38,
  OP_SETSID = 39,
  OP_CLOSE = 40,
  OP_MKDIRS = 41,
  OP_MOUNT_SETATTR = 42,
  OP_CHROOT = 43,
  OP_IDMAP_BIND = 44,
  OP_CONSOLE = 45,
  OP_SECCOMP_LISTENER = 46,
  OP_PASSWD_HOME = 47,
  OP_HIDE_MOUNT = 48,
  OP_SPAWN_TRACER = 49,
  OP_CLOSE_EXCEPT = 50,
  OP_PROC_MOUNT = 51,
  OP_PROC_MAKE = 52,
  OP_PROC_PLACE = 53,
};

/* Spare trailing slots of every op's n and s arrays (see struct plan_op), and the slots of
 * argv and envp beyond s_count (the terminator, and the HOME that PasswdHome may append). */
#define PLAN_SPARE_INTS 8
#define PLAN_SPARE_STRINGS 4
#define PLAN_EXEC_SLOTS 2

/* The highest op code; spawn() rejects anything outside 1 .. OP_LAST before cloning. */
#define OP_LAST OP_PROC_PLACE

/* The slots ProcMake keeps a detached procfs mount in until ProcPlace (ops.ts PROC_SLOTS). */
#define PLAN_PROC_SLOTS 8

/*
 * One converted op. Every pointer points into the arena. `n` and `s` have spare trailing
 * slots (0 and "") so an op that reads a slot the plan left out sees 0 or "", never garbage.
 */
struct plan_op {
  uint32_t code;
  uint32_t n_count;
  uint32_t s_count;
  uint32_t b_len;
  const int64_t *n;
  const char *const *s;
  const uint8_t *b;
  /* For OP_EXEC and OP_RUN_HOOK: NULL-terminated argv and envp built from s by the parent. */
  char *const *argv;
  char *const *envp;
};

struct plan {
  uint32_t count;
  const struct plan_op *ops;
  /* The spawning thread's signal mask (kernel layout); the child restores it, see child_process.c. */
  uint64_t sigmask;
};

#ifdef __cplusplus
}
#endif

#endif
