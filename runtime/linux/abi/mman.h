// File: runtime/linux/abi/mman.h
//
// mmap/mprotect/madvise/mremap constants (asm-generic/mman-common.h,
// linux/mman.h) for x86-64.
#ifndef HVRT_LINUX_ABI_MMAN_H_
#define HVRT_LINUX_ABI_MMAN_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr uint64_t kPROT_READ = 0x1;
inline constexpr uint64_t kPROT_WRITE = 0x2;
inline constexpr uint64_t kPROT_EXEC = 0x4;

inline constexpr uint64_t kMAP_SHARED = 0x01;
inline constexpr uint64_t kMAP_PRIVATE = 0x02;
inline constexpr uint64_t kMAP_SHARED_VALIDATE = 0x03;
inline constexpr uint64_t kMAP_TYPE = 0x0f;
inline constexpr uint64_t kMAP_FIXED = 0x10;
inline constexpr uint64_t kMAP_ANONYMOUS = 0x20;
inline constexpr uint64_t kMAP_HUGETLB = 0x40000;
inline constexpr uint64_t kMAP_32BIT = 0x40;  // in the first 2 GiB (x86-64 only)
inline constexpr uint64_t kMAP_FIXED_NOREPLACE = 0x100000;

inline constexpr uint64_t kMADV_DONTNEED = 4;
inline constexpr uint64_t kMADV_FREE = 8;

inline constexpr uint64_t kMREMAP_MAYMOVE = 1;
inline constexpr uint64_t kMREMAP_FIXED = 2;
inline constexpr uint64_t kMREMAP_DONTUNMAP = 4;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_MMAN_H_
