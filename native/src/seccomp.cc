// compileSeccomp(filter): the container's seccomp profile, already mapped from the spec's
// names to libseccomp's numbers by src/seccomp/, compiled into a classic BPF program. This
// runs in the parent, once per create, before clone, so ordinary C++ is fine here; the child
// only hands the bytes to seccomp(2).
//
// A failure throws an Error whose message names the architecture or syscall. It also carries
// .architectureIndex or .ruleIndex (an index into filter.architectures / filter.rules) so the
// TypeScript side can name the config.json field, and .errno/.code when libseccomp gave one.
// A malformed filter object is a bug in src/seccomp/, reported as a TypeError naming the field.

#include "seccomp.h"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "util.h"

namespace {

// Syscall arguments a rule may compare: seccomp_data carries six.
constexpr uint32_t kArgCount = 6;

struct Rule {
  std::string syscall;
  uint32_t action;
  std::vector<scmp_arg_cmp> conditions;
};

struct Filter {
  uint32_t default_action;
  std::vector<std::string> architectures;
  std::vector<Rule> rules;
};

class FilterContext {
 public:
  explicit FilterContext(uint32_t default_action) : ctx_(seccomp_init(default_action)) {}
  ~FilterContext() {
    if (ctx_) seccomp_release(ctx_);
  }
  FilterContext(const FilterContext&) = delete;
  FilterContext& operator=(const FilterContext&) = delete;
  scmp_filter_ctx get() const { return ctx_; }

 private:
  scmp_filter_ctx ctx_;
};

// Reads the JavaScript filter object into plain C++ values, stopping at the first field that
// does not have the shape src/sys/native.ts promises.
class Reader {
 public:
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  bool U32(const Napi::Object& o, const char* key, const std::string& where, uint32_t* out) {
    Napi::Value v = o.Get(key);
    if (!v.IsNumber()) return Fail(where + "." + key + " must be a number");
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<double>(static_cast<uint32_t>(d))) {
      return Fail(where + "." + key + " must be an unsigned 32-bit integer");
    }
    *out = static_cast<uint32_t>(d);
    return true;
  }

  bool String(const Napi::Value& v, const std::string& where, std::string* out) {
    if (!v.IsString()) return Fail(where + " must be a string");
    *out = v.As<Napi::String>().Utf8Value();
    return true;
  }

  // 64-bit comparison values travel as decimal strings: a JS number cannot hold them all.
  bool U64(const Napi::Object& o, const char* key, const std::string& where, uint64_t* out) {
    std::string text;
    if (!String(o.Get(key), where + "." + key, &text)) return false;
    bool digits = !text.empty() && text.size() <= 20 &&
                  text.find_first_not_of("0123456789") == std::string::npos;
    errno = 0;
    char* end = nullptr;
    unsigned long long n = digits ? strtoull(text.c_str(), &end, 10) : 0;
    if (!digits || errno == ERANGE || *end != '\0') {
      return Fail(where + "." + key + " must be a decimal unsigned 64-bit integer, not \"" + text + "\"");
    }
    *out = n;
    return true;
  }

  bool Array(const Napi::Object& o, const char* key, const std::string& where, Napi::Array* out) {
    Napi::Value v = o.Get(key);
    if (!v.IsArray()) return Fail(where + "." + key + " must be an array");
    *out = v.As<Napi::Array>();
    return true;
  }

  bool Object(const Napi::Value& v, const std::string& where, Napi::Object* out) {
    if (!v.IsObject()) return Fail(where + " must be an object");
    *out = v.As<Napi::Object>();
    return true;
  }

 private:
  bool Fail(const std::string& message) {
    if (error_.empty()) error_ = "compileSeccomp: " + message;
    return false;
  }
  std::string error_;
};

bool ReadCondition(Reader& r, const Napi::Value& v, const std::string& where, scmp_arg_cmp* c) {
  Napi::Object o;
  uint32_t index = 0, op = 0;
  uint64_t a = 0, b = 0;
  if (!r.Object(v, where, &o) || !r.U32(o, "index", where, &index) || !r.U32(o, "op", where, &op) ||
      !r.U64(o, "value", where, &a) || !r.U64(o, "valueTwo", where, &b)) {
    return false;
  }
  c->arg = index;
  c->op = static_cast<scmp_compare>(op);
  c->datum_a = a;
  c->datum_b = b;
  return true;
}

bool ReadRule(Reader& r, const Napi::Value& v, const std::string& where, Rule* rule) {
  Napi::Object o;
  Napi::Array args;
  if (!r.Object(v, where, &o) || !r.String(o.Get("syscall"), where + ".syscall", &rule->syscall) ||
      !r.U32(o, "action", where, &rule->action) || !r.Array(o, "args", where, &args)) {
    return false;
  }
  for (uint32_t j = 0; j < args.Length(); j++) {
    scmp_arg_cmp c;
    if (!ReadCondition(r, args.Get(j), where + ".args[" + std::to_string(j) + "]", &c)) return false;
    rule->conditions.push_back(c);
  }
  return true;
}

bool ReadFilter(Reader& r, const Napi::Value& v, Filter* f) {
  Napi::Object o;
  Napi::Array arches, rules;
  if (!r.Object(v, "filter", &o) || !r.U32(o, "defaultAction", "filter", &f->default_action) ||
      !r.Array(o, "architectures", "filter", &arches) || !r.Array(o, "rules", "filter", &rules)) {
    return false;
  }
  for (uint32_t i = 0; i < arches.Length(); i++) {
    std::string name;
    if (!r.String(arches.Get(i), "filter.architectures[" + std::to_string(i) + "]", &name)) return false;
    f->architectures.push_back(name);
  }
  for (uint32_t i = 0; i < rules.Length(); i++) {
    Rule rule;
    if (!ReadRule(r, rules.Get(i), "filter.rules[" + std::to_string(i) + "]", &rule)) return false;
    f->rules.push_back(std::move(rule));
  }
  return true;
}

std::string LibseccompVersion() {
  const scmp_version* v = seccomp_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

// Throws "seccomp: <message>[: <strerror>]" with the index of the offending input entry.
Napi::Value ThrowAt(Napi::Env env, const char* index_key, uint32_t index, const std::string& message, int err) {
  std::string text = "seccomp: " + message;
  if (err > 0) text += std::string(": ") + strerror(err);
  Napi::Error e = Napi::Error::New(env, text);
  if (index_key) e.Set(index_key, Napi::Number::New(env, index));
  if (err > 0) {
    e.Set("errno", Napi::Number::New(env, err));
    e.Set("code", Napi::String::New(env, ErrnoName(err)));
  }
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

// libseccomp takes at most one comparison per argument in a rule. When a rule compares one
// argument several times, runc falls back to one rule per comparison (any of them matching
// applies the action); berth does the same so profiles behave alike under both runtimes.
int AddRule(scmp_filter_ctx ctx, int nr, const Rule& rule) {
  std::set<unsigned> seen;
  bool repeated = false;
  for (const auto& c : rule.conditions) repeated |= !seen.insert(c.arg).second;
  if (!repeated) {
    return seccomp_rule_add_array(ctx, rule.action, nr, static_cast<unsigned>(rule.conditions.size()),
                                  rule.conditions.empty() ? nullptr : rule.conditions.data());
  }
  for (const auto& c : rule.conditions) {
    int rc = seccomp_rule_add_array(ctx, rule.action, nr, 1, &c);
    if (rc < 0) return rc;
  }
  return 0;
}

// seccomp_export_bpf writes to a file descriptor; a memfd keeps it off any filesystem.
int ExportBpf(scmp_filter_ctx ctx, std::vector<uint8_t>* out) {
  int fd = memfd_create("berth-seccomp", MFD_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = seccomp_export_bpf(ctx, fd);
  off_t size = rc < 0 ? 0 : lseek(fd, 0, SEEK_END);
  if (rc == 0 && size < 0) rc = -errno;
  if (rc == 0) {
    out->resize(static_cast<size_t>(size));
    size_t got = 0;
    while (got < out->size()) {
      ssize_t n = pread(fd, out->data() + got, out->size() - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        rc = n < 0 ? -errno : -EIO;
        break;
      }
      got += static_cast<size_t>(n);
    }
  }
  close(fd);
  return rc;
}

}  // namespace

Napi::Value SeccompVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), LibseccompVersion());
}

Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Reader reader;
  Filter filter;
  if (!ReadFilter(reader, info[0], &filter)) return ThrowType(env, reader.error());

  FilterContext ctx(filter.default_action);
  if (!ctx.get()) return ThrowAt(env, nullptr, 0, "libseccomp refused the default action", 0);
  // The plan sets no_new_privs itself when process.noNewPrivileges asks for it; the filter
  // must not force it (libseccomp would, were it loading the filter).
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0) return ThrowAt(env, nullptr, 0, "cannot clear the no_new_privs attribute", -rc);
  // runc also asks for libseccomp's binary-tree layout (SCMP_FLTATR_CTL_OPTIMIZE 2) on long
  // profiles. berth does not: it adds about 40% to the compile, which every create pays, and
  // since Linux 5.11 the kernel caches the verdict of syscalls a filter always allows, so the
  // common path never walks the filter anyway.

  // The native architecture is in the filter from seccomp_init on; listed ones join it.
  for (uint32_t i = 0; i < filter.architectures.size(); i++) {
    const std::string& name = filter.architectures[i];
    uint32_t arch = seccomp_arch_resolve_name(name.c_str());
    if (arch == 0) {
      return ThrowAt(env, "architectureIndex", i,
                     "architecture \"" + name + "\" is not known to this host's libseccomp " + LibseccompVersion(), 0);
    }
    rc = seccomp_arch_add(ctx.get(), arch);
    if (rc < 0 && rc != -EEXIST) return ThrowAt(env, "architectureIndex", i, "cannot add architecture \"" + name + "\"", -rc);
  }

  Napi::Array unknown = Napi::Array::New(env);
  std::set<std::string> reported;
  for (uint32_t i = 0; i < filter.rules.size(); i++) {
    const Rule& rule = filter.rules[i];
    for (const auto& c : rule.conditions) {
      if (c.arg >= kArgCount) {
        return ThrowAt(env, "ruleIndex", i, "syscall \"" + rule.syscall + "\": argument index " + std::to_string(c.arg) + " is out of range 0..5", 0);
      }
    }
    // Profiles list syscalls of newer kernels; like runc, skip the ones libseccomp cannot name.
    int nr = seccomp_syscall_resolve_name(rule.syscall.c_str());
    if (nr == __NR_SCMP_ERROR) {
      if (reported.insert(rule.syscall).second) unknown.Set(unknown.Length(), rule.syscall);
      continue;
    }
    // libseccomp refuses a rule that repeats the default action; it would change nothing.
    if (rule.action == filter.default_action) continue;
    rc = AddRule(ctx.get(), nr, rule);
    if (rc < 0) return ThrowAt(env, "ruleIndex", i, "cannot add the rule for syscall \"" + rule.syscall + "\"", -rc);
  }

  // The highest syscall number the profile names, per architecture of the filter: src/seccomp/
  // makes syscalls newer than that return ENOSYS (as runc and crun do), not the default action.
  std::vector<uint32_t> arch_tokens{seccomp_arch_native()};
  for (const auto& name : filter.architectures) {
    uint32_t token = seccomp_arch_resolve_name(name.c_str());
    if (std::find(arch_tokens.begin(), arch_tokens.end(), token) == arch_tokens.end()) arch_tokens.push_back(token);
  }
  Napi::Array last_syscalls = Napi::Array::New(env);
  for (uint32_t token : arch_tokens) {
    int64_t last = -1;
    for (const Rule& rule : filter.rules) {
      int nr = seccomp_syscall_resolve_name_arch(token, rule.syscall.c_str());
      if (nr >= 0 && nr > last) last = nr;  // negative: unknown, or a multiplexed pseudo-syscall
    }
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("arch", Napi::Number::New(env, token));
    entry.Set("last", Napi::Number::New(env, static_cast<double>(last)));
    last_syscalls.Set(last_syscalls.Length(), entry);
  }

  std::vector<uint8_t> bpf;
  rc = ExportBpf(ctx.get(), &bpf);
  if (rc < 0) return ThrowAt(env, nullptr, 0, "cannot export the BPF program", -rc);
  if (bpf.empty() || bpf.size() % 8 != 0) {
    return ThrowAt(env, nullptr, 0, "libseccomp exported " + std::to_string(bpf.size()) + " bytes, not whole BPF instructions", 0);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("bpf", Napi::Buffer<uint8_t>::Copy(env, bpf.data(), bpf.size()));
  out.Set("unknownSyscalls", unknown);
  out.Set("lastSyscalls", last_syscalls);
  return out;
}
