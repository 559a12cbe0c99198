#ifndef BERTH_NETDEV_H
#define BERTH_NETDEV_H
#include <napi.h>
// netdevAddresses(name) and netdevMove(name, newName, nsFd, addresses) (see src/sys/native.ts).
Napi::Value NetdevAddresses(const Napi::CallbackInfo& info);
Napi::Value NetdevMove(const Napi::CallbackInfo& info);
#endif
