/*
 * crun-ns: lets crun 1.8.1 run on a hybrid cgroup host for the comparison. crun gives up
 * when /sys/fs/cgroup/unified/cgroup.controllers lists controllers while the v1 hierarchies
 * are mounted too. This wrapper enters a new mount namespace (a slave of the host's, so host
 * mounts still arrive and nothing flows back), binds /dev/null over that one file so it
 * reads empty there, and execs the command. The host's mounts are untouched.
 *
 *   crun-ns CRUN [ARGS...]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#define CONTROLLERS "/sys/fs/cgroup/unified/cgroup.controllers"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: crun-ns CRUN [ARGS...]\n");
    return 2;
  }
  if (unshare(CLONE_NEWNS) < 0) {
    perror("crun-ns: unshare(CLONE_NEWNS)");
    return 125;
  }
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
    perror("crun-ns: make / a slave");
    return 125;
  }
  if (access(CONTROLLERS, F_OK) == 0 && mount("/dev/null", CONTROLLERS, NULL, MS_BIND, NULL) < 0) {
    perror("crun-ns: hide " CONTROLLERS);
    return 125;
  }
  execv(argv[1], argv + 1);
  fprintf(stderr, "crun-ns: exec %s: ", argv[1]);
  perror(NULL);
  return 127;
}
