// File: runtime/boot/boot.h
//
// The runtime's start, as a recipe: check the boot info, set up each part
// (hypercalls, clock, memory, console, process, signals, shim), give the app
// its main stack and initial stack, register the syscall entry. Everything
// here is portable C++; boot/entry.S and boot/main.cc do the two CPU steps
// (call this, then jump to the app).
//
// Example:
//   hvrt::boot::Launch l = hvrt::boot::Prepare(bi);
//   hvrt_enter_app(l.entry, l.sp);
#ifndef HVRT_BOOT_BOOT_H_
#define HVRT_BOOT_BOOT_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::boot {

struct Launch {
  uint64_t entry;  // the app's entry point (AT_ENTRY)
  uint64_t sp;     // the app's rsp: the address of argc
};

// Sets the runtime up for the app described by (bi) and returns where to
// start it. Panics (never returns) if (bi) is unusable or memory runs out.
// Calling it again resets all runtime state (unit tests do).
Launch Prepare(const hv_boot_info* bi);

// A forked child's start (HV_BOOT_FORKED): re-registers with its backend
// and returns into the thread that called fork (runtime/linux/sys_process.cc).
[[noreturn]] void ResumeFork(const hv_boot_info* bi);

}  // namespace hvrt::boot

#endif  // HVRT_BOOT_BOOT_H_
