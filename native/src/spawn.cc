// spawn(): converts the JavaScript launch plan into one heap block of plain structs, makes
// the sync socketpair and calls clone3. The child runs berth_child_main (child.c) on a copy
// of this memory and never comes back; the parent frees the block and returns.

#include "spawn.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "plan.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace {

// The clone3 argument block, spelled out so older headers do not matter.
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

// A bump allocator over one malloc'd block: the plan, its arrays and strings live together.
class Arena {
 public:
  explicit Arena(size_t size) : base_(static_cast<char*>(calloc(1, size))), size_(size) {}
  ~Arena() { free(base_); }
  bool ok() const { return base_ != nullptr; }
  void* take(size_t n) {
    size_t aligned = (used_ + 15) & ~static_cast<size_t>(15);
    if (aligned + n > size_) return nullptr;
    used_ = aligned + n;
    return base_ + aligned;
  }
  char* copy(const std::string& s) {
    char* p = static_cast<char*>(take(s.size() + 1));
    if (p) memcpy(p, s.c_str(), s.size() + 1);
    return p;
  }

 private:
  char* base_;
  size_t size_;
  size_t used_ = 0;
};

struct OpInput {
  uint32_t code = 0;
  std::vector<int64_t> n;
  std::vector<std::string> s;
  std::vector<uint8_t> b;
};

bool ReadOps(Napi::Env env, const Napi::Array& arr, std::vector<OpInput>* out, size_t* bytes) {
  *bytes = 256;
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value v = arr.Get(i);
    if (!v.IsObject()) return false;
    Napi::Object o = v.As<Napi::Object>();
    OpInput op;
    op.code = o.Get("code").As<Napi::Number>().Uint32Value();
    Napi::Value n = o.Get("n");
    if (n.IsArray()) {
      Napi::Array na = n.As<Napi::Array>();
      for (uint32_t j = 0; j < na.Length(); j++) op.n.push_back(na.Get(j).As<Napi::Number>().Int64Value());
    }
    Napi::Value s = o.Get("s");
    if (s.IsArray()) {
      Napi::Array sa = s.As<Napi::Array>();
      for (uint32_t j = 0; j < sa.Length(); j++) op.s.push_back(sa.Get(j).As<Napi::String>().Utf8Value());
    }
    Napi::Value b = o.Get("b");
    if (b.IsTypedArray()) {
      Napi::Uint8Array ba = b.As<Napi::Uint8Array>();
      op.b.assign(ba.Data(), ba.Data() + ba.ByteLength());
    }
    *bytes += sizeof(plan_op) + 32 + op.n.size() * 8 + (op.s.size() * 2 + 4) * sizeof(char*) + op.b.size() + 16 * 4;
    for (const auto& str : op.s) *bytes += str.size() + 1 + 16;
    out->push_back(std::move(op));
  }
  (void)env;
  return true;
}

// argv/envp for Exec (s = argv..., env...) and RunHook (s = path, argv..., env...).
bool BuildVectors(Arena* arena, plan_op* op, char* const* strings, size_t first) {
  if (op->n_count < 2) return false;
  size_t argc = static_cast<size_t>(op->n[0]), envc = static_cast<size_t>(op->n[1]);
  if (first + argc + envc > op->s_count) return false;
  char** argv = static_cast<char**>(arena->take((argc + 1) * sizeof(char*)));
  char** envp = static_cast<char**>(arena->take((envc + 1) * sizeof(char*)));
  if (!argv || !envp) return false;
  for (size_t i = 0; i < argc; i++) argv[i] = strings[first + i];
  argv[argc] = nullptr;
  for (size_t i = 0; i < envc; i++) envp[i] = strings[first + argc + i];
  envp[envc] = nullptr;
  op->argv = argv;
  op->envp = envp;
  return true;
}

}  // namespace

Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) return ThrowType(env, "spawn: expected a plan object");
  Napi::Object req = info[0].As<Napi::Object>();
  uint64_t clone_flags = static_cast<uint64_t>(req.Get("cloneFlags").As<Napi::Number>().Int64Value());
  int cgroup_fd = req.Get("cgroupFd").As<Napi::Number>().Int32Value();
  Napi::Value ops_value = req.Get("ops");
  if (!ops_value.IsArray()) return ThrowType(env, "spawn: plan.ops must be an array");

  std::vector<OpInput> inputs;
  size_t bytes = 0;
  if (!ReadOps(env, ops_value.As<Napi::Array>(), &inputs, &bytes)) return ThrowType(env, "spawn: bad op");
  Arena arena(bytes + inputs.size() * sizeof(plan_op));
  if (!arena.ok()) return ThrowErrno(env, "spawn", "plan", ENOMEM);
  plan* p = static_cast<plan*>(arena.take(sizeof(plan)));
  plan_op* ops = static_cast<plan_op*>(arena.take(sizeof(plan_op) * (inputs.size() + 1)));
  if (!p || !ops) return ThrowErrno(env, "spawn", "plan", ENOMEM);
  for (size_t i = 0; i < inputs.size(); i++) {
    const OpInput& in = inputs[i];
    plan_op* op = &ops[i];
    op->code = in.code;
    op->n_count = static_cast<uint32_t>(in.n.size());
    op->s_count = static_cast<uint32_t>(in.s.size());
    op->b_len = static_cast<uint32_t>(in.b.size());
    int64_t* n = static_cast<int64_t*>(arena.take((in.n.size() + 8) * sizeof(int64_t)));
    char** s = static_cast<char**>(arena.take((in.s.size() + 4) * sizeof(char*)));
    if (!n || !s) return ThrowErrno(env, "spawn", "plan", ENOMEM);
    // Zero-filled spare slots: an op read with fewer arguments than it expects sees 0 / "".
    for (size_t j = 0; j < in.n.size(); j++) n[j] = in.n[j];
    static char empty[1] = {0};
    for (size_t j = 0; j < in.s.size() + 4; j++) s[j] = empty;
    for (size_t j = 0; j < in.s.size(); j++) {
      s[j] = arena.copy(in.s[j]);
      if (!s[j]) return ThrowErrno(env, "spawn", "plan", ENOMEM);
    }
    op->n = n;
    op->s = s;
    if (!in.b.empty()) {
      uint8_t* b = static_cast<uint8_t*>(arena.take(in.b.size()));
      if (!b) return ThrowErrno(env, "spawn", "plan", ENOMEM);
      memcpy(b, in.b.data(), in.b.size());
      op->b = b;
    }
    if (op->code == OP_EXEC && !BuildVectors(&arena, op, s, 0)) return ThrowType(env, "spawn: bad Exec op");
    if (op->code == OP_RUN_HOOK && !BuildVectors(&arena, op, s, 1)) return ThrowType(env, "spawn: bad RunHook op");
  }
  p->count = static_cast<uint32_t>(inputs.size());
  p->ops = ops;

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return ThrowErrno(env, "socketpair", "", errno);

  CloneArgs args;
  memset(&args, 0, sizeof args);
  args.flags = clone_flags;
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    close(sv[0]);
    berth_child_main(p, sv[1]);
  }
  int err = errno;
  close(sv[1]);
  if (pid < 0) {
    close(sv[0]);
    return ThrowErrno(env, "clone3", "", err);
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("pid", Napi::Number::New(env, static_cast<double>(pid)));
  result.Set("syncFd", Napi::Number::New(env, sv[0]));
  return result;
}
