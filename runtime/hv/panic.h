// File: runtime/hv/panic.h
//
// Ends the guest with a message the host prints (HV_CALL_PANIC), for states
// the runtime cannot continue from: bad boot info, a broken invariant.
//
// Example:
//   if (bi.abi_version != HV_ABI_VERSION) hvrt::Panic("abi %u", bi.abi_version);
#ifndef HVRT_HV_PANIC_H_
#define HVRT_HV_PANIC_H_

namespace hvrt {

// Formats (fmt) (see runtime/lib/format.h), sends it with HV_CALL_PANIC and
// never returns: if the host lets the call return, spins with `pause`.
[[noreturn]] void Panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace hvrt

#endif  // HVRT_HV_PANIC_H_
