// The few pieces of the C++ runtime the addon uses, so that berth.node needs no libstdc++.so
// and no exception support at load (docs/performance.md, "berth.node's own load"). The addon
// is built with -fno-exceptions, so where libstdc++ would throw (a string longer than
// max_size, out of memory) the process could only end in std::terminate; here it ends the
// same way, in abort(), after one line on stderr. Everything else of libstdc++ the addon
// uses (std::set's tree) comes statically from libstdc++.a (-static-libstdc++ in
// binding.gyp). A link error "multiple definition of std::__throw_..." means some code now
// needs a throw helper not listed here: add it below.

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <unistd.h>

namespace {

void Say(const char* s) {
  ssize_t ignored = write(2, s, strlen(s));
  (void)ignored;
}

// One line on stderr without allocating (this may be the out-of-memory path), then abort.
[[noreturn]] void Die(const char* what, const char* detail) {
  Say("berth.node: ");
  Say(what);
  if (detail) {
    Say(": ");
    Say(detail);
  }
  Say("\n");
  abort();
}

}  // namespace

// std::string's out-of-line members, compiled here (without exceptions) instead of taken
// from libstdc++'s prebuilt copy, which would bring the unwinder with it.
template class std::__cxx11::basic_string<char>;

namespace std {
void __throw_bad_alloc() { Die("out of memory", nullptr); }
void __throw_logic_error(const char* s) { Die("std::logic_error", s); }
void __throw_length_error(const char* s) { Die("std::length_error", s); }
void __throw_out_of_range_fmt(const char* fmt, ...) { Die("std::out_of_range", fmt); }
}  // namespace std

// The replaceable allocation functions: malloc, and abort() when it fails (libstdc++'s throw
// std::bad_alloc, which without exceptions is std::terminate).
void* operator new(std::size_t n) {
  void* p = malloc(n ? n : 1);
  if (!p) std::__throw_bad_alloc();
  return p;
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }
