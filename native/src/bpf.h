#ifndef BERTH_BPF_H
#define BERTH_BPF_H
#include <napi.h>
// attachDeviceProgram(cgroupFd: number, insns: Uint8Array) -> void (see src/sys/native.ts).
Napi::Value AttachDeviceProgram(const Napi::CallbackInfo& info);
#endif
