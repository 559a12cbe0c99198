/*
 * fdrecv: the receiving end of the two sockets through which a runtime hands file
 * descriptors to its caller: --console-socket (the pty master of a terminal container) and
 * linux.seccomp.listenerPath (the seccomp notify fd with the container process state).
 * It listens on SOCKET, accepts one connection and writes what it saw to OUT.meta:
 *   fds=N                 descriptors received with SCM_RIGHTS
 *   fdlink=TARGET         what each received descriptor is (/proc/self/fd link)
 *   payload=TEXT          the bytes sent with them (and after, until the peer closed)
 *   closed=1              the peer closed the connection
 * In console mode it then copies everything the pty master yields to OUT.data until the
 * terminal's last user goes away. It gives up after 30 seconds.
 *
 *   fdrecv console|seccomp SOCKET OUT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: fdrecv console|seccomp SOCKET OUT\n");
    return 2;
  }
  alarm(30);
  int console = strcmp(argv[1], "console") == 0;
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(argv[2]) >= sizeof addr.sun_path) {
    fprintf(stderr, "fdrecv: socket path too long\n");
    return 2;
  }
  strcpy(addr.sun_path, argv[2]);
  unlink(argv[2]);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 1) < 0) {
    perror("fdrecv: bind/listen");
    return 1;
  }
  char ready[4096];
  snprintf(ready, sizeof ready, "%s.ready", argv[3]);
  close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
  if (c < 0) {
    perror("fdrecv: accept");
    return 1;
  }
  char meta_path[4096];
  snprintf(meta_path, sizeof meta_path, "%s.meta", argv[3]);
  FILE *meta = fopen(meta_path, "we");
  if (!meta) return 1;

  static char payload[1 << 16];
  size_t plen = 0;
  char control[CMSG_SPACE(sizeof(int) * 16)];
  struct iovec iov = {.iov_base = payload, .iov_len = sizeof payload - 1};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
  if (n < 0) {
    perror("fdrecv: recvmsg");
    return 1;
  }
  plen = n;
  int fds[16], nfds = 0;
  for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
      int count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (int i = 0; i < count && nfds < 16; i++) memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
    }
  }
  fprintf(meta, "fds=%d\n", nfds);
  for (int i = 0; i < nfds; i++) {
    char p[64], link[256];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fds[i]);
    ssize_t l = readlink(p, link, sizeof link - 1);
    link[l < 0 ? 0 : l] = 0;
    fprintf(meta, "fdlink=%s\n", link);
  }
  fflush(meta);
  if (!console) {
    /* The state may come in several writes; read until the runtime closes. */
    while (plen < sizeof payload - 1 && (n = read(c, payload + plen, sizeof payload - 1 - plen)) > 0) plen += n;
    for (size_t i = 0; i < plen; i++) if (payload[i] == '\n') payload[i] = ' ';
    payload[plen] = 0;
    fprintf(meta, "payload=%s\n", payload);
    if (n == 0) fprintf(meta, "closed=1\n");
    fclose(meta);
    return 0;
  }
  payload[plen] = 0;
  fprintf(meta, "payload=%s\n", payload);
  fclose(meta);
  close(c);
  if (nfds < 1) return 1;
  char data_path[4096];
  snprintf(data_path, sizeof data_path, "%s.data", argv[3]);
  int out = open(data_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  char buf[4096];
  while ((n = read(fds[0], buf, sizeof buf)) > 0)
    if (write(out, buf, n) != n) break;
  close(out);
  return 0;
}
