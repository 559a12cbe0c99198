// Placeholder until the seccomp compiler lands.
#include "seccomp.h"
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Error::New(info.Env(), "seccomp not built").ThrowAsJavaScriptException();
  return info.Env().Undefined();
}
