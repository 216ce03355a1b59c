// File: runtime/linux/abi/auxv.h
//
// Auxiliary vector keys (linux/auxvec.h, asm/auxvec.h) the runtime puts on the
// app's initial stack. AT_HV_NATIVE comes from hv/abi.h.
#ifndef HVRT_LINUX_ABI_AUXV_H_
#define HVRT_LINUX_ABI_AUXV_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr uint64_t kAT_NULL = 0;
inline constexpr uint64_t kAT_PHDR = 3;
inline constexpr uint64_t kAT_PHENT = 4;
inline constexpr uint64_t kAT_PHNUM = 5;
inline constexpr uint64_t kAT_PAGESZ = 6;
inline constexpr uint64_t kAT_BASE = 7;
inline constexpr uint64_t kAT_FLAGS = 8;
inline constexpr uint64_t kAT_ENTRY = 9;
inline constexpr uint64_t kAT_UID = 11;
inline constexpr uint64_t kAT_EUID = 12;
inline constexpr uint64_t kAT_GID = 13;
inline constexpr uint64_t kAT_EGID = 14;
inline constexpr uint64_t kAT_PLATFORM = 15;
inline constexpr uint64_t kAT_HWCAP = 16;
inline constexpr uint64_t kAT_CLKTCK = 17;
inline constexpr uint64_t kAT_SECURE = 23;
inline constexpr uint64_t kAT_RANDOM = 25;
inline constexpr uint64_t kAT_HWCAP2 = 26;
inline constexpr uint64_t kAT_EXECFN = 31;
inline constexpr uint64_t kAT_SYSINFO_EHDR = 33;  // the runtime's vDSO (runtime/vdso/)
inline constexpr uint64_t kAT_MINSIGSTKSZ = 51;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_AUXV_H_
