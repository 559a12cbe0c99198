// connectUnix(path) -> fd, sendFd(socketFd, fd, data) and setWinsize(fd, rows, cols): how the
// runtime hands the pty master to --console-socket and the seccomp notify fd, with the
// container process state, to linux.seccomp.listenerPath. The descriptor itself goes through
// berth_send_fd (fdpass.c), the same code the clone child uses on the sync socket.

#include "sockets.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "fdpass.h"
#include "util.h"

namespace {

// A SOCK_STREAM connection (close-on-exec) to the AF_UNIX socket at path.
Napi::Value ConnectUnix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path;
  if (!ReadString(env, info[0], "connectUnix: path", &path)) return env.Undefined();
  sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path || path.find('\0') != std::string::npos) {
    return ThrowErrno(env, "connect", path, path.empty() ? ENOENT : ENAMETOOLONG);
  }
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, "socket", path, errno);
  // No retry on EINTR: the connection would go on in the background; report it instead.
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
    int err = errno;
    ::close(fd);
    return ThrowErrno(env, "connect", path, err);
  }
  return Napi::Number::New(env, fd);
}

// Sends data with fd attached (SCM_RIGHTS, one sendmsg); the rest of data, if a stream socket
// took only part of it, follows with plain sends.
Napi::Value SendFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t sock, fd;
  if (!ReadInt32(env, info[0], "sendFd: socketFd", &sock)) return env.Undefined();
  if (!ReadInt32(env, info[1], "sendFd: fd", &fd)) return env.Undefined();
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    return ThrowType(env, "sendFd: data must be a Uint8Array");
  }
  Napi::Uint8Array data = info[2].As<Napi::Uint8Array>();
  if (data.ByteLength() == 0) return ThrowType(env, "sendFd: data must not be empty (it carries the descriptor)");
  const uint8_t* p = data.Data();
  size_t left = data.ByteLength();
  long w = berth_send_fd(sock, fd, p, left);
  if (w < 0) return ThrowErrno(env, "sendmsg", "", static_cast<int>(-w));
  p += w;
  left -= static_cast<size_t>(w);
  while (left) {
    ssize_t n = send(sock, p, left, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ThrowErrno(env, "send", "", errno);
    p += n;
    left -= static_cast<size_t>(n);
  }
  return env.Undefined();
}

// TIOCSWINSZ on a terminal fd (the pty master `berth run` proxies).
Napi::Value SetWinsize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t fd, rows, cols;
  if (!ReadInt32(env, info[0], "setWinsize: fd", &fd) || !ReadInt32(env, info[1], "setWinsize: rows", &rows) ||
      !ReadInt32(env, info[2], "setWinsize: cols", &cols)) {
    return env.Undefined();
  }
  winsize ws;
  memset(&ws, 0, sizeof ws);
  ws.ws_row = static_cast<unsigned short>(rows);
  ws.ws_col = static_cast<unsigned short>(cols);
  if (ioctl(fd, TIOCSWINSZ, &ws) < 0) return ThrowErrno(env, "ioctl", "TIOCSWINSZ", errno);
  return env.Undefined();
}

}  // namespace

void RegisterSockets(Napi::Env env, Napi::Object exports) {
  exports.Set("connectUnix", Napi::Function::New<ConnectUnix>(env));
  exports.Set("sendFd", Napi::Function::New<SendFd>(env));
  exports.Set("setWinsize", Napi::Function::New<SetWinsize>(env));
}
