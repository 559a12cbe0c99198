/* OP_WRITE_PROC: one write into procfs through a private procfs instance (child_procfs.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"
#include "procfs_write.h"

/* s0 = path relative to the procfs root ("sys/kernel/domainname", "thread-self/attr/exec"), s1 = content. */
void op_write_proc(int step, const struct plan_op *op) {
  const char *rel = op->s[0], *content = op->s[1];
  int no_procfs;
  int err = procfs_write(rel, content, &no_procfs);
  if (!err) return;
  d_start();
  if (no_procfs) fail(step, err, d_str("/proc (no procfs instance of berth's own could be opened)"));
  d_str("/proc/");
  fail(step, err, d_str(rel));
}
