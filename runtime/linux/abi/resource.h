// File: runtime/linux/abi/resource.h
//
// Resource limits (asm-generic/resource.h). On x86-64 getrlimit's struct
// rlimit and prlimit64's struct rlimit64 have the same layout.
#ifndef HVRT_LINUX_ABI_RESOURCE_H_
#define HVRT_LINUX_ABI_RESOURCE_H_

#include <stdint.h>

#include "runtime/linux/abi/time.h"

namespace hvrt::abi {

inline constexpr uint32_t kRLIMIT_CPU = 0;
inline constexpr uint32_t kRLIMIT_FSIZE = 1;
inline constexpr uint32_t kRLIMIT_DATA = 2;
inline constexpr uint32_t kRLIMIT_STACK = 3;
inline constexpr uint32_t kRLIMIT_CORE = 4;
inline constexpr uint32_t kRLIMIT_RSS = 5;
inline constexpr uint32_t kRLIMIT_NPROC = 6;
inline constexpr uint32_t kRLIMIT_NOFILE = 7;
inline constexpr uint32_t kRLIMIT_MEMLOCK = 8;
inline constexpr uint32_t kRLIMIT_AS = 9;
inline constexpr uint32_t kRLIMIT_LOCKS = 10;
inline constexpr uint32_t kRLIMIT_SIGPENDING = 11;
inline constexpr uint32_t kRLIMIT_MSGQUEUE = 12;
inline constexpr uint32_t kRLIMIT_NICE = 13;
inline constexpr uint32_t kRLIMIT_RTPRIO = 14;
inline constexpr uint32_t kRLIMIT_RTTIME = 15;
inline constexpr uint32_t kRLIM_NLIMITS = 16;
inline constexpr uint64_t kRLIM_INFINITY = ~0ull;

struct Rlimit {
  uint64_t rlim_cur;
  uint64_t rlim_max;
};
static_assert(sizeof(Rlimit) == 16);

// struct rusage (getrusage, wait4): two timevals, then fourteen longs.
struct Rusage {
  Timeval ru_utime;
  Timeval ru_stime;
  int64_t ru_maxrss;  // KiB
  int64_t ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock,
      ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
static_assert(sizeof(Rusage) == 144);

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_RESOURCE_H_
