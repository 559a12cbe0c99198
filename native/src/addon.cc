// The addon's entry point: thin JavaScript-facing wrappers around system calls. Policy lives
// in TypeScript; src/sys/native.ts is the typed interface these functions implement. Every
// failure throws an Error whose message names the call (and path) and which carries .errno
// and .code; a wrong argument type throws a TypeError before any system call is made.

#include <napi.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "bpf.h"
#include "fdpass.h"
#include "netdev.h"
#include "probe.h"
#include "procfs_write.h"
#include "seccomp.h"
#include "sockets.h"
#include "spawn.h"
#include "sync.h"
#include "util.h"

namespace {

// Reads argument i as a fd / int / string / bool, or returns from the calling function.
#define ARG_INT(i, name, var)                                                          \
  int32_t var;                                                                         \
  if (!ReadInt32(info.Env(), info[i], std::string(__func__) + ": " + (name), &var)) \
    return info.Env().Undefined()
#define ARG_STRING(i, name, var)                                                        \
  std::string var;                                                                      \
  if (!ReadString(info.Env(), info[i], std::string(__func__) + ": " + (name), &var)) \
    return info.Env().Undefined()
#define ARG_BOOL(i, name, var)                                                        \
  bool var;                                                                           \
  if (!ReadBool(info.Env(), info[i], std::string(__func__) + ": " + (name), &var)) \
    return info.Env().Undefined()

bool IsBytes(Napi::Value v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

// syncSend(fd, type, payload?): one SOCK_SEQPACKET datagram, header + payload.
Napi::Value syncSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ARG_INT(0, "fd", fd);
  ARG_INT(1, "type", type);
  sync_header h = {static_cast<uint32_t>(type), 0, 0, 0, 0};
  std::vector<uint8_t> msg(sizeof h);
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    if (!IsBytes(info[2])) return ThrowType(env, "syncSend: payload must be a Uint8Array");
    Napi::Uint8Array payload = info[2].As<Napi::Uint8Array>();
    if (payload.ByteLength() > SYNC_MAX_PAYLOAD) return ThrowType(env, "syncSend: payload larger than 64 KiB");
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

// syncRecv(fd, timeoutMs): the next message, null on EOF, throws ETIMEDOUT on timeout.
// (Only the one descriptor a message may carry is kept; a control buffer sized for one int
// makes the kernel drop any more with MSG_CTRUNC.)
Napi::Value syncRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ARG_INT(0, "fd", fd);
  ARG_INT(1, "timeoutMs", timeout);
  pollfd pfd = {fd, POLLIN, 0};
  int r;
  do {
    r = poll(&pfd, 1, timeout < 0 ? -1 : timeout);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(env, "poll", "sync socket", errno);
  if (r == 0) return ThrowErrno(env, "recv", "sync socket", ETIMEDOUT);
  std::vector<uint8_t> buf(sizeof(sync_header) + SYNC_MAX_PAYLOAD);
  // A message may carry one descriptor (SYNC_CONSOLE_FD, SYNC_SECCOMP_FD): it arrives
  // close-on-exec and is returned as .fd (-1 when none).
  int passed;
  long n = berth_recv_fd(fd, buf.data(), buf.size(), &passed);
  if (passed >= 0 && (n <= 0 || static_cast<size_t>(n) < sizeof(sync_header))) {
    ::close(passed);
    passed = -1;
  }
  if (n < 0) {
    if (n == -ECONNRESET) return env.Null();  // the peer died with data unread: also EOF
    return ThrowErrno(env, "recv", "sync socket", static_cast<int>(-n));
  }
  if (n == 0) return env.Null();
  if (static_cast<size_t>(n) < sizeof(sync_header)) return ThrowErrno(env, "recv", "sync socket (short message)", EPROTO);
  sync_header h;
  memcpy(&h, buf.data(), sizeof h);
  size_t len = std::min<size_t>(h.len, static_cast<size_t>(n) - sizeof h);
  Napi::Object msg = Napi::Object::New(env);
  msg.Set("type", Napi::Number::New(env, h.type));
  msg.Set("step", Napi::Number::New(env, h.step));
  msg.Set("errno", Napi::Number::New(env, h.err));
  msg.Set("value", Napi::Number::New(env, static_cast<double>(h.value)));
  msg.Set("payload", Napi::Buffer<uint8_t>::Copy(env, buf.data() + sizeof h, len));
  msg.Set("fd", Napi::Number::New(env, passed));
  return msg;
}

// Waits for a process in libuv's threadpool, so the JS thread stays free (to forward
// signals, for one).
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
      deferred_.Reject(ErrnoError(env, "waitpid", std::to_string(pid_), err_).Value());
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

Napi::Value waitPid(const Napi::CallbackInfo& info) {
  ARG_INT(0, "pid", pid);
  if (pid <= 0) return ThrowType(info.Env(), "waitPid: pid must be positive");
  WaitWorker* w = new WaitWorker(info.Env(), pid);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// Blocks until fd reports POLLERR/POLLHUP: for the write end of a fifo, until no reader is
// left. Returns false on timeout.
Napi::Value waitHangup(const Napi::CallbackInfo& info) {
  ARG_INT(0, "fd", fd);
  ARG_INT(1, "timeoutMs", timeout);
  pollfd pfd = {fd, 0, 0};
  int r;
  do {
    r = poll(&pfd, 1, timeout < 0 ? -1 : timeout);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return ThrowErrno(info.Env(), "poll", "", errno);
  return Napi::Boolean::New(info.Env(), r > 0);
}

Napi::Value setChildSubreaper(const Napi::CallbackInfo& info) {
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return ThrowErrno(info.Env(), "prctl", "PR_SET_CHILD_SUBREAPER", errno);
  return info.Env().Undefined();
}

// The mode is applied exactly (umask cleared for the call).
Napi::Value mkfifo(const Napi::CallbackInfo& info) {
  ARG_STRING(0, "path", path);
  ARG_INT(1, "mode", mode);
  mode_t old = umask(0);
  int r = ::mkfifo(path.c_str(), static_cast<mode_t>(mode));
  int err = errno;
  umask(old);
  if (r < 0) return ThrowErrno(info.Env(), "mkfifo", path, err);
  return info.Env().Undefined();
}

Napi::Value flock(const Napi::CallbackInfo& info) {
  ARG_INT(0, "fd", fd);
  ARG_BOOL(1, "exclusive", exclusive);
  ARG_BOOL(2, "nonBlocking", nonblocking);
  int op = (exclusive ? LOCK_EX : LOCK_SH) | (nonblocking ? LOCK_NB : 0);
  int r;
  do {
    r = ::flock(fd, op);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    if (errno == EWOULDBLOCK && nonblocking) return Napi::Boolean::New(info.Env(), false);
    return ThrowErrno(info.Env(), "flock", std::to_string(fd), errno);
  }
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value memfdWithBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ARG_STRING(0, "name", name);
  if (!IsBytes(info[1])) return ThrowType(env, "memfdWithBytes: bytes must be a Uint8Array");
  Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC);
  if (fd < 0) return ThrowErrno(env, "memfd_create", name, errno);
  size_t off = 0;
  while (off < bytes.ByteLength()) {
    ssize_t w = write(fd, bytes.Data() + off, bytes.ByteLength() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ThrowErrno(env, "write", name, err);
    }
    off += static_cast<size_t>(w);
  }
  if (lseek(fd, 0, SEEK_SET) < 0) {
    int err = errno;
    ::close(fd);
    return ThrowErrno(env, "lseek", name, err);
  }
  return Napi::Number::New(env, fd);
}

Napi::Value close(const Napi::CallbackInfo& info) {
  ARG_INT(0, "fd", fd);
  // EINTR: Linux has closed the fd anyway; retrying could close someone else's.
  if (::close(fd) < 0 && errno != EINTR) return ThrowErrno(info.Env(), "close", std::to_string(fd), errno);
  return info.Env().Undefined();
}

Napi::Value open(const Napi::CallbackInfo& info) {
  ARG_STRING(0, "path", path);
  ARG_INT(1, "flags", flags);
  ARG_INT(2, "mode", mode);
  int fd;
  do {
    fd = ::open(path.c_str(), flags, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ThrowErrno(info.Env(), "open", path, errno);
  return Napi::Number::New(info.Env(), fd);
}

// pidfd_open(pid, 0), close-on-exec: exec joins the namespaces of a container's init through it.
Napi::Value pidfdOpen(const Napi::CallbackInfo& info) {
  ARG_INT(0, "pid", pid);
  int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return ThrowErrno(info.Env(), "pidfd_open", std::to_string(pid), errno);
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value errnoName(const Napi::CallbackInfo& info) {
  ARG_INT(0, "errno", err);
  return Napi::String::New(info.Env(), ErrnoName(err));
}

// Lazily detaches the topmost mount at path (and everything mounted below it). Returns false
// when nothing is mounted there (EINVAL) or the path is gone; other errors throw.
Napi::Value detachMount(const Napi::CallbackInfo& info) {
  ARG_STRING(0, "path", path);
  if (umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
    if (errno == EINVAL || errno == ENOENT) return Napi::Boolean::New(info.Env(), false);
    return ThrowErrno(info.Env(), "umount2", path, errno);
  }
  return Napi::Boolean::New(info.Env(), true);
}

// One write into procfs through a verified procfs root of the caller's own (procfs_write.h),
// for the parent's writes into a child's /proc/PID files.
Napi::Value writeProcfs(const Napi::CallbackInfo& info) {
  ARG_STRING(0, "rel", rel);
  ARG_STRING(1, "content", content);
  int no_procfs = 0;
  int err = procfs_write(rel.c_str(), content.c_str(), &no_procfs);
  if (err) return ThrowErrno(info.Env(), no_procfs ? "open procfs" : "write", no_procfs ? "/proc" : "/proc/" + rel, err);
  return info.Env().Undefined();
}

Napi::Value strerror(const Napi::CallbackInfo& info) {
  ARG_INT(0, "errno", err);
  return Napi::String::New(info.Env(), ::strerror(err));
}

// One harmless kernel probe for `berth check` (probe.cc): the errno it got, 0 on success.
Napi::Value probeKernel(const Napi::CallbackInfo& info) {
  ARG_STRING(0, "name", name);
  int err = RunProbe(name);
  if (err < 0) {
    Napi::TypeError::New(info.Env(), "probeKernel: unknown probe " + name).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), err);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("spawn", Napi::Function::New<Spawn>(env));
  exports.Set("syncSend", Napi::Function::New<syncSend>(env));
  exports.Set("syncRecv", Napi::Function::New<syncRecv>(env));
  exports.Set("waitPid", Napi::Function::New<waitPid>(env));
  exports.Set("waitHangup", Napi::Function::New<waitHangup>(env));
  exports.Set("setChildSubreaper", Napi::Function::New<setChildSubreaper>(env));
  exports.Set("mkfifo", Napi::Function::New<mkfifo>(env));
  exports.Set("flock", Napi::Function::New<flock>(env));
  exports.Set("memfdWithBytes", Napi::Function::New<memfdWithBytes>(env));
  exports.Set("close", Napi::Function::New<close>(env));
  exports.Set("open", Napi::Function::New<open>(env));
  exports.Set("pidfdOpen", Napi::Function::New<pidfdOpen>(env));
  exports.Set("detachMount", Napi::Function::New<detachMount>(env));
  exports.Set("writeProcfs", Napi::Function::New<writeProcfs>(env));
  exports.Set("netdevAddresses", Napi::Function::New<NetdevAddresses>(env));
  exports.Set("netdevMove", Napi::Function::New<NetdevMove>(env));
  exports.Set("errnoName", Napi::Function::New<errnoName>(env));
  exports.Set("strerror", Napi::Function::New<strerror>(env));
  exports.Set("probeKernel", Napi::Function::New<probeKernel>(env));
  exports.Set("compileSeccomp", Napi::Function::New<CompileSeccomp>(env));
  exports.Set("seccompVersion", Napi::Function::New<SeccompVersion>(env));
  exports.Set("attachDeviceProgram", Napi::Function::New<AttachDeviceProgram>(env));
  RegisterSockets(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(berth, Init)
