/*
 * hostmnt: the few host-side mount operations some checks need for their fixtures (a shared
 * tmpfs to observe propagation, a submount to tell bind from rbind) and the cleanup that
 * undoes them. Plain syscalls; the suite never runs mount(8).
 *
 *   hostmnt tmpfs DIR [FLAGS]    mount a tmpfs on DIR; FLAGS (per-mount flags, set by a bind
 *                                remount) is a comma list of ro, nosuid, nodev, noexec, noatime,
 *                                nodiratime, strictatime, nosymfollow
 *   hostmnt shared DIR           make the mount at DIR shared (its own peer group)
 *   hostmnt private DIR          make the mount at DIR private
 *   hostmnt bind SRC DIR         bind SRC onto DIR
 *   hostmnt umount DIR           detach the mount at DIR (lazy)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

static unsigned long parse_flags(const char *list) {
  static const struct { const char *name; unsigned long flag; } table[] = {
      {"ro", MS_RDONLY},        {"nosuid", MS_NOSUID},         {"nodev", MS_NODEV},
      {"noexec", MS_NOEXEC},    {"noatime", MS_NOATIME},       {"nodiratime", MS_NODIRATIME},
      {"strictatime", MS_STRICTATIME}, {"nosymfollow", MS_NOSYMFOLLOW},
  };
  unsigned long flags = 0;
  char copy[256];
  snprintf(copy, sizeof copy, "%s", list);
  for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
      if (strcmp(t, table[i].name) == 0) flags |= table[i].flag;
  return flags;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: hostmnt tmpfs|shared|private|bind|umount ARGS\n");
    return 2;
  }
  const char *op = argv[1];
  int rc = -1;
  if (strcmp(op, "tmpfs") == 0) {
    rc = mount("conf-tmpfs", argv[2], "tmpfs", 0, "size=64m,mode=0755");
    /* Flags go on the mount, not the superblock, so a bind of it can clear them again. */
    unsigned long flags = argc > 3 ? parse_flags(argv[3]) : 0;
    if (rc == 0 && flags) rc = mount(NULL, argv[2], NULL, MS_REMOUNT | MS_BIND | flags, NULL);
  }
  else if (strcmp(op, "shared") == 0) rc = mount(NULL, argv[2], NULL, MS_SHARED, NULL);
  else if (strcmp(op, "private") == 0) rc = mount(NULL, argv[2], NULL, MS_PRIVATE, NULL);
  else if (strcmp(op, "bind") == 0 && argc > 3) rc = mount(argv[2], argv[3], NULL, MS_BIND, NULL);
  else if (strcmp(op, "umount") == 0) rc = umount2(argv[2], MNT_DETACH);
  else {
    fprintf(stderr, "hostmnt: unknown operation %s\n", op);
    return 2;
  }
  if (rc < 0) {
    fprintf(stderr, "hostmnt %s %s: %s\n", op, argv[2], strerror(errno));
    return 1;
  }
  return 0;
}
