// Shared helpers for the addon's JavaScript-facing functions: argument checks and errors.
#ifndef BERTH_UTIL_H
#define BERTH_UTIL_H

#include <napi.h>

#include <cstdint>
#include <string>

// Throws a JS Error "<call> <path>: <strerror>" carrying .errno (number) and .code ("EPERM").
Napi::Value ThrowErrno(Napi::Env env, const std::string& call, const std::string& path, int err);
// The same Error, built but not thrown (for promise rejections).
Napi::Error ErrnoError(Napi::Env env, const std::string& call, const std::string& path, int err);
// Throws a JS TypeError about a bad argument.
Napi::Value ThrowType(Napi::Env env, const std::string& message);
// "EPERM" for EPERM; "EUNKNOWN" for numbers the C library does not know.
const char* ErrnoName(int err);

// Argument readers. Each returns false after throwing a TypeError that names `what`, so a
// caller writes `if (!ReadInt(...)) return env.Undefined();`. Nothing is ever read from a
// value of the wrong type: a missing fd argument must not turn into fd 0.
bool ReadInt64(Napi::Env env, Napi::Value v, const std::string& what, int64_t* out);
bool ReadInt32(Napi::Env env, Napi::Value v, const std::string& what, int32_t* out);
bool ReadString(Napi::Env env, Napi::Value v, const std::string& what, std::string* out);
bool ReadBool(Napi::Env env, Napi::Value v, const std::string& what, bool* out);

#endif
