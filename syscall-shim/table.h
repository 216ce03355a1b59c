// File: syscall-shim/table.h
//
// The syscall table: one row per Linux x86-64 syscall the runtime serves
// (number, name, handler, support level, note), in table_x86_64.cc, shaped
// like gVisor's linux64.go. The dispatcher, --verbose reports and the tests
// all read the same rows. A number with no row is unknown: -ENOSYS, counted.
//
// Example:
//   if (const hvrt::shim::Syscall* s = hvrt::shim::Lookup(frame.nr)) return s->handler(frame);
#ifndef HVRT_SYSCALL_SHIM_TABLE_H_
#define HVRT_SYSCALL_SHIM_TABLE_H_

#include <stddef.h>
#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::shim {

enum Support : uint8_t {
  kSupported,  // behaves as on Linux for a single-threaded process
  kPartial,    // a subset, or a deliberate answer; the note says which
};

using Handler = int64_t (*)(hv_syscall_frame& f);

struct Syscall {
  uint32_t nr;
  const char* name;  // as in <sys/syscall.h> without SYS_
  Handler handler;
  Support support;
  const char* note;  // what kPartial leaves out; "" when supported
};

struct Table {
  const Syscall* rows;  // sorted by nr, no duplicates (checked at compile time)
  size_t count;
};

// Every row.
Table AllSyscalls();

// The row for syscall number (nr), or nullptr if it is unknown. O(1): a dense
// index built at compile time, no initialization at run time.
const Syscall* Lookup(uint64_t nr);

}  // namespace hvrt::shim

#endif  // HVRT_SYSCALL_SHIM_TABLE_H_
