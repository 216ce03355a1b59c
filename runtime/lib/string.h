// File: runtime/lib/string.h
//
// Byte and C-string helpers for freestanding guest code. The byte helpers
// expand to the compiler's builtins: small fixed sizes inline, the rest calls
// memcpy/memset/memmove/memcmp, which runtime/lib/mem.cc provides in the
// image (and the host libc provides in host-compiled unit tests).
//
// Example:
//   char name[65] = {};
//   hvrt::Copy(name, "hvrun", hvrt::StrLen("hvrun"));
#ifndef HVRT_LIB_STRING_H_
#define HVRT_LIB_STRING_H_

#include <stddef.h>

namespace hvrt {

inline void Copy(void* dst, const void* src, size_t n) { __builtin_memcpy(dst, src, n); }
inline void Move(void* dst, const void* src, size_t n) { __builtin_memmove(dst, src, n); }
inline void Fill(void* dst, int byte, size_t n) { __builtin_memset(dst, byte, n); }
inline int Compare(const void* a, const void* b, size_t n) { return __builtin_memcmp(a, b, n); }

// Returns the length of (s), reading at most (max) bytes; (max) if no NUL.
inline size_t StrNLen(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') n++;
  return n;
}

inline size_t StrLen(const char* s) { return StrNLen(s, ~size_t{0}); }

inline bool StrEq(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

// Copies (src) into (dst) of (cap) bytes, truncating; always NUL-terminates
// when (cap) > 0. Returns the length copied.
inline size_t StrCopy(char* dst, size_t cap, const char* src) {
  if (cap == 0) return 0;
  size_t n = StrNLen(src, cap - 1);
  Copy(dst, src, n);
  dst[n] = '\0';
  return n;
}

}  // namespace hvrt

#endif  // HVRT_LIB_STRING_H_
