/*
 * The clone child's common ground (see child.c for the rules every child file follows): the
 * state kept across ops, string and number helpers without libc's formatting, and the
 * messages to the parent, including the error report every failing op ends with.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "child_internal.h"

#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int g_sync_fd = -1;
int g_root_fd = AT_FDCWD;
const char *g_exec_path;
int g_start_fifo = -1;
unsigned char g_state[SYNC_MAX_PAYLOAD];
uint32_t g_state_len;

/* Outgoing messages have their own buffer, so a send never clobbers the state a WaitSync
 * kept. */
static unsigned char g_out[sizeof(struct sync_header) + 1024];
static char g_detail[1024]; /* error details built by the d_* helpers */
static size_t g_detail_len;

/* ------------------------------------------------------------------------------------------
 * Tiny helpers: strings and numbers without libc's formatting.
 * ---------------------------------------------------------------------------------------- */

__attribute__((noreturn)) void die(int status) {
  syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Writes the decimal form of v at buf (no terminator); returns the number of chars. */
size_t fmt_u64(char *buf, uint64_t v) {
  char digits[24];
  size_t nd = 0;
  do {
    digits[nd++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (size_t i = 0; i < nd; i++) buf[i] = digits[nd - 1 - i];
  return nd;
}

/* Builds "/proc/self/fd/<fd>" in buf: how a mount reaches an fd resolved inside the root. */
const char *fd_path(char *buf, int fd) {
  static const char prefix[] = "/proc/self/fd/";
  size_t i = 0;
  for (; prefix[i]; i++) buf[i] = prefix[i];
  i += fmt_u64(buf + i, (uint64_t)fd);
  buf[i] = 0;
  return buf;
}

/* The detail text of an error report, appended piece by piece (truncated, never overrun). */
const char *d_start(void) {
  g_detail_len = 0;
  g_detail[0] = 0;
  return g_detail;
}

const char *d_str(const char *s) {
  while (s && *s && g_detail_len < sizeof g_detail - 1) g_detail[g_detail_len++] = *s++;
  g_detail[g_detail_len] = 0;
  return g_detail;
}

const char *d_num(int64_t v) {
  char buf[24];
  size_t n = 0;
  if (v < 0) {
    buf[n++] = '-';
    v = -v;
  }
  n += fmt_u64(buf + n, (uint64_t)v);
  buf[n] = 0;
  return d_str(buf);
}

void write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = syscall(SYS_write, fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    len -= (size_t)w;
  }
}

/* ------------------------------------------------------------------------------------------
 * Talking to the parent.
 * ---------------------------------------------------------------------------------------- */

/* Sends one message; returns 0 or -1 (errno set) when nobody listens any more. */
int send_msg(uint32_t type, int32_t step, int32_t err, int64_t value, const char *detail) {
  struct sync_header h = {type, step, err, 0, value};
  size_t len = detail ? str_len(detail) : 0;
  if (len > sizeof g_out - sizeof h) len = sizeof g_out - sizeof h;
  h.len = (uint32_t)len;
  memcpy(g_out, &h, sizeof h);
  if (len) memcpy(g_out + sizeof h, detail, len);
  long r;
  do {
    r = syscall(SYS_sendto, g_sync_fd, g_out, sizeof h + len, MSG_NOSIGNAL, NULL, 0);
  } while (r < 0 && errno == EINTR);
  return r < 0 ? -1 : 0;
}

static size_t append(char *buf, size_t at, size_t cap, const char *s) {
  for (; *s && at < cap; s++) buf[at++] = *s;
  return at;
}

/*
 * Reports that op `step` failed with `err` and exits with `status`. When the parent no longer
 * listens (after `create` returned, e.g. a startContainer hook or execve failing at `start`),
 * the report goes to the process's stderr instead, so it is not lost, and, after `start`
 * released the process, into the exec fifo behind an "E": `start` reads it there once the
 * process let go of the fifo, and fails with it (runtime.md: the hook's failure is an error).
 */
__attribute__((noreturn)) void fail_status(int step, int err, const char *detail, int status) {
  if (send_msg(SYNC_ERROR, step, err, 0, detail) < 0) {
    static char line[1024];
    char num[24];
    const char *name = strerrorname_np(err); /* a table lookup: no locks, no allocation */
    size_t n = 0, cap = sizeof line - 1;
    n = append(line, n, cap, "Econtainer setup step ");
    num[fmt_u64(num, (uint64_t)step)] = 0;
    n = append(line, n, cap, num);
    n = append(line, n, cap, " failed: ");
    if (detail && *detail) {
      n = append(line, n, cap, detail);
      n = append(line, n, cap, ": ");
    }
    n = append(line, n, cap, name ? name : "error");
    line[n++] = '\n';
    write_all(2, "berth: ", 7);
    write_all(2, line + 1, n - 1);
    if (g_start_fifo >= 0) write_all(g_start_fifo, line, n);
  }
  die(status);
}

__attribute__((noreturn)) void fail(int step, int err, const char *detail) {
  fail_status(step, err, detail, 1);
}
