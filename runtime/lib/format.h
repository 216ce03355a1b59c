// File: runtime/lib/format.h
//
// A small printf for panic and diagnostic messages in freestanding code.
// Supports %d %i %u %o %x %X %p %s %c %%, the flags '-' and '0', a decimal
// width, and the length modifiers hh h l ll z j. No floating point: the
// runtime never touches x87/SSE registers.
//
// Example:
//   char msg[128];
//   size_t n = hvrt::Format(msg, sizeof msg, "bad magic %#lx", magic);  // '#' is ignored
#ifndef HVRT_LIB_FORMAT_H_
#define HVRT_LIB_FORMAT_H_

#include <stdarg.h>
#include <stddef.h>

namespace hvrt {

// Formats (fmt) into (buf) of (cap) bytes, truncating, always NUL-terminated
// when (cap) > 0. Returns the number of bytes stored, not counting the NUL.
size_t VFormat(char* buf, size_t cap, const char* fmt, va_list ap);
size_t Format(char* buf, size_t cap, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace hvrt

#endif  // HVRT_LIB_FORMAT_H_
