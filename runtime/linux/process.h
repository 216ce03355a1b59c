// File: runtime/linux/process.h
//
// The one process the guest runs: its ids, resource limits, and how it
// ends. pid 1 (the main thread's tid), parent 0 (like init). Its threads,
// and their set_tid_address/set_robust_list registrations, are
// runtime/sched/'s.
//
// Example:
//   hvrt::process::Reset(boot_info);
//   hvrt::process::Exit(status & 0xff, 0);   // never returns
#ifndef HVRT_LINUX_PROCESS_H_
#define HVRT_LINUX_PROCESS_H_

#include <stdint.h>

#include "hv/abi.h"
#include "runtime/linux/abi/resource.h"

namespace hvrt::process {

inline constexpr int64_t kPid = 1;
inline constexpr int64_t kParentPid = 0;
inline constexpr int64_t kMainTid = 1;

// Sets the limits from (bi) (RLIMIT_STACK is the stack hvrun gave the app).
void Reset(const hv_boot_info& bi);

// The current limit for (resource), or nullptr if it is not a Linux resource.
// Limits can be lowered and are reported back; the runtime does not enforce
// them (the stack and memory are bounded by what hvrun gave the guest).
abi::Rlimit* Limit(uint32_t resource);

// Whether (pid) names this process: 0 (the caller) or its pid.
inline bool IsSelf(int64_t pid) { return pid == 0 || pid == kPid; }

// Ends the guest: HV_CALL_EXIT with (status), (flags) (HV_EXIT_*), the count
// of unknown syscalls and of failed memory requests. Never returns.
[[noreturn]] void Exit(int32_t status, uint32_t flags);

}  // namespace hvrt::process

#endif  // HVRT_LINUX_PROCESS_H_
