// File: runtime/hv/clock.h
//
// Time without a hypercall: the TSC scaled by hvrun's calibration (hv/abi.h
// struct hv_clock_calibration). When the host found no usable TSC
// (tsc_hz == 0), every read is an HV_CALL_CLOCK instead.
//
// Example:
//   hvrt::clock::Init(boot_info.clock);
//   int64_t ns;
//   if (hvrt::clock::Read(abi::kCLOCK_MONOTONIC, &ns) == 0) ...
#ifndef HVRT_HV_CLOCK_H_
#define HVRT_HV_CLOCK_H_

#include <stdint.h>

#include "hv/abi.h"
#include "runtime/hv/clock_math.h"  // TscToNs, PvclockToNs

namespace hvrt::clock {

// Remembers (c) and the boot time that CPU-time clocks count from. With a
// kvmclock page (pvclock != 0), monotonic time comes from it instead, plus
// (pvclock_offset_ns); realtime is still monotonic + c.realtime_offset_ns.
void Init(const hv_clock_calibration& c, uint64_t pvclock = 0, int64_t pvclock_offset_ns = 0);

// Measures the pvclock offset against the host's CLOCK_MONOTONIC with one
// HV_CALL_CLOCK (boot info flag HV_BOOT_PVCLOCK_CALIBRATE: Xen, where hvrun
// cannot know the guest's Xen system time in advance). No-op without a
// pvclock.
void CalibratePvclock();

// CLOCK_MONOTONIC in nanoseconds.
uint64_t MonotonicNs();

// Reads Linux clock (id) into (*ns). Returns 0, or -EINVAL for a clock this
// runtime does not have. CLOCK_PROCESS/THREAD_CPUTIME_ID are approximated by
// monotonic time since boot: the guest owns its vCPU, so for a
// single-threaded app wall time since start is close to, and never below,
// its CPU time.
int64_t Read(int32_t id, int64_t* ns);

}  // namespace hvrt::clock

#endif  // HVRT_HV_CLOCK_H_
