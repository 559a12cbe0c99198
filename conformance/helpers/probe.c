/*
 * probe: runs inside a container (or as the container's process) and reports what the
 * process sees about itself, one "key=value" line per fact, so a check can compare the
 * result with what config.json asked for. Static, so it needs nothing from the rootfs.
 *
 *   probe report                 ids, groups, umask, cwd, names, /proc/self/status lines,
 *                                rlimits, oom_score_adj, namespaces, env, argv, open fds,
 *                                scheduler, tty facts
 *   probe stat [-L] PATH...      lstat (stat with -L) of each path: type, mode, owner, device
 *                                numbers, the device and inode it lives on, a symlink's target
 *   probe write PATH             try to create/append PATH; prints ok or errno=N
 *   probe read PATH              try to read PATH; prints ok bytes=N or errno=N
 *   probe mkdir PATH             mkdir(2); prints ok or errno=N (used by seccomp checks)
 *   probe wait-signal FILE       handle every catchable signal, create FILE.ready, wait; on a
 *                                signal write its number to FILE and exit 0
 *   probe exit N                 exit with status N
 *   probe fifo PATH              open PATH for writing (blocks until a reader), write "go"
 * Any command may be followed by "--" and another probe command line, run with execv after
 * the first one finishes, so one container process can report twice (e.g. before/after).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static void print_file_line_prefixed(const char *path, const char *key) {
  char buf[4096];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    printf("%s=errno:%d\n", key, errno);
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) n = 0;
  buf[n] = 0;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
  printf("%s=%s\n", key, buf);
}

static void status_lines(void) {
  static const char *wanted[] = {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs",
                                 "Seccomp", "Umask", "Groups", "Uid", "Gid", NULL};
  FILE *f = fopen("/proc/self/status", "re");
  if (!f) {
    printf("status=errno:%d\n", errno);
    return;
  }
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    char *colon = strchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    for (int i = 0; wanted[i]; i++) {
      if (strcmp(line, wanted[i]) == 0) {
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\n")] = 0;
        for (char *p = v; *p; p++)
          if (*p == '\t') *p = ' ';
        printf("status.%s=%s\n", line, v);
      }
    }
  }
  fclose(f);
}

static const struct { const char *name; int res; } limits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

static void print_limit_value(rlim_t v) {
  if (v == RLIM_INFINITY)
    printf("unlimited");
  else
    printf("%llu", (unsigned long long)v);
}

static void report(int argc, char **argv) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  printf("pid=%d\nppid=%d\n", getpid(), getppid());
  printf("uid=%u %u %u\ngid=%u %u %u\n", r, e, s, gr, ge, gs);
  gid_t groups[256];
  int n = getgroups(256, groups);
  printf("groups=");
  for (int i = 0; i < n; i++) printf("%s%u", i ? " " : "", groups[i]);
  printf("\n");
  mode_t m = umask(0);
  umask(m);
  printf("umask=%04o\n", m);
  char cwd[4096];
  printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  struct utsname u;
  uname(&u);
  printf("hostname=%s\ndomainname=%s\nmachine=%s\n", u.nodename, u.domainname, u.machine);
  status_lines();
  print_file_line_prefixed("/proc/self/oom_score_adj", "oom_score_adj");
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
    struct rlimit rl;
    if (getrlimit(limits[i].res, &rl) < 0) {
      printf("rlimit.%s=errno:%d\n", limits[i].name, errno);
      continue;
    }
    printf("rlimit.%s=", limits[i].name);
    print_limit_value(rl.rlim_cur);
    printf(" ");
    print_limit_value(rl.rlim_max);
    printf("\n");
  }
  static const char *ns[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts", NULL};
  for (int i = 0; ns[i]; i++) {
    char p[64], link[256];
    snprintf(p, sizeof p, "/proc/self/ns/%s", ns[i]);
    ssize_t l = readlink(p, link, sizeof link - 1);
    if (l < 0) {
      printf("ns.%s=errno:%d\n", ns[i], errno);
      continue;
    }
    link[l] = 0;
    printf("ns.%s=%s\n", ns[i], link);
  }
  for (char **env = environ; *env; env++) printf("env=%s\n", *env);
  for (int i = 0; i < argc; i++) printf("argv=%s\n", argv[i]);
  DIR *d = opendir("/proc/self/fd");
  if (d) {
    struct dirent *de;
    while ((de = readdir(d))) {
      if (de->d_name[0] == '.') continue;
      int fd = atoi(de->d_name);
      if (fd == dirfd(d)) continue;
      char p[64], link[512];
      snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
      ssize_t l = readlink(p, link, sizeof link - 1);
      link[l < 0 ? 0 : l] = 0;
      printf("fd=%d %s\n", fd, link);
    }
    closedir(d);
  }
  int policy = sched_getscheduler(0);
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, 0);
  printf("sched.policy=%d\nsched.nice=%d\n", policy, nice);
  /* ioprio_get(IOPRIO_WHO_PROCESS, self): class << 13 | level */
  printf("ioprio=%ld\n", syscall(SYS_ioprio_get, 1, 0));
  for (int fd = 0; fd < 3; fd++) {
    struct winsize ws;
    int tty = isatty(fd);
    printf("tty.%d=%d", fd, tty);
    if (tty && ioctl(fd, TIOCGWINSZ, &ws) == 0) printf(" %ux%u", ws.ws_row, ws.ws_col);
    printf("\n");
  }
}

static const char *type_name(mode_t m) {
  if (S_ISREG(m)) return "file";
  if (S_ISDIR(m)) return "dir";
  if (S_ISLNK(m)) return "symlink";
  if (S_ISCHR(m)) return "char";
  if (S_ISBLK(m)) return "block";
  if (S_ISFIFO(m)) return "fifo";
  if (S_ISSOCK(m)) return "socket";
  return "other";
}

static void stat_paths(int argc, char **argv) {
  int follow = argc > 0 && strcmp(argv[0], "-L") == 0;
  for (int i = follow; i < argc; i++) {
    struct stat st;
    if ((follow ? stat(argv[i], &st) : lstat(argv[i], &st)) < 0) {
      printf("stat %s errno=%d\n", argv[i], errno);
      continue;
    }
    printf("stat %s type=%s mode=%04o uid=%u gid=%u major=%u minor=%u dev=%u:%u ino=%lu", argv[i],
           type_name(st.st_mode), st.st_mode & 07777, st.st_uid, st.st_gid, major(st.st_rdev), minor(st.st_rdev),
           major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
    if (S_ISLNK(st.st_mode)) {
      char link[4096];
      ssize_t l = readlink(argv[i], link, sizeof link - 1);
      link[l < 0 ? 0 : l] = 0;
      printf(" link=%s", link);
    }
    printf("\n");
  }
}

static int try_write(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, "x", 1) != 1) {
    printf("write %s errno=%d\n", path, errno);
    if (fd >= 0) close(fd);
    return 1;
  }
  close(fd);
  printf("write %s ok\n", path);
  return 0;
}

static int try_read(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    printf("read %s errno=%d\n", path, errno);
    return 1;
  }
  char buf[65536];
  ssize_t total = 0, n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && total < (1 << 20)) total += n;
  int err = n < 0 ? errno : 0;
  close(fd);
  if (n < 0 && total == 0) {
    printf("read %s errno=%d\n", path, err);
    return 1;
  }
  printf("read %s ok bytes=%zd\n", path, total);
  return 0;
}

static volatile sig_atomic_t got;
static void on_signal(int sig) { got = sig; }

static int wait_signal(const char *file) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  for (int s = 1; s < 32; s++)
    if (s != SIGKILL && s != SIGSTOP) sigaction(s, &sa, NULL);
  char ready[4096];
  snprintf(ready, sizeof ready, "%s.ready", file);
  int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
  while (!got) pause();
  fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    char num[16];
    int len = snprintf(num, sizeof num, "%d\n", (int)got);
    if (write(fd, num, len) < 0) {}
    close(fd);
  }
  return 0;
}

static int run(int argc, char **argv);

/* Splits "cmd args... -- rest..." and runs rest with execv once cmd is done. */
static int run_then_chain(int argc, char **argv, char *self) {
  int split = -1;
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) { split = i; break; }
  if (split < 0) return run(argc, argv);
  argv[split] = NULL;
  int rc = run(split, argv);
  fflush(stdout);
  char **next = calloc(argc - split + 1, sizeof *next);
  next[0] = self;
  for (int i = split + 1; i < argc; i++) next[i - split] = argv[i];
  execv("/proc/self/exe", next);
  perror("probe: chain");
  return rc ? rc : 127;
}

static int run(int argc, char **argv) {
  if (argc < 1) return 2;
  const char *cmd = argv[0];
  if (strcmp(cmd, "report") == 0) { report(argc - 1, argv + 1); return 0; }
  if (strcmp(cmd, "stat") == 0) { stat_paths(argc - 1, argv + 1); return 0; }
  if (strcmp(cmd, "write") == 0 && argc > 1) return try_write(argv[1]);
  if (strcmp(cmd, "read") == 0 && argc > 1) return try_read(argv[1]);
  if (strcmp(cmd, "mkdir") == 0 && argc > 1) {
    if (mkdir(argv[1], 0755) < 0) { printf("mkdir %s errno=%d\n", argv[1], errno); return 1; }
    printf("mkdir %s ok\n", argv[1]);
    return 0;
  }
  if (strcmp(cmd, "wait-signal") == 0 && argc > 1) return wait_signal(argv[1]);
  if (strcmp(cmd, "exit") == 0 && argc > 1) return atoi(argv[1]);
  if (strcmp(cmd, "fifo") == 0 && argc > 1) {
    int fd = open(argv[1], O_WRONLY);
    if (fd < 0 || write(fd, "go", 2) != 2) return 1;
    close(fd);
    return 0;
  }
  fprintf(stderr, "probe: unknown command %s\n", cmd);
  return 2;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  int rc = run_then_chain(argc - 1, argv + 1, argv[0]);
  fflush(stdout);
  return rc;
}
