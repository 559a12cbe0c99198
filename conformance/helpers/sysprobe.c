/*
 * sysprobe: makes raw system calls a seccomp profile may filter and prints what came back,
 * one "name=result" line each: "ok" or the errno's name (ENOSYS, EPERM, EINVAL, ...). Static,
 * so a container whose profile allows little more than execve can still run it.
 *
 *   sysprobe clone3 getpriority ...
 * clone3 is called with a NULL, zero-size argument (EINVAL when the kernel sees it), the
 * others with harmless arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static const char *errno_name(int e) {
  switch (e) {
    case ENOSYS: return "ENOSYS";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    default: return strerror(e);
  }
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long rc;
    if (strcmp(argv[i], "clone3") == 0) rc = syscall(SYS_clone3, NULL, 0);
    else if (strcmp(argv[i], "getpriority") == 0) rc = syscall(SYS_getpriority, PRIO_PROCESS, 0);
    else if (strcmp(argv[i], "getpid") == 0) rc = syscall(SYS_getpid);
    else {
      printf("%s=unknown\n", argv[i]);
      continue;
    }
    printf("%s=%s\n", argv[i], rc < 0 ? errno_name(errno) : "ok");
  }
  return 0;
}
