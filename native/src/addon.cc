// The addon's entry point: thin JavaScript-facing wrappers around system calls. Policy lives
// in TypeScript; see src/sys/native.ts for the typed interface these functions implement.

#include <napi.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "seccomp.h"
#include "spawn.h"
#include "sync.h"
#include "util.h"

namespace {

Napi::Value SyncSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  uint32_t type = info[1].As<Napi::Number>().Uint32Value();
  sync_header h = {type, 0, 0, 0, 0};
  std::vector<uint8_t> msg(sizeof h);
  if (info.Length() > 2 && info[2].IsTypedArray()) {
    Napi::Uint8Array payload = info[2].As<Napi::Uint8Array>();
    if (payload.ByteLength() > SYNC_MAX_PAYLOAD) return ThrowType(env, "syncSend: payload too large");
    h.len = static_cast<uint32_t>(payload.ByteLength());
    msg.insert(msg.end(), payload.Data(), payload.Data() + payload.ByteLength());
  }
  memcpy(msg.data(), &h, sizeof h);
  ssize_t w;
  do {
    w = send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  if (w < 0) return ThrowErrno(env, "send", "sync socket", errno);
  return env.Undefined();
}

Napi::Value SyncRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  int timeout = info[1].As<Napi::Number>().Int32Value();
  pollfd pfd = {fd, POLLIN, 0};
  int r;
  do {
    r = poll(&pfd, 1, timeout);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(env, "poll", "sync socket", errno);
  if (r == 0) return ThrowErrno(env, "recv", "sync socket", ETIMEDOUT);
  std::vector<uint8_t> buf(sizeof(sync_header) + SYNC_MAX_PAYLOAD);
  ssize_t n;
  do {
    n = recv(fd, buf.data(), buf.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == ECONNRESET) return env.Null();
    return ThrowErrno(env, "recv", "sync socket", errno);
  }
  if (n == 0) return env.Null();
  if (static_cast<size_t>(n) < sizeof(sync_header)) return ThrowErrno(env, "recv", "short sync message", EPROTO);
  sync_header h;
  memcpy(&h, buf.data(), sizeof h);
  size_t len = std::min<size_t>(h.len, static_cast<size_t>(n) - sizeof h);
  Napi::Object msg = Napi::Object::New(env);
  msg.Set("type", Napi::Number::New(env, h.type));
  msg.Set("step", Napi::Number::New(env, h.step));
  msg.Set("errno", Napi::Number::New(env, h.err));
  msg.Set("value", Napi::Number::New(env, static_cast<double>(h.value)));
  msg.Set("payload", Napi::Buffer<uint8_t>::Copy(env, buf.data() + sizeof h, len));
  return msg;
}

// Waits for a process in the threadpool, so the JS thread stays free to forward signals.
class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, pid_t pid) : Napi::AsyncWorker(env), pid_(pid), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    pid_t r;
    do {
      r = waitpid(pid_, &status_, __WALL);
    } while (r < 0 && errno == EINTR);
    if (r < 0) err_ = errno;
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (err_) {
      Napi::Error e = Napi::Error::New(env, std::string("waitpid: ") + strerror(err_));
      e.Set("errno", Napi::Number::New(env, err_));
      e.Set("code", Napi::String::New(env, ErrnoName(err_)));
      deferred_.Reject(e.Value());
      return;
    }
    Napi::Object res = Napi::Object::New(env);
    res.Set("code", WIFEXITED(status_) ? Napi::Number::New(env, WEXITSTATUS(status_)) : env.Null());
    res.Set("signal", WIFSIGNALED(status_) ? Napi::Number::New(env, WTERMSIG(status_)) : env.Null());
    deferred_.Resolve(res);
  }

 private:
  pid_t pid_;
  int status_ = 0;
  int err_ = 0;
  Napi::Promise::Deferred deferred_;
};

Napi::Value WaitPid(const Napi::CallbackInfo& info) {
  WaitWorker* w = new WaitWorker(info.Env(), info[0].As<Napi::Number>().Int32Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// Blocks until fd reports POLLERR/POLLHUP: for the write end of a fifo, until no reader is
// left. Returns false on timeout.
Napi::Value WaitHangup(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int timeout = info[1].As<Napi::Number>().Int32Value();
  pollfd pfd = {fd, 0, 0};
  int r;
  do {
    r = poll(&pfd, 1, timeout);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(info.Env(), "poll", "", errno);
  return Napi::Boolean::New(info.Env(), r > 0);
}

Napi::Value SetChildSubreaper(const Napi::CallbackInfo& info) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return ThrowErrno(info.Env(), "prctl", "PR_SET_CHILD_SUBREAPER", errno);
  return info.Env().Undefined();
}

Napi::Value Mkfifo(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  mode_t mode = info[1].As<Napi::Number>().Uint32Value();
  mode_t old = umask(0);
  int r = mkfifo(path.c_str(), mode);
  int err = errno;
  umask(old);
  if (r < 0) return ThrowErrno(info.Env(), "mkfifo", path, err);
  return info.Env().Undefined();
}

Napi::Value Flock(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  bool exclusive = info[1].As<Napi::Boolean>().Value();
  bool nonblocking = info[2].As<Napi::Boolean>().Value();
  int op = (exclusive ? LOCK_EX : LOCK_SH) | (nonblocking ? LOCK_NB : 0);
  int r;
  do {
    r = flock(fd, op);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    if (errno == EWOULDBLOCK && nonblocking) return Napi::Boolean::New(info.Env(), false);
    return ThrowErrno(info.Env(), "flock", "", errno);
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value MemfdWithBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0) return ThrowErrno(env, "memfd_create", name, errno);
  size_t off = 0;
  while (off < bytes.ByteLength()) {
    ssize_t w = write(fd, bytes.Data() + off, bytes.ByteLength() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return ThrowErrno(env, "write", name, err);
    }
    off += static_cast<size_t>(w);
  }
  lseek(fd, 0, SEEK_SET);
  return Napi::Number::New(env, fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (close(fd) < 0 && errno != EINTR) return ThrowErrno(info.Env(), "close", std::to_string(fd), errno);
  return info.Env().Undefined();
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int flags = info[1].As<Napi::Number>().Int32Value();
  mode_t mode = info[2].As<Napi::Number>().Uint32Value();
  int fd;
  do {
    fd = open(path.c_str(), flags, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ThrowErrno(info.Env(), "open", path, errno);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value ErrnoNameJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), ErrnoName(info[0].As<Napi::Number>().Int32Value()));
}

Napi::Value StrerrorJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), strerror(info[0].As<Napi::Number>().Int32Value()));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("spawn", Napi::Function::New(env, Spawn));
  exports.Set("syncSend", Napi::Function::New(env, SyncSend));
  exports.Set("syncRecv", Napi::Function::New(env, SyncRecv));
  exports.Set("waitPid", Napi::Function::New(env, WaitPid));
  exports.Set("waitHangup", Napi::Function::New(env, WaitHangup));
  exports.Set("setChildSubreaper", Napi::Function::New(env, SetChildSubreaper));
  exports.Set("mkfifo", Napi::Function::New(env, Mkfifo));
  exports.Set("flock", Napi::Function::New(env, Flock));
  exports.Set("memfdWithBytes", Napi::Function::New(env, MemfdWithBytes));
  exports.Set("close", Napi::Function::New(env, Close));
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("errnoName", Napi::Function::New(env, ErrnoNameJs));
  exports.Set("strerror", Napi::Function::New(env, StrerrorJs));
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp));
  return exports;
}

}  // namespace

NODE_API_MODULE(berth, Init)
