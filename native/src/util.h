// Shared helpers for the addon's JavaScript-facing functions.
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <napi.h>
#include <string>

// Throws a JS Error "<call> <path>: <strerror>" carrying .errno (number) and .code ("EPERM").
Napi::Value ThrowErrno(Napi::Env env, const std::string& call, const std::string& path, int err);
// Throws a plain JS TypeError about a bad argument.
Napi::Value ThrowType(Napi::Env env, const std::string& message);
const char* ErrnoName(int err);

#endif
