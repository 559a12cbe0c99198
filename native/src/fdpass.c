/* See fdpass.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* The control buffer is aligned for struct cmsghdr and sized for exactly one int. */
union one_fd_control {
  char buf[CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

/* A message of one data buffer with room for one descriptor: what both directions use. */
static void one_fd_message(struct msghdr *msg, struct iovec *iov, union one_fd_control *control, void *data, size_t len) {
  memset(control, 0, sizeof *control);
  memset(msg, 0, sizeof *msg);
  iov->iov_base = data;
  iov->iov_len = len;
  msg->msg_iov = iov;
  msg->msg_iovlen = 1;
  msg->msg_control = control->buf;
  msg->msg_controllen = sizeof control->buf;
}

long berth_send_fd(int sock, int fd, const void *data, size_t len) {
  union one_fd_control control;
  struct iovec iov;
  struct msghdr msg;
  struct cmsghdr *cm;
  long w;

  if (len == 0) return -EINVAL;
  one_fd_message(&msg, &iov, &control, (void *)data, len);
  cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof(int));

  /* A raw syscall: the child must not go through anything that could take a lock. */
  do {
    w = syscall(SYS_sendmsg, sock, &msg, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  return w < 0 ? -errno : w;
}

long berth_recv_fd(int sock, void *buf, size_t len, int *fd) {
  union one_fd_control control;
  struct iovec iov;
  struct msghdr msg;
  struct cmsghdr *cm;
  long r;

  *fd = -1;
  one_fd_message(&msg, &iov, &control, buf, len);
  do {
    r = syscall(SYS_recvmsg, sock, &msg, MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return -errno;
  for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS && cm->cmsg_len >= CMSG_LEN(sizeof(int)))
      memcpy(fd, CMSG_DATA(cm), sizeof(int));
  }
  return r;
}
