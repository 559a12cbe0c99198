// Kernel interface probes for `berth check`: each makes one harmless call (invalid arguments,
// or a query) and returns the errno it got, 0 for success. Nothing on the host changes; the
// meaning of each answer (ENOSYS = missing, EINVAL/EBADF/EFAULT = present) is decided in
// TypeScript (src/host/kernel-interfaces.ts).

#include "probe.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif

namespace {

int Result(long rc) { return rc < 0 ? errno : 0; }

}  // namespace

int RunProbe(const std::string& name) {
  errno = 0;
  if (name == "clone3") {
    // A zero-sized argument block is refused (EINVAL) before anything is cloned.
    return Result(syscall(SYS_clone3, nullptr, 0));
  }
  if (name == "clone_into_cgroup") {
    // clone_args v2 (88 bytes) with CLONE_INTO_CGROUP and a cgroup fd no process can have
    // open (INT_MAX, above any RLIMIT_NOFILE): EBADF where the flag is known, EINVAL where it
    // is not (before 5.7). The child is never made: the fd is checked before it exists.
    uint64_t args[11];
    memset(args, 0, sizeof args);
    args[0] = 0x200000000ULL;  // flags = CLONE_INTO_CGROUP
    args[10] = 0x7fffffffULL;  // cgroup
    return Result(syscall(SYS_clone3, args, sizeof args));
  }
  if (name == "pidfd_open") {
    long fd = syscall(SYS_pidfd_open, (long)getpid(), 0);
    if (fd < 0) return errno;
    close((int)fd);
    return 0;
  }
  if (name == "openat2") {
    // A how block of size 0 is refused (EINVAL) before the path is looked at.
    return Result(syscall(SYS_openat2, -1, "", nullptr, 0));
  }
  if (name == "close_range") {
    // first > last: EINVAL, nothing closed.
    return Result(syscall(SYS_close_range, 2U, 1U, 0U));
  }
  if (name == "mount_setattr") {
    // fd -1 with a null attribute block: EINVAL/EBADF where the call exists.
    return Result(syscall(SYS_mount_setattr, -1, "", 0, nullptr, 0));
  }
  if (name == "seccomp_notify") {
    // Asks whether the kernel knows SECCOMP_RET_USER_NOTIF; loads no filter.
    uint32_t action = SECCOMP_RET_USER_NOTIF;
    return Result(syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action));
  }
  if (name == "procfs_pidns") {
    // A procfs context told to show this process's own pid namespace through the "pidns"
    // option (an fd: FSCONFIG_SET_FD = 5): EINVAL where procfs does not know the option,
    // ENOSYS without fsopen. The context is closed unused: nothing is mounted.
    long fs = syscall(SYS_fsopen, "proc", 1L /* FSOPEN_CLOEXEC */);
    if (fs < 0) return errno;
    int ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    int err = ns < 0 ? errno : Result(syscall(SYS_fsconfig, (int)fs, 5, "pidns", nullptr, ns));
    if (ns >= 0) close(ns);
    close((int)fs);
    return err;
  }
  return -1;
}
