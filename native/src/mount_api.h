/*
 * The kernel's new mount API, spelled out once for the child's files (child_mounts.c,
 * child_procfs.c, child_procmount.c): glibc 2.36 lacks struct mount_attr,
 * and its <sys/mount.h> clashes with linux/mount.h, which has these values.
 */
#ifndef BERTH_MOUNT_API_H
#define BERTH_MOUNT_API_H

#include <stdint.h>

/* struct mount_attr, for mount_setattr(2). */
struct berth_mount_attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define BERTH_OPEN_TREE_CLONE 1
#define BERTH_AT_RECURSIVE 0x8000
#define BERTH_MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define BERTH_MOVE_MOUNT_T_SYMLINKS 0x00000010
#define BERTH_MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#define BERTH_MOUNT_ATTR_IDMAP 0x00100000
#define BERTH_FSOPEN_CLOEXEC 0x00000001
#define BERTH_FSCONFIG_SET_FLAG 0
#define BERTH_FSCONFIG_SET_STRING 1
#define BERTH_FSCONFIG_SET_FD 5
#define BERTH_FSCONFIG_CMD_CREATE 6
#define BERTH_FSMOUNT_CLOEXEC 0x00000001

/* linux/magic.h: a procfs, and the inode of its root. */
#define BERTH_PROC_SUPER_MAGIC 0x9fa0
#define BERTH_PROC_ROOT_INO 1

#endif
