// File: runtime/vdso/vdso.h
//
// The runtime's side of its vDSO (runtime/vdso/vdso.cc): where the image is
// (AT_SYSINFO_EHDR) and the clock page it reads (vdso_data.h), which the
// runtime's clock writes whenever its calibration changes.
//
// Example:
//   auxv: {AT_SYSINFO_EHDR, hvrt::vdso::Image()}
#ifndef HVRT_VDSO_VDSO_H_
#define HVRT_VDSO_VDSO_H_

#include <stdint.h>

#include "runtime/vdso/vdso_data.h"

namespace hvrt::vdso {

// The vDSO's ELF header, page-aligned, inside the runtime image.
uint64_t Image();
// Writes (d) to the page the vDSO reads its clock from.
void Publish(const Data& d);

}  // namespace hvrt::vdso

#endif  // HVRT_VDSO_VDSO_H_
