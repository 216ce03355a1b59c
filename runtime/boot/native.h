// File: runtime/boot/native.h
//
// The native interface for SDK apps (hv/abi.h struct hv_native), found
// through AT_HV_NATIVE in the app's auxv. Its functions are plain calls into
// the runtime, made on the app's stack at the app's privilege, no trap.
//
// Example:
//   hvrt::boot::InitNative(HV_BACKEND_SIM);
//   aux.native = reinterpret_cast<uint64_t>(hvrt::boot::Native());
#ifndef HVRT_BOOT_NATIVE_H_
#define HVRT_BOOT_NATIVE_H_

#include "hv/abi.h"

namespace hvrt::boot {

// Fills in the backend and the function addresses. (The struct itself is
// constinit; its addresses are filled at boot because a function address is
// not a constant expression in a position-independent image.)
void InitNative(uint32_t backend);

// The struct AT_HV_NATIVE points to.
const hv_native* Native();

}  // namespace hvrt::boot

#endif  // HVRT_BOOT_NATIVE_H_
