// File: runtime/vdso/vdso_data.h
//
// The page the runtime's vDSO reads its clock from (Linux's vvar): the
// page right before the vDSO image (runtime/vdso/vdso_blob.S), written by
// the runtime's clock (runtime/hv/clock.cc) whenever its calibration is set
// (boot, a forked child's new VM, Xen's pvclock calibration). Runtime and
// vDSO are built together, so this is no ABI.
#ifndef HVRT_VDSO_VDSO_DATA_H_
#define HVRT_VDSO_VDSO_DATA_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::vdso {

enum Mode : uint32_t {
  kModeSyscall = 0,  // no clock in the app: every call is the syscall
  kModeTsc = 1,      // the calibrated TSC (cal)
  kModePvclock = 2,  // the kvmclock page at (pvclock) + pvclock_offset_ns
};

struct Data {
  uint32_t mode;  // Mode
  uint32_t pad;
  hv_clock_calibration cal;  // realtime_offset_ns in every mode but kModeSyscall
  uint64_t pvclock;          // guest address of the kvmclock page (kModePvclock)
  int64_t pvclock_offset_ns;
};

}  // namespace hvrt::vdso

#endif  // HVRT_VDSO_VDSO_DATA_H_
