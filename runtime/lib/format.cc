// A small printf: see format.h for what it supports.
#include "runtime/lib/format.h"

#include <stdint.h>

namespace hvrt {
namespace {

// Appends to a bounded buffer, keeping room for the NUL.
struct Sink {
  char* buf;
  size_t cap;
  size_t len;

  void Put(char c) {
    if (len + 1 < cap) buf[len++] = c;
  }
  void Pad(size_t n, char c) {
    for (size_t i = 0; i < n; i++) Put(c);
  }
};

struct Spec {
  bool left = false;  // '-'
  bool zero = false;  // '0'
  size_t width = 0;
};

// Emits (s) of (n) bytes padded to the spec's width.
void Emit(Sink& out, const Spec& spec, const char* s, size_t n) {
  size_t pad = spec.width > n ? spec.width - n : 0;
  if (!spec.left) out.Pad(pad, ' ');
  for (size_t i = 0; i < n; i++) out.Put(s[i]);
  if (spec.left) out.Pad(pad, ' ');
}

void EmitNumber(Sink& out, const Spec& spec, uint64_t v, unsigned base, bool upper, bool negative,
                const char* prefix) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];  // 2^64 has 20 decimal digits
  size_t n = 0;
  do {
    tmp[n++] = digits[v % base];
    v /= base;
  } while (v != 0);
  size_t plen = 0;
  while (prefix[plen] != '\0') plen++;
  size_t body = n + plen + (negative ? 1 : 0);
  size_t pad = spec.width > body ? spec.width - body : 0;
  if (!spec.left && !spec.zero) out.Pad(pad, ' ');
  if (negative) out.Put('-');
  for (size_t i = 0; i < plen; i++) out.Put(prefix[i]);
  if (!spec.left && spec.zero) out.Pad(pad, '0');
  while (n > 0) out.Put(tmp[--n]);
  if (spec.left) out.Pad(pad, ' ');
}

}  // namespace

size_t VFormat(char* buf, size_t cap, const char* fmt, va_list ap) {
  Sink out{buf, cap, 0};
  for (const char* p = fmt; *p != '\0'; p++) {
    if (*p != '%') {
      out.Put(*p);
      continue;
    }
    p++;
    Spec spec;
    for (;; p++) {
      if (*p == '-') {
        spec.left = true;
      } else if (*p == '0') {
        spec.zero = true;
      } else if (*p != '#' && *p != '+' && *p != ' ') {
        break;
      }
    }
    while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + static_cast<size_t>(*p++ - '0');
    int longs = 0;  // 0: int, 1: long, 2: long long; h/hh narrow after reading an int
    int shorts = 0;
    for (;; p++) {
      if (*p == 'l' || *p == 'z' || *p == 'j') {
        longs++;
      } else if (*p == 'h') {
        shorts++;
      } else {
        break;
      }
    }
    switch (*p) {
      case 'd':
      case 'i': {
        int64_t v = longs > 0 ? va_arg(ap, long long) : va_arg(ap, int);
        if (shorts == 1) v = static_cast<int16_t>(v);
        if (shorts >= 2) v = static_cast<int8_t>(v);
        uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        EmitNumber(out, spec, mag, 10, false, v < 0, "");
        break;
      }
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        uint64_t v = longs > 0 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
        if (shorts == 1) v = static_cast<uint16_t>(v);
        if (shorts >= 2) v = static_cast<uint8_t>(v);
        EmitNumber(out, spec, v, *p == 'u' ? 10 : *p == 'o' ? 8 : 16, *p == 'X', false, "");
        break;
      }
      case 'p':
        EmitNumber(out, spec, reinterpret_cast<uintptr_t>(va_arg(ap, void*)), 16, false, false,
                   "0x");
        break;
      case 's': {
        const char* s = va_arg(ap, const char*);
        if (s == nullptr) s = "(null)";
        size_t n = 0;
        while (s[n] != '\0') n++;
        Emit(out, spec, s, n);
        break;
      }
      case 'c': {
        char c = static_cast<char>(va_arg(ap, int));
        Emit(out, spec, &c, 1);
        break;
      }
      case '%':
        out.Put('%');
        break;
      case '\0':
        p--;  // a lone '%' at the end: stop at the NUL
        break;
      default:  // unknown conversion: show it verbatim
        out.Put('%');
        out.Put(*p);
        break;
    }
  }
  if (cap > 0) buf[out.len] = '\0';
  return out.len;
}

size_t Format(char* buf, size_t cap, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = VFormat(buf, cap, fmt, ap);
  va_end(ap);
  return n;
}

}  // namespace hvrt
