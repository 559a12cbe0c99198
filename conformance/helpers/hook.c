/*
 * hook: a lifecycle hook for the conformance checks. It appends one JSON line to LOG
 * describing how it was run: its label, argv, environment, the state document it read on
 * stdin, its namespaces, its root and cwd, and what the state's pid looked like at that
 * moment (its command line and mount namespace). Static, so the same file works as a
 * runtime-namespace hook on the host and as a startContainer hook inside the rootfs.
 *
 *   hook LOG LABEL [--exit N] [--sleep SECONDS] [--stat PATH]
 * --exit makes the hook fail with status N (after logging); --sleep delays before logging;
 * --stat records whether PATH exists where the hook runs ("statOk").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

struct buf { char *p; size_t len, cap; };

static void put(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}
static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_json_string(struct buf *b, const char *s, size_t n) {
  puts_(b, "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') { esc[0] = '\\'; esc[1] = c; put(b, esc, 2); }
    else if (c < 0x20) { snprintf(esc, sizeof esc, "\\u%04x", c); puts_(b, esc); }
    else put(b, (char *)&c, 1);
  }
  puts_(b, "\"");
}

static size_t read_all(int fd, char *out, size_t cap) {
  size_t len = 0;
  ssize_t n;
  while (len < cap && (n = read(fd, out + len, cap - len)) > 0) len += n;
  return len;
}

static void put_link(struct buf *b, const char *key, const char *path) {
  char link[512];
  ssize_t l = readlink(path, link, sizeof link - 1);
  puts_(b, ",");
  put_json_string(b, key, strlen(key));
  puts_(b, ":");
  if (l < 0) { puts_(b, "null"); return; }
  put_json_string(b, link, l);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: hook LOG LABEL [--exit N] [--sleep S]\n");
    return 2;
  }
  int exit_code = 0, sleep_s = 0;
  const char *stat_path = NULL;
  for (int i = 3; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--exit") == 0) exit_code = atoi(argv[i + 1]);
    if (strcmp(argv[i], "--sleep") == 0) sleep_s = atoi(argv[i + 1]);
    if (strcmp(argv[i], "--stat") == 0) stat_path = argv[i + 1];
  }
  static char in[1 << 16];
  size_t inlen = read_all(0, in, sizeof in - 1);
  in[inlen] = 0;
  if (sleep_s) sleep(sleep_s);

  struct buf b = {0};
  puts_(&b, "{\"label\":");
  put_json_string(&b, argv[2], strlen(argv[2]));
  puts_(&b, ",\"argv\":[");
  for (int i = 0; i < argc; i++) {
    if (i) puts_(&b, ",");
    put_json_string(&b, argv[i], strlen(argv[i]));
  }
  puts_(&b, "],\"env\":[");
  for (char **e = environ; *e; e++) {
    if (e != environ) puts_(&b, ",");
    put_json_string(&b, *e, strlen(*e));
  }
  puts_(&b, "],\"stdin\":");
  put_json_string(&b, in, inlen);
  char num[64];
  snprintf(num, sizeof num, ",\"pid\":%d", getpid());
  puts_(&b, num);
  static const char *ns[] = {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts", NULL};
  for (int i = 0; ns[i]; i++) {
    char path[64], key[32];
    snprintf(path, sizeof path, "/proc/self/ns/%s", ns[i]);
    snprintf(key, sizeof key, "ns.%s", ns[i]);
    put_link(&b, key, path);
  }
  if (stat_path) puts_(&b, access(stat_path, F_OK) == 0 ? ",\"statOk\":true" : ",\"statOk\":false");
  put_link(&b, "root", "/proc/self/root");
  put_link(&b, "cwd", "/proc/self/cwd");

  /* What the state's pid is right now, as this hook sees it. */
  char *p = strstr(in, "\"pid\"");
  if (p && (p = strchr(p, ':'))) {
    int spid = atoi(p + 1);
    if (spid > 0) {
      char path[64], cmd[4096];
      snprintf(path, sizeof path, "/proc/%d/cmdline", spid);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      puts_(&b, ",\"statePidCmdline\":");
      if (fd < 0) puts_(&b, "null");
      else {
        size_t n = read_all(fd, cmd, sizeof cmd - 1);
        close(fd);
        for (size_t i = 0; i < n; i++) if (cmd[i] == 0) cmd[i] = ' ';
        while (n > 0 && cmd[n - 1] == ' ') n--;
        put_json_string(&b, cmd, n);
      }
      snprintf(path, sizeof path, "/proc/%d/ns/mnt", spid);
      put_link(&b, "statePidMnt", path);
    }
  }
  puts_(&b, "}\n");

  int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0 || write(fd, b.p, b.len) != (ssize_t)b.len) {
    fprintf(stderr, "hook: cannot write %s: %s\n", argv[1], strerror(errno));
    return 111;
  }
  close(fd);
  return exit_code;
}
