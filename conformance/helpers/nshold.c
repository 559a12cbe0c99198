/*
 * nshold: holds a set of fresh namespaces open so a check can ask a runtime to join them by
 * path (linux.namespaces[].path). It forks a holder that unshares the namespaces (and, for
 * pid and time, forks once more so a process really lives inside them), writes the holder's
 * pid to READYFILE, and waits. SIGTERM (or SIGINT) ends the holder and everything under it.
 *
 *   nshold TYPES READYFILE [UIDMAP GIDMAP]
 * TYPES is a comma list of net,uts,ipc,mnt,pid,user,cgroup,time; for user the maps are
 * "inside host count" lines written by this (privileged) parent, e.g. "0 100000 65536".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int parse_types(const char *s) {
  static const struct { const char *name; int flag; } table[] = {
      {"net", CLONE_NEWNET}, {"uts", CLONE_NEWUTS},       {"ipc", CLONE_NEWIPC},
      {"mnt", CLONE_NEWNS},  {"pid", CLONE_NEWPID},       {"user", CLONE_NEWUSER},
      {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
  };
  int flags = 0;
  char *copy = strdup(s), *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    int known = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
      if (strcmp(t, table[i].name) == 0) { flags |= table[i].flag; known = 1; }
    if (!known) { fprintf(stderr, "nshold: unknown namespace type %s\n", t); exit(2); }
  }
  free(copy);
  return flags;
}

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static pid_t holder;
static void on_term(int sig) {
  (void)sig;
  if (holder > 0) kill(holder, SIGKILL);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: nshold TYPES READYFILE [UIDMAP GIDMAP]\n");
    return 2;
  }
  int flags = parse_types(argv[1]);
  int up[2], down[2];
  if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0) return 1;
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  holder = fork();
  if (holder < 0) return 1;
  if (holder == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (unshare(flags) < 0) { perror("nshold: unshare"); _exit(1); }
    char c = 'u';
    if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1) _exit(1);
    if (flags & CLONE_NEWTIME) write_file("/proc/self/timens_offsets", "monotonic 86400 0\n");
    pid_t inside = getpid();
    if (flags & (CLONE_NEWPID | CLONE_NEWTIME)) {
      inside = fork();
      if (inside == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;) pause();
      }
    }
    if (write(up[1], &inside, sizeof inside) != sizeof inside) _exit(1);
    if (inside != getpid()) waitpid(inside, NULL, 0);
    else for (;;) pause();
    _exit(0);
  }
  char c;
  if (read(up[0], &c, 1) != 1) return 1;
  if (flags & CLONE_NEWUSER) {
    char path[64];
    const char *umap = argc > 3 ? argv[3] : "0 100000 65536";
    const char *gmap = argc > 4 ? argv[4] : "0 100000 65536";
    snprintf(path, sizeof path, "/proc/%d/uid_map", holder);
    if (write_file(path, umap) < 0) { perror("nshold: uid_map"); kill(holder, SIGKILL); return 1; }
    snprintf(path, sizeof path, "/proc/%d/gid_map", holder);
    if (write_file(path, gmap) < 0) { perror("nshold: gid_map"); kill(holder, SIGKILL); return 1; }
  }
  if (write(down[1], &c, 1) != 1) return 1;
  pid_t inside;
  if (read(up[0], &inside, sizeof inside) != sizeof inside) { kill(holder, SIGKILL); return 1; }
  char tmp[4096], num[32];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
  FILE *f = fopen(tmp, "we");
  if (!f) return 1;
  snprintf(num, sizeof num, "%d\n", inside);
  fputs(num, f);
  fclose(f);
  rename(tmp, argv[2]);
  waitpid(holder, NULL, 0);
  return 0;
}
