#include "util.h"

#include <cerrno>
#include <cmath>
#include <cstring>

const char* ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name ? name : "EUNKNOWN";
}

Napi::Error ErrnoError(Napi::Env env, const std::string& call, const std::string& path, int err) {
  std::string msg = call;
  if (!path.empty()) msg += " " + path;
  msg += ": ";
  msg += strerror(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("code", Napi::String::New(env, ErrnoName(err)));
  return e;
}

Napi::Value ThrowErrno(Napi::Env env, const std::string& call, const std::string& path, int err) {
  ErrnoError(env, call, path, err).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool ReadInt64(Napi::Env env, Napi::Value v, const std::string& what, int64_t* out) {
  if (!v.IsNumber()) {
    ThrowType(env, what + " must be a number");
    return false;
  }
  double d = v.As<Napi::Number>().DoubleValue();
  // 2^63 itself does not fit; everything the plan carries is far inside this range.
  if (!std::isfinite(d) || std::trunc(d) != d || d < -9223372036854775808.0 || d >= 9223372036854775808.0) {
    ThrowType(env, what + " must be an integer");
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool ReadInt32(Napi::Env env, Napi::Value v, const std::string& what, int32_t* out) {
  int64_t wide;
  if (!ReadInt64(env, v, what, &wide)) return false;
  if (wide < INT32_MIN || wide > INT32_MAX) {
    ThrowType(env, what + " is out of range");
    return false;
  }
  *out = static_cast<int32_t>(wide);
  return true;
}

bool ReadString(Napi::Env env, Napi::Value v, const std::string& what, std::string* out) {
  if (!v.IsString()) {
    ThrowType(env, what + " must be a string");
    return false;
  }
  *out = v.As<Napi::String>().Utf8Value();
  // A NUL would silently cut a path short in C.
  if (out->find('\0') != std::string::npos) {
    ThrowType(env, what + " must not contain NUL characters");
    return false;
  }
  return true;
}

bool ReadBool(Napi::Env env, Napi::Value v, const std::string& what, bool* out) {
  if (!v.IsBoolean()) {
    ThrowType(env, what + " must be a boolean");
    return false;
  }
  *out = v.As<Napi::Boolean>().Value();
  return true;
}
