#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H
#include <napi.h>
// compileSeccomp(filter: NativeSeccompFilter) -> { bpf: Buffer, unknownSyscalls: string[] }
// (see src/sys/native.ts). Errors carry .architectureIndex or .ruleIndex naming the entry.
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info);
// seccompVersion() -> "major.minor.micro" of the libseccomp loaded (a key of the compiled-program cache).
Napi::Value SeccompVersion(const Napi::CallbackInfo& info);
#endif
