#ifndef BERTH_SECCOMP_H
#define BERTH_SECCOMP_H
#include <napi.h>
// compileSeccomp(filter) -> { bpf: Buffer, unknownSyscalls: string[] }
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info);
#endif
