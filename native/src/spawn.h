#ifndef BERTH_SPAWN_H
#define BERTH_SPAWN_H
#include <napi.h>
// spawn({cloneFlags, cgroupFd, ops}) -> {pid, syncFd}
Napi::Value Spawn(const Napi::CallbackInfo& info);
#endif
