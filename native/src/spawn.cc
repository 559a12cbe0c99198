// spawn(): converts the JavaScript launch plan into one arena of plain structs, puts it in a
// sealed memfd, makes the sync socketpair and starts the executor (executor.c, a small static
// program embedded in the addon and kept in a sealed memfd) with a vfork-style clone, in this
// process's namespaces. The executor reads the plan, clone3s the container's child with the
// plan's namespace flags and CLONE_PARENT (so it is this process's child), which walks the plan
// (berth_child_main), and reports the child's pid (or clone3's errno) over a pipe. The parent
// reaps the executor and returns {pid, syncFd}.
//
// Everything that can fail for a reason in the plan (a wrong type, an unknown op code, argv
// counts that do not add up) fails here, in the parent, as a TypeError, before any process
// exists.

#include "spawn.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "executor_launch.h"
#include "plan.h"
#include "sync.h"
#include "util.h"

namespace {

// Spare zero slots after every op's n and s arrays (see struct plan_op): the widest op reads
// n0..n6 and s0..s3.
constexpr size_t kSpareInts = PLAN_SPARE_INTS;
constexpr size_t kSpareStrings = PLAN_SPARE_STRINGS;

// A bump allocator over one zeroed block: the plan, its arrays and its strings live together.
// Sized exactly by a first pass over the input, so running out means a bug, not bad input.
class Arena {
 public:
  explicit Arena(size_t size) : base_(static_cast<char*>(calloc(1, size))), size_(size) {}
  ~Arena() { free(base_); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  bool ok() const { return base_ != nullptr; }
  const char* data() const { return base_; }
  size_t size() const { return size_; }

  template <typename T>
  T* take(size_t count) {
    size_t aligned = Align(used_);
    size_t bytes = count * sizeof(T);
    if (aligned + bytes > size_) return nullptr;
    used_ = aligned + bytes;
    return reinterpret_cast<T*>(base_ + aligned);
  }

  // What take<T>(count) will consume, for the sizing pass.
  template <typename T>
  static size_t Cost(size_t count) {
    return Align(count * sizeof(T)) + kAlign;
  }

 private:
  static constexpr size_t kAlign = 16;
  static size_t Align(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }
  char* base_;
  size_t size_;
  size_t used_ = 0;
};

// One op as read from JavaScript, before it goes into the arena.
struct OpInput {
  uint32_t code = 0;
  std::vector<int64_t> n;
  std::vector<std::string> s;
  std::vector<uint8_t> b;
};

// Reads ops[i]; on a bad value throws a TypeError naming the slot and returns false.
bool ReadOp(Napi::Env env, Napi::Value value, uint32_t i, OpInput* op) {
  const std::string where = "spawn: ops[" + std::to_string(i) + "]";
  if (!value.IsObject()) {
    ThrowType(env, where + " must be an object");
    return false;
  }
  Napi::Object o = value.As<Napi::Object>();
  int64_t code;
  if (!ReadInt64(env, o.Get("code"), where + ".code", &code)) return false;
  if (code < 1 || code > OP_LAST) {
    ThrowType(env, where + ".code " + std::to_string(code) + " is not a known op");
    return false;
  }
  op->code = static_cast<uint32_t>(code);

  Napi::Value n = o.Get("n");
  if (n.IsArray()) {
    Napi::Array a = n.As<Napi::Array>();
    op->n.resize(a.Length());
    for (uint32_t j = 0; j < a.Length(); j++) {
      if (!ReadInt64(env, a.Get(j), where + ".n[" + std::to_string(j) + "]", &op->n[j])) return false;
    }
  } else if (!n.IsUndefined()) {
    ThrowType(env, where + ".n must be an array of numbers");
    return false;
  }

  Napi::Value s = o.Get("s");
  if (s.IsArray()) {
    Napi::Array a = s.As<Napi::Array>();
    op->s.resize(a.Length());
    for (uint32_t j = 0; j < a.Length(); j++) {
      if (!ReadString(env, a.Get(j), where + ".s[" + std::to_string(j) + "]", &op->s[j])) return false;
    }
  } else if (!s.IsUndefined()) {
    ThrowType(env, where + ".s must be an array of strings");
    return false;
  }

  Napi::Value b = o.Get("b");
  if (b.IsTypedArray() && b.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array bytes = b.As<Napi::Uint8Array>();
    op->b.assign(bytes.Data(), bytes.Data() + bytes.ByteLength());
  } else if (!b.IsUndefined()) {
    ThrowType(env, where + ".b must be a Uint8Array");
    return false;
  }

  // Exec: s = argv..., env...; RunHook: s = path, argv..., env... (n0 = argc, n1 = envc).
  if (op->code == OP_EXEC || op->code == OP_RUN_HOOK) {
    size_t first = op->code == OP_RUN_HOOK ? 1 : 0;
    if (op->n.size() < 2 || op->n[0] < 1 || op->n[1] < 0 ||
        first + static_cast<size_t>(op->n[0]) + static_cast<size_t>(op->n[1]) != op->s.size()) {
      ThrowType(env, where + ": n0 (argc) and n1 (envc) must add up to the strings in s");
      return false;
    }
  }
  return true;
}

// The arena bytes one op needs; must mirror what Place() takes.
size_t OpCost(const OpInput& in) {
  size_t bytes = Arena::Cost<int64_t>(in.n.size() + kSpareInts) + Arena::Cost<char*>(in.s.size() + kSpareStrings) +
                 Arena::Cost<uint8_t>(in.b.size());
  for (const std::string& str : in.s) bytes += Arena::Cost<char>(str.size() + 1);
  if (in.code == OP_EXEC || in.code == OP_RUN_HOOK) bytes += 2 * Arena::Cost<char*>(in.s.size() + PLAN_EXEC_SLOTS);
  return bytes;
}

// Copies one op into the arena. argv/envp for Exec and RunHook point at its copied strings.
// `empty` is the arena's "" (every pointer the executor gets must point into the arena).
bool Place(Arena* arena, const OpInput& in, plan_op* op, char* empty) {
  op->code = in.code;
  op->n_count = static_cast<uint32_t>(in.n.size());
  op->s_count = static_cast<uint32_t>(in.s.size());
  op->b_len = static_cast<uint32_t>(in.b.size());

  int64_t* n = arena->take<int64_t>(in.n.size() + kSpareInts);
  char** s = arena->take<char*>(in.s.size() + kSpareStrings);
  if (!n || !s) return false;
  std::copy(in.n.begin(), in.n.end(), n);  // the spare slots stay 0 (the arena is zeroed)
  for (size_t j = 0; j < in.s.size() + kSpareStrings; j++) s[j] = empty;
  for (size_t j = 0; j < in.s.size(); j++) {
    char* copy = arena->take<char>(in.s[j].size() + 1);
    if (!copy) return false;
    memcpy(copy, in.s[j].c_str(), in.s[j].size() + 1);
    s[j] = copy;
  }
  op->n = n;
  op->s = s;
  if (!in.b.empty()) {
    uint8_t* b = arena->take<uint8_t>(in.b.size());
    if (!b) return false;
    memcpy(b, in.b.data(), in.b.size());
    op->b = b;
  }

  if (in.code == OP_EXEC || in.code == OP_RUN_HOOK) {
    size_t first = in.code == OP_RUN_HOOK ? 1 : 0;
    size_t argc = static_cast<size_t>(in.n[0]), envc = static_cast<size_t>(in.n[1]);
    // envp keeps one spare slot: Exec's n2 appends the HOME that PasswdHome found there.
    char** argv = arena->take<char*>(in.s.size() + PLAN_EXEC_SLOTS);
    char** envp = arena->take<char*>(in.s.size() + PLAN_EXEC_SLOTS);
    if (!argv || !envp) return false;
    for (size_t j = 0; j < argc; j++) argv[j] = s[first + j];
    argv[argc] = nullptr;
    for (size_t j = 0; j < envc; j++) envp[j] = s[first + argc + j];
    envp[envc] = nullptr;
    op->argv = argv;
    op->envp = envp;
  }
  return true;
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
constexpr unsigned kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

// A memfd holding `len` bytes, sealed so that no handle to it (the container may get one to
// the executor through /proc/PID/exe) can ever change them. Returns the fd or -errno.
int SealedMemfd(const char* name, const void* data, size_t len, bool exec) {
  unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  // Since Linux 6.3 vm.memfd_noexec may make memfds non-executable unless MFD_EXEC asks;
  // older kernels reject the flag (and every memfd is executable there).
  int fd = exec ? memfd_create(name, flags | MFD_EXEC) : -1;
  if (fd < 0) fd = memfd_create(name, flags);
  if (fd < 0) return -errno;
  const char* p = static_cast<const char*>(data);
  for (size_t done = 0; done < len;) {
    ssize_t w = write(fd, p + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int err = w < 0 ? errno : EIO;
      close(fd);
      return -err;
    }
    done += static_cast<size_t>(w);
  }
  if (fcntl(fd, F_ADD_SEALS, kSeals) < 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

// The executor's memfd, made once per process (the same bytes serve every spawn).
int ExecutorFd() {
  static int fd = -1;
  if (fd < 0) {
    fd = SealedMemfd("berth-executor", berth_executor_start, static_cast<size_t>(berth_executor_end - berth_executor_start), true);
  }
  return fd;
}

// What the vfork child needs: it shares this process's memory until its execveat.
struct Launch {
  int exe_fd, plan_fd, sync_fd, report_fd, close_a, close_b, cgroup_fd;
  uint64_t clone_flags;
  uintptr_t arena_base;
  const char* argv0;
};

// The vfork child: drop this side's ends, then become the executor (raw system calls only:
// it runs on a private stack in the memory of a multi-threaded process).
int LaunchExecutor(void* arg) {
  const Launch* l = static_cast<const Launch*>(arg);
  syscall(SYS_close, l->close_a);
  syscall(SYS_close, l->close_b);
  berth_become_executor(l->exe_fd, l->plan_fd, l->sync_fd, l->report_fd, l->clone_flags, l->cgroup_fd, l->arena_base, l->argv0);
}

// The vfork child's stack: used by one spawn at a time (only the JavaScript thread spawns,
// and it is suspended until the child has exec'd).
alignas(64) char g_launch_stack[64 * 1024];

// After the executor is gone without a report: the error it (or the launch before it) sent
// over the sync socket, as a thrown Error.
Napi::Value ThrowExecutorFailure(Napi::Env env, int sync_fd) {
  struct {
    sync_header h;
    char detail[256];
  } msg;
  ssize_t n;
  do {
    n = recv(sync_fd, &msg, sizeof msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < static_cast<ssize_t>(sizeof msg.h) || msg.h.type != SYNC_ERROR)
    return ThrowErrno(env, "spawn", "berth executor exited without reporting", EPROTO);
  size_t len = std::min<size_t>(msg.h.len, static_cast<size_t>(n) - sizeof msg.h);
  return ThrowErrno(env, "spawn", std::string(msg.detail, len), msg.h.err);
}

}  // namespace

Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) return ThrowType(env, "spawn: expected {cloneFlags, cgroupFd, ops}");
  Napi::Object req = info[0].As<Napi::Object>();
  int64_t clone_flags;
  int32_t cgroup_fd;
  if (!ReadInt64(env, req.Get("cloneFlags"), "spawn: cloneFlags", &clone_flags)) return env.Undefined();
  if (!ReadInt32(env, req.Get("cgroupFd"), "spawn: cgroupFd", &cgroup_fd)) return env.Undefined();
  // The executor's argv[0]: "berth-executor ID" where the caller names the container, so
  // `ps` and a search of /proc/*/cmdline find a container's setup process by its id.
  std::string argv0 = "berth-executor";
  Napi::Value title = req.Get("title");
  if (!title.IsUndefined()) {
    std::string t;
    if (!ReadString(env, title, "spawn: title", &t)) return env.Undefined();
    argv0 += " " + t;
  }
  Napi::Value ops_value = req.Get("ops");
  if (!ops_value.IsArray()) return ThrowType(env, "spawn: ops must be an array");
  Napi::Array ops_array = ops_value.As<Napi::Array>();

  // Pass 1: read and check every op, and size the arena.
  std::vector<OpInput> inputs(ops_array.Length());
  size_t bytes = Arena::Cost<plan>(1) + Arena::Cost<plan_op>(inputs.size() + 1);
  for (uint32_t i = 0; i < inputs.size(); i++) {
    if (!ReadOp(env, ops_array.Get(i), i, &inputs[i])) return env.Undefined();
    bytes += OpCost(inputs[i]);
  }

  // Pass 2: copy it all into the arena. From here on nothing the child reads lives elsewhere.
  Arena arena(bytes);
  if (!arena.ok()) return ThrowErrno(env, "spawn", "plan arena", ENOMEM);
  plan* p = arena.take<plan>(1);  // first: the executor finds it at the arena's start
  plan_op* ops = arena.take<plan_op>(inputs.size() + 1);
  char* empty = arena.take<char>(1);
  if (!p || !ops || !empty) return ThrowErrno(env, "spawn", "plan arena", ENOMEM);
  for (size_t i = 0; i < inputs.size(); i++) {
    if (!Place(&arena, inputs[i], &ops[i], empty)) return ThrowErrno(env, "spawn", "plan arena", ENOMEM);
  }
  p->count = static_cast<uint32_t>(inputs.size());
  p->ops = ops;

  int exe_fd = ExecutorFd();
  if (exe_fd < 0) return ThrowErrno(env, "memfd_create", "berth executor", -exe_fd);

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return ThrowErrno(env, "socketpair", "", errno);
  // The executor's report: the child's pid, or -errno of its clone3 (8 bytes).
  int report[2];
  if (pipe2(report, O_CLOEXEC) < 0) {
    int err = errno;
    close(sv[0]);
    close(sv[1]);
    return ThrowErrno(env, "pipe2", "executor report", err);
  }

  // No signal handler may run in the vfork child (it shares this memory) or in the container's
  // child before it has dropped the handlers it inherited (child.c): block everything across
  // the clone (execveat keeps the mask, drops the handlers); the walk restores this thread's
  // old mask.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  memcpy(&p->sigmask, &old, sizeof p->sigmask);  // the kernel's 64 bits lead glibc's sigset_t

  // The plan travels as a sealed memfd the executor reads (never maps) and closes.
  int plan_fd = SealedMemfd("berth-plan", arena.data(), arena.size(), false);
  if (plan_fd < 0) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    for (int fd : {sv[0], sv[1], report[0], report[1]}) close(fd);
    return ThrowErrno(env, "memfd_create", "launch plan", -plan_fd);
  }

  // CLONE_VM | CLONE_VFORK: no copy of this process's page tables; this thread sleeps until
  // the child has exec'd the executor (or exited).
  Launch launch = {exe_fd, plan_fd, sv[1], report[1], sv[0], report[0], cgroup_fd,
                   static_cast<uint64_t>(clone_flags), reinterpret_cast<uintptr_t>(arena.data()), argv0.c_str()};
  int executor = clone(LaunchExecutor, g_launch_stack + sizeof g_launch_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &launch);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(plan_fd);
  close(sv[1]);
  close(report[1]);
  if (executor < 0) {
    close(sv[0]);
    close(report[0]);
    return ThrowErrno(env, "clone", "berth executor", err);
  }

  int64_t reported = 0;
  ssize_t n;
  do {
    n = read(report[0], &reported, sizeof reported);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  int status;
  while (waitpid(executor, &status, 0) < 0 && errno == EINTR) {
  }
  if (n != static_cast<ssize_t>(sizeof reported)) {
    Napi::Value thrown = ThrowExecutorFailure(env, sv[0]);
    close(sv[0]);
    return thrown;
  }
  if (reported < 0) {
    close(sv[0]);
    return ThrowErrno(env, "clone3", "", static_cast<int>(-reported));
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("pid", Napi::Number::New(env, static_cast<double>(reported)));
  result.Set("syncFd", Napi::Number::New(env, sv[0]));
  return result;
}
