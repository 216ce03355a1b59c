// File: runtime/hv/hypercall.h
//
// The one way the runtime reaches the host: a call of the hypercall page's
// entry (hv/abi.h), counted in struct hv_stats. The runtime never hard-codes a
// transport and never executes a Linux `syscall` itself.
//
// Example:
//   hv_console_io io = {.fd = 1, .data = ToGuest(buf), .len = n};
//   int64_t written = hvrt::hv::Call(HV_CALL_CONSOLE_WRITE, &io);
#ifndef HVRT_HV_HYPERCALL_H_
#define HVRT_HV_HYPERCALL_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::hv {

// int64_t entry(uint64_t nr, uint64_t arg_gva), SysV ABI. The entry may
// clobber every caller-saved register, as any call may.
using EntryFn = int64_t (*)(uint64_t nr, uint64_t arg);

// Sets the hypercall page entry (boot_info.hypercall_entry) and zeroes the
// statistics. Until Init, Call returns -ENOSYS.
void Init(uint64_t entry);

// Makes hypercall (nr) with argument address (arg); returns its result
// (>= 0 or -errno). Counts it in Stats().
int64_t Call(uint64_t nr, uint64_t arg);

template <typename T>
int64_t Call(uint64_t nr, T* arg) {
  return Call(nr, reinterpret_cast<uint64_t>(arg));
}

// The runtime's counters: hypercalls here, syscalls in the shim.
hv_stats& Stats();

}  // namespace hvrt::hv

#endif  // HVRT_HV_HYPERCALL_H_
