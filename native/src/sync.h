/* The parent <-> child sync protocol; mirrors src/sys/sync.ts (where each message is described). */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include <stdint.h>

enum sync_msg {
  SYNC_GO = 1,
  SYNC_PID = 2,
  SYNC_CREATE_HOOKS = 3,
  SYNC_HOOKS_DONE = 4,
  SYNC_READY = 5,
  SYNC_ERROR = 6,
  SYNC_ABORT = 7,
  SYNC_IDMAP_MOUNT = 8,
  SYNC_IDMAP_DONE = 9,
  SYNC_CONSOLE_FD = 10,
  SYNC_SECCOMP_FD = 11,
  SYNC_PRIVILEGED_BIND = 12,
  SYNC_BIND_DONE = 13,
};

struct sync_header {
  uint32_t type;
  int32_t step;
  int32_t err;
  uint32_t len;
  int64_t value;
};

/* SYNC_HEADER_BYTES in src/sys/sync.ts. */
#ifdef __cplusplus
static_assert(sizeof(struct sync_header) == 24, "sync header must be 24 bytes");
#else
_Static_assert(sizeof(struct sync_header) == 24, "sync header must be 24 bytes");
#endif

#define SYNC_MAX_PAYLOAD (64 * 1024)

#endif
