// The C memory functions the compiler may call on its own (struct copies,
// zeroing, __builtin_mem*). Guest image only: the host has libc's.
//
// They use `rep movsb` / `rep stosb` (fast on CPUs with ERMS) rather than C
// loops, so the compiler cannot turn a loop back into a call to itself, and
// they use no SSE/AVX register: app vector state survives every syscall.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
  void* ret = dst;
  asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
  return ret;
}

void* memset(void* dst, int c, size_t n) {
  void* ret = dst;
  asm volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
  return ret;
}

void* memmove(void* dst, const void* src, size_t n) {
  uintptr_t d = reinterpret_cast<uintptr_t>(dst);
  uintptr_t s = reinterpret_cast<uintptr_t>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlap with dst above src: copy backwards (DF=1), then restore DF=0,
  // which the SysV ABI requires at every call and return.
  void* last_d = reinterpret_cast<void*>(d + n - 1);
  const void* last_s = reinterpret_cast<const void*>(s + n - 1);
  asm volatile("std\n\trep movsb\n\tcld" : "+D"(last_d), "+S"(last_s), "+c"(n) : : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = static_cast<const unsigned char*>(a);
  const unsigned char* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

}  // extern "C"
