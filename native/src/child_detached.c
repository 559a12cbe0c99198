/*
 * BindMake, BindPlace: a bind of a host path that must follow a procfs placed after the root
 * switch (an lxcfs-style bind onto /proc/meminfo, in a create that joins a pid namespace:
 * docs/ARCHITECTURE.md "A create that joins a pid namespace"). After pivot_root no host path
 * can be reached, so BindMake clones the source as a detached tree before it (open_tree
 * OPEN_TREE_CLONE), gives it the flags the plan computed (mount_setattr: a detached tree
 * takes them as an attached bind takes a remount) and keeps it in a slot; BindPlace moves it
 * onto its destination resolved in the root, as ProcPlace does for the procfs it follows.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_api.h"

/* MS_REC of <sys/mount.h>, which this file does not include: it marks a recursive propagation. */
#define BERTH_MS_REC 16384

/* BindMake's detached trees until BindPlace; -1 = empty. */
static int g_bind_slots[PLAN_BIND_SLOTS] = {[0 ... PLAN_BIND_SLOTS - 1] = -1};

static void set_attrs(int step, int tree, unsigned at, uint64_t set, uint64_t clr, uint64_t propagation, const char *what) {
  if (!set && !clr && !propagation) return;
  struct berth_mount_attr attr = { set, clr, propagation, 0 };
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | at, &attr, sizeof attr) < 0) fail(step, errno, what);
}

/* n0 = slot, n1 = 1: recursive (rbind), n2/n3 = attr_set/attr_clr of the top mount, n4/n5 =
 * attr_set/attr_clr of every mount of the tree; s0 = source (host path), s1 = destination. */
void op_bind_make(int step, const struct plan_op *op) {
  const char *source = op->s[0];
  int64_t slot = op->n[0];
  if (slot < 0 || slot >= PLAN_BIND_SLOTS || g_bind_slots[slot] >= 0) fail(step, EINVAL, op->s[1]);
  unsigned flags = BERTH_OPEN_TREE_CLONE | O_CLOEXEC | (op->n[1] == 1 ? BERTH_AT_RECURSIVE : 0);
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source, flags);
  if (tree < 0) fail(step, errno, source);
  set_attrs(step, tree, 0, (uint64_t)op->n[2], (uint64_t)op->n[3], 0, source);
  set_attrs(step, tree, BERTH_AT_RECURSIVE, (uint64_t)op->n[4], (uint64_t)op->n[5], 0, source);
  g_bind_slots[slot] = tree;
}

/* n0 = slot, n1 = create (1 directory, 2 file), n2.. = propagation (MS_* | MS_REC); s0 = destination. */
void op_bind_place(int step, const struct plan_op *op) {
  const char *target = op->s[0];
  int64_t slot = op->n[0];
  int err;
  if (slot < 0 || slot >= PLAN_BIND_SLOTS || g_bind_slots[slot] < 0) fail(step, EBADF, target);
  int tree = g_bind_slots[slot];
  g_bind_slots[slot] = -1;
  if (op->n[1] && (err = make_in_root(target, (int)op->n[1], 0755)) != 0) fail(step, err, target);
  int dest = open_in_root(target, O_PATH);
  struct stat st, src;
  if (dest < 0 || fstat(dest, &st) < 0 || fstat(tree, &src) < 0) fail(step, errno, target);
  /* A directory only onto a directory, a file only onto a file: mount(2)'s error for it
   * (move_mount's is EINVAL). */
  if (S_ISDIR(st.st_mode) != S_ISDIR(src.st_mode)) fail(step, ENOTDIR, target);
  if (syscall(SYS_move_mount, tree, "", dest, "", BERTH_MOVE_MOUNT_F_EMPTY_PATH | BERTH_MOVE_MOUNT_T_EMPTY_PATH) < 0) fail(step, errno, target);
  close(dest);
  /* Attached now: tree names the placed mount, as mount(2) names it by its path. */
  for (uint32_t i = 2; i < op->n_count; i++) {
    uint64_t p = (uint64_t)op->n[i];
    set_attrs(step, tree, (p & BERTH_MS_REC) ? BERTH_AT_RECURSIVE : 0, 0, 0, p & ~(uint64_t)BERTH_MS_REC, target);
  }
  close(tree);
}
