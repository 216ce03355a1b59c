// File: clock_calibration.h
//
// Measures how the guest turns TSC ticks into nanoseconds without asking the
// host (struct hv_clock_calibration in abi.h).
#ifndef HVRUN_CLOCK_CALIBRATION_H_
#define HVRUN_CLOCK_CALIBRATION_H_

#include "hv/abi.h"

namespace hvrun {

// Returns the calibration for this host. It takes the kernel's own TSC
// scaling (perf_event_mmap_page's time_mult/time_shift, the numbers the
// kernel converts TSC with) or else a 10 ms measurement, either remembered
// per host boot in a file of the user's and checked against 100 us of
// CLOCK_MONOTONIC at each use (the first perf_event_open can cost 10 ms). With no
// usable TSC, tsc_hz is 0 and the guest asks the host (HV_CALL_CLOCK).
hv_clock_calibration CalibrateClock();

}  // namespace hvrun

#endif  // HVRUN_CLOCK_CALIBRATION_H_
