/*
 * berth's executor: the small static program spawn.cc's vfork child becomes (execveat of a
 * sealed memfd, native/src/executor_launch.c), in berth's own namespaces. It reads the launch
 * plan, clone3s the container's child with the plan's namespace flags, reports the child's pid
 * and exits; the child walks the plan. The process a container can see during exec, or while a
 * created init waits for start, is that clone: it maps this program and nothing else (no
 * dist/berth, no berth.node, no host library), its only file is the sealed memfd, which cannot
 * be written through any handle (docs/ARCHITECTURE.md, "Threat model: a container overwriting
 * berth"), and its memory belongs to the user namespace the executor was exec'd in, berth's,
 * whatever namespaces the child was cloned into.
 *
 * argv: [name ("berth-executor ID"), plan fd, sync fd, arena base (hex), fds to make close-on-exec again ("3,5,"),
 *        the capability sets before execveat (hex "effective,permitted,inheritable"), report fd,
 *        the child's clone3 flags (hex), cgroup fd for CLONE_INTO_CGROUP ("": none)].
 * The plan fd is a sealed memfd holding the arena spawn.cc built: one block whose internal
 * pointers are relative to the base it had in the parent.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "child_internal.h"

static uintptr_t g_old_base, g_new_base;
static size_t g_size;

static __attribute__((noreturn)) void setup_failed(int err, const char *what) {
  fail(-1, err, what);
}

static uint64_t parse_num(const char *s, unsigned base, const char **end) {
  uint64_t v = 0;
  for (;; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
    else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
    else break;
    v = v * base + d;
  }
  if (end) *end = s;
  return v;
}

/* A pointer of the parent's arena, moved to our copy. NULL stays NULL; anything outside the
 * arena means the plan and this program disagree, so stop. */
static void *rebase(const void *p) {
  if (!p) return NULL;
  uintptr_t off = (uintptr_t)p - g_old_base;
  if (off >= g_size) setup_failed(EINVAL, "executor: plan pointer outside the arena");
  return (void *)(g_new_base + off);
}

static void rebase_strings(char **v, size_t count) {
  for (size_t i = 0; i < count; i++) v[i] = rebase(v[i]);
}

/* Reads the plan into anonymous memory: mapping the memfd itself would give the container a
 * /proc/PID/map_files handle to it. */
static struct plan *load_plan(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) setup_failed(errno, "executor: fstat plan");
  g_size = (size_t)st.st_size;
  void *mem = mmap(NULL, g_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) setup_failed(errno, "executor: plan memory");
  for (size_t got = 0; got < g_size;) {
    ssize_t r = pread(fd, (char *)mem + got, g_size - got, (off_t)got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) setup_failed(r < 0 ? errno : EIO, "executor: read plan");
    got += (size_t)r;
  }
  close(fd);
  g_new_base = (uintptr_t)mem;

  /* The plan struct is the arena's first object (spawn.cc takes it first). */
  struct plan *p = mem;
  p->ops = rebase(p->ops);
  struct plan_op *ops = (struct plan_op *)p->ops;
  for (uint32_t i = 0; i < p->count; i++) {
    struct plan_op *op = &ops[i];
    op->n = rebase(op->n);
    op->s = rebase(op->s);
    op->b = rebase(op->b);
    rebase_strings((char **)op->s, op->s_count + PLAN_SPARE_STRINGS);
    if (op->argv) {
      op->argv = rebase(op->argv);
      op->envp = rebase(op->envp);
      rebase_strings((char **)op->argv, op->s_count + PLAN_EXEC_SLOTS);
      rebase_strings((char **)op->envp, op->s_count + PLAN_EXEC_SLOTS);
    }
  }
  return p;
}

/* Puts back the capability sets the child had before execveat (executor_launch.c raised the
 * permitted ones as ambient to carry them across). */
static void restore_caps(const char *text) {
  uint64_t set[3];
  for (int i = 0; i < 3; i++) {
    const char *end;
    set[i] = parse_num(text, 16, &end);
    text = *end ? end + 1 : end;
  }
  if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    setup_failed(errno, "executor: clearing ambient capabilities");
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct now[2];
  if (syscall(SYS_capget, &hdr, now) < 0) setup_failed(errno, "executor: capget");
  /* Never more than execve left us: were anything missing, the plan's ops say so. */
  uint64_t permitted = set[1] & (((uint64_t)now[1].permitted << 32) | now[0].permitted);
  uint64_t effective = set[0] & permitted;
  struct __user_cap_data_struct caps[2];
  for (int i = 0; i < 2; i++) {
    caps[i].effective = (uint32_t)(effective >> (32 * i));
    caps[i].permitted = (uint32_t)(permitted >> (32 * i));
    caps[i].inheritable = (uint32_t)(set[2] >> (32 * i));
  }
  if (syscall(SYS_capset, &hdr, caps) < 0) setup_failed(errno, "executor: restoring capabilities");
}

int main(int argc, char **argv) {
  /* First: execve made us dumpable again, and the walk relies on not being (child.c). */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* execveat of an fd names the process after the fd's number: say what it is instead. */
  prctl(PR_SET_NAME, "berth-executor", 0, 0, 0);
  if (argc != 9) die(127);
  g_sync_fd = (int)parse_num(argv[2], 10, NULL);
  int plan_fd = (int)parse_num(argv[1], 10, NULL);
  g_old_base = (uintptr_t)parse_num(argv[3], 16, NULL);

  /* The launcher cleared close-on-exec to carry the parent's descriptors across execveat;
   * set it again where it was, so the walk and the container's execve see them as before. */
  for (const char *s = argv[4]; *s;) {
    const char *end;
    int fd = (int)parse_num(s, 10, &end);
    if (end == s) break;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    s = *end ? end + 1 : end;
  }

  restore_caps(argv[5]);
  struct plan *p = load_plan(plan_fd);
  int report_fd = (int)parse_num(argv[6], 10, NULL);

  /* CLONE_PARENT: the child is berth's, which waits for it; so its exit signal is ours, SIGCHLD
   * (clone3 insists on 0 here and takes the caller's). */
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = parse_num(argv[7], 16, NULL) | CLONE_PARENT;
  if (argv[8][0]) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = parse_num(argv[8], 10, NULL);
  }
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    close(report_fd);
    berth_child_main(p, g_sync_fd);
  }
  int64_t report = pid < 0 ? -(int64_t)errno : (int64_t)pid;
  ssize_t w;
  do {
    w = write(report_fd, &report, sizeof report);
  } while (w < 0 && errno == EINTR);
  die(0);
}
