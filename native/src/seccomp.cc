// compileSeccomp(): the spec's seccomp profile, already mapped to libseccomp numbers by
// src/seccomp/, compiled to a BPF program in the parent, once per create. The child only
// hands the bytes to seccomp(2). Runs before clone, so ordinary C++ is fine here.

#include "seccomp.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "util.h"

namespace {

struct Filter {
  scmp_filter_ctx ctx;
  explicit Filter(uint32_t def) : ctx(seccomp_init(def)) {}
  ~Filter() {
    if (ctx) seccomp_release(ctx);
  }
};

Napi::Value Fail(Napi::Env env, const std::string& what, int rc) {
  return ThrowErrno(env, "seccomp", what, rc < 0 ? -rc : EINVAL);
}

}  // namespace

Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) return ThrowType(env, "compileSeccomp: expected a filter object");
  Napi::Object in = info[0].As<Napi::Object>();
  uint32_t def = in.Get("defaultAction").As<Napi::Number>().Uint32Value();
  Filter f(def);
  if (!f.ctx) return ThrowType(env, "compileSeccomp: invalid default action");
  // The child sets no_new_privs itself when the config asks; the filter must not force it.
  int rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return Fail(env, "no_new_privs attribute", rc);

  Napi::Array arches = in.Get("architectures").As<Napi::Array>();
  for (uint32_t i = 0; i < arches.Length(); i++) {
    std::string name = arches.Get(i).As<Napi::String>().Utf8Value();
    uint32_t arch = seccomp_arch_resolve_name(name.c_str());
    if (arch == 0) return ThrowType(env, "seccomp: unknown architecture " + name);
    rc = seccomp_arch_add(f.ctx, arch);
    if (rc < 0 && rc != -EEXIST) return Fail(env, "architecture " + name, rc);
  }

  Napi::Array unknown = Napi::Array::New(env);
  std::set<std::string> seen_unknown;
  Napi::Array rules = in.Get("rules").As<Napi::Array>();
  for (uint32_t i = 0; i < rules.Length(); i++) {
    Napi::Object rule = rules.Get(i).As<Napi::Object>();
    std::string name = rule.Get("syscall").As<Napi::String>().Utf8Value();
    uint32_t action = rule.Get("action").As<Napi::Number>().Uint32Value();
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      if (seen_unknown.insert(name).second) unknown.Set(unknown.Length(), name);
      continue;
    }
    if (action == def) continue;  // libseccomp refuses rules that repeat the default
    std::vector<scmp_arg_cmp> conds;
    std::set<unsigned> indexes;
    bool repeated = false;
    Napi::Array args = rule.Get("args").As<Napi::Array>();
    for (uint32_t j = 0; j < args.Length(); j++) {
      Napi::Object a = args.Get(j).As<Napi::Object>();
      scmp_arg_cmp c;
      c.arg = a.Get("index").As<Napi::Number>().Uint32Value();
      c.op = static_cast<scmp_compare>(a.Get("op").As<Napi::Number>().Uint32Value());
      c.datum_a = strtoull(a.Get("value").As<Napi::String>().Utf8Value().c_str(), nullptr, 10);
      c.datum_b = strtoull(a.Get("valueTwo").As<Napi::String>().Utf8Value().c_str(), nullptr, 10);
      repeated |= !indexes.insert(c.arg).second;
      conds.push_back(c);
    }
    if (!repeated) {
      rc = seccomp_rule_add_array(f.ctx, action, nr, static_cast<unsigned>(conds.size()), conds.data());
      if (rc < 0) return Fail(env, "rule for " + name, rc);
    } else {
      // libseccomp allows one comparison per argument in a rule; like runc, several
      // comparisons of one argument become one rule each (any of them matches).
      for (const auto& c : conds) {
        rc = seccomp_rule_add_array(f.ctx, action, nr, 1, &c);
        if (rc < 0) return Fail(env, "rule for " + name, rc);
      }
    }
  }

  int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
  if (fd < 0) return ThrowErrno(env, "memfd_create", "seccomp", errno);
  rc = seccomp_export_bpf(f.ctx, fd);
  if (rc < 0) {
    close(fd);
    return Fail(env, "export", rc);
  }
  off_t size = lseek(fd, 0, SEEK_END);
  std::vector<uint8_t> bytes(size > 0 ? static_cast<size_t>(size) : 0);
  size_t got = 0;
  while (got < bytes.size()) {
    ssize_t r = pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(got));
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  close(fd);
  Napi::Object out = Napi::Object::New(env);
  out.Set("bpf", Napi::Buffer<uint8_t>::Copy(env, bytes.data(), got));
  out.Set("unknownSyscalls", unknown);
  return out;
}
