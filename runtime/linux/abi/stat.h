// File: runtime/linux/abi/stat.h
//
// x86-64 struct stat (arch/x86/include/uapi/asm/stat.h), the layout fstat and
// newfstatat write, plus the S_IF* file type bits.
#ifndef HVRT_LINUX_ABI_STAT_H_
#define HVRT_LINUX_ABI_STAT_H_

#include <stddef.h>
#include <stdint.h>

#include "runtime/linux/abi/time.h"

namespace hvrt::abi {

inline constexpr uint32_t kS_IFMT = 0170000;
inline constexpr uint32_t kS_IFIFO = 0010000;
inline constexpr uint32_t kS_IFCHR = 0020000;
inline constexpr uint32_t kS_IFREG = 0100000;

struct Stat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint64_t st_nlink;  // x86-64 puts nlink before mode, unlike most arches
  uint32_t st_mode;
  uint32_t st_uid;
  uint32_t st_gid;
  uint32_t pad0;
  uint64_t st_rdev;
  int64_t st_size;
  int64_t st_blksize;
  int64_t st_blocks;
  Timespec st_atim;
  Timespec st_mtim;
  Timespec st_ctim;
  int64_t reserved[3];
};
static_assert(sizeof(Stat) == 144);
static_assert(offsetof(Stat, st_mode) == 24);
static_assert(offsetof(Stat, st_rdev) == 40);
static_assert(offsetof(Stat, st_blksize) == 56);
static_assert(offsetof(Stat, st_atim) == 72);

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_STAT_H_
