// attachDeviceProgram(cgroupFd, insns): loads a BPF_PROG_TYPE_CGROUP_DEVICE program and
// attaches it to a cgroup v2 directory with BPF_F_ALLOW_MULTI. The instructions are written
// by src/cgroups/resources/devices-bpf.ts; this file only hands them to the kernel. A program
// the verifier refuses throws an Error whose message carries the verifier's log.

#include "bpf.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "util.h"

namespace {

long Bpf(int cmd, union bpf_attr* attr) {
  return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

}  // namespace

Napi::Value AttachDeviceProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int32_t cgroup_fd;
  if (!ReadInt32(env, info[0], "cgroupFd", &cgroup_fd)) return env.Undefined();
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    return ThrowType(env, "attachDeviceProgram: insns must be a Uint8Array");
  }
  Napi::Uint8Array insns = info[1].As<Napi::Uint8Array>();
  if (insns.ByteLength() == 0 || insns.ByteLength() % sizeof(struct bpf_insn) != 0) {
    return ThrowType(env, "attachDeviceProgram: insns must be whole struct bpf_insn records");
  }
  // Copied so the kernel reads aligned memory that JavaScript cannot move meanwhile.
  std::vector<struct bpf_insn> prog(insns.ByteLength() / sizeof(struct bpf_insn));
  std::memcpy(prog.data(), insns.Data(), insns.ByteLength());
  static const char kLicense[] = "Apache-2.0";

  // Loaded without a verifier log first: a log buffer that turns out too small makes even a
  // good program fail (ENOSPC). Only a refused program is loaded again, to learn why.
  auto load = [&](char* log, uint32_t log_size) {
    union bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insn_cnt = static_cast<uint32_t>(prog.size());
    attr.insns = reinterpret_cast<uintptr_t>(prog.data());
    attr.license = reinterpret_cast<uintptr_t>(kLicense);
    attr.log_level = log ? 1 : 0;
    attr.log_size = log_size;
    attr.log_buf = reinterpret_cast<uintptr_t>(log);
    int fd;
    do {
      fd = static_cast<int>(Bpf(BPF_PROG_LOAD, &attr));
    } while (fd < 0 && errno == EAGAIN);
    return fd;
  };
  int prog_fd = load(nullptr, 0);
  if (prog_fd < 0) {
    int err = errno;
    std::vector<char> log(256 * 1024);
    int again = load(log.data(), static_cast<uint32_t>(log.size()));
    if (again >= 0) ::close(again);
    std::string detail = log[0] ? std::string(" (verifier: ") + std::string(log.data()) + ")" : "";
    return ThrowErrno(env, "bpf(BPF_PROG_LOAD)", "cgroup device program" + detail, err);
  }

  union bpf_attr attach;
  std::memset(&attach, 0, sizeof attach);
  attach.target_fd = static_cast<uint32_t>(cgroup_fd);
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  int rc = static_cast<int>(Bpf(BPF_PROG_ATTACH, &attach));
  int err = errno;
  ::close(prog_fd);  // the attachment holds its own reference
  if (rc < 0) return ThrowErrno(env, "bpf(BPF_PROG_ATTACH)", "cgroup fd " + std::to_string(cgroup_fd), err);
  return env.Undefined();
}
