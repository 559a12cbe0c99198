/*
 * crun 1.8.1 refuses hybrid cgroup hosts ("cgroups in hybrid mode not supported") unless the
 * unified hierarchy looks empty. This wrapper runs a command in a private mount namespace
 * where /sys/fs/cgroup/unified/cgroup.controllers reads empty, so crun can be measured beside
 * berth and runc on such a host. Usage: crun-hybrid crun [args...]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: crun-hybrid COMMAND [ARGS...]\n");
    return 2;
  }
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
    perror("crun-hybrid: private mount namespace");
    return 1;
  }
  const char *controllers = "/sys/fs/cgroup/unified/cgroup.controllers";
  if (access(controllers, F_OK) == 0) {
    char empty[] = "/tmp/crun-hybrid-empty-XXXXXX";
    int fd = mkstemp(empty);
    if (fd < 0 || mount(empty, controllers, NULL, MS_BIND, NULL) < 0) {
      perror("crun-hybrid: hide the unified controllers");
      return 1;
    }
    close(fd);
    unlink(empty); /* the bind mount keeps the (empty) inode alive */
  }
  execvp(argv[1], argv + 1);
  perror("crun-hybrid: exec");
  return 127;
}
