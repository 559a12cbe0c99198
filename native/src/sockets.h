// The addon's AF_UNIX helpers (sockets.cc): connecting to --console-socket and
// linux.seccomp.listenerPath, and sending a descriptor there with SCM_RIGHTS.
#ifndef BERTH_SOCKETS_H
#define BERTH_SOCKETS_H

#include <napi.h>

// Adds connectUnix, sendFd and setWinsize to the addon's exports.
void RegisterSockets(Napi::Env env, Napi::Object exports);

#endif
