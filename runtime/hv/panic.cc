// Panic: see panic.h.
#include "runtime/hv/panic.h"

#include <stdarg.h>

#include "hv/abi.h"
#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/format.h"

namespace hvrt {

void Panic(const char* fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  size_t n = VFormat(msg, sizeof msg, fmt, ap);
  va_end(ap);
  hv_buffer b = {reinterpret_cast<uint64_t>(msg), n};
  hv::Call(HV_CALL_PANIC, &b);
  for (;;) cpu::Pause();
}

}  // namespace hvrt
