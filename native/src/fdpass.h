/*
 * Passing one file descriptor over an AF_UNIX socket (SCM_RIGHTS), both ways. Plain C with no allocation,
 * no locks and no stdio, so the clone child (child_fds.c) can use it as well as the addon
 * (sockets.cc): the child hands the pty master and the seccomp notify fd to the parent over
 * the sync socket, and the parent hands them on to --console-socket and listenerPath.
 */
#ifndef BERTH_FDPASS_H
#define BERTH_FDPASS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Sends `len` bytes of `data` (at least one byte: a stream peer needs data to carry the
 * descriptor) with `fd` attached, in ONE sendmsg. Retries on EINTR, never raises SIGPIPE.
 * Returns the number of bytes sent (a stream socket may take fewer than `len`; the
 * descriptor went with the first of them), or -errno.
 */
long berth_send_fd(int sock, int fd, const void *data, size_t len);

/*
 * Its other end: receives up to `len` bytes into `buf` in ONE recvmsg, with at most one
 * descriptor, which arrives close-on-exec in *fd (-1 when none came). Retries on EINTR.
 * Returns the number of bytes (0: end of stream), or -errno (then *fd is -1).
 */
long berth_recv_fd(int sock, void *buf, size_t len, int *fd);

#ifdef __cplusplus
}
#endif

#endif
