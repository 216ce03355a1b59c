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
inline constexpr uint32_t kS_IFDIR = 0040000;
inline constexpr uint32_t kS_IFBLK = 0060000;
inline constexpr uint32_t kS_IFREG = 0100000;
inline constexpr uint32_t kS_IFLNK = 0120000;
inline constexpr uint32_t kS_IFSOCK = 0140000;
inline constexpr uint32_t kS_ISVTX = 01000;

constexpr bool IsDir(uint32_t mode) { return (mode & kS_IFMT) == kS_IFDIR; }
constexpr bool IsFifo(uint32_t mode) { return (mode & kS_IFMT) == kS_IFIFO; }
constexpr bool IsReg(uint32_t mode) { return (mode & kS_IFMT) == kS_IFREG; }
constexpr bool IsLnk(uint32_t mode) { return (mode & kS_IFMT) == kS_IFLNK; }
constexpr bool IsSock(uint32_t mode) { return (mode & kS_IFMT) == kS_IFSOCK; }
// No file type: an anonymous inode (an eventfd), as Linux's anon_inode files.
constexpr bool IsAnon(uint32_t mode) { return (mode & kS_IFMT) == 0; }
// A stream without offsets: a pipe, FIFO, socket or anonymous inode.
constexpr bool IsStream(uint32_t mode) { return IsFifo(mode) || IsSock(mode) || IsAnon(mode); }

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

// struct statx (include/uapi/linux/stat.h).
struct StatxTimestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};
struct Statx {
  uint32_t stx_mask;
  uint32_t stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink;
  uint32_t stx_uid;
  uint32_t stx_gid;
  uint16_t stx_mode;
  uint16_t pad0;
  uint64_t stx_ino;
  uint64_t stx_size;
  uint64_t stx_blocks;
  uint64_t stx_attributes_mask;
  StatxTimestamp stx_atime;
  StatxTimestamp stx_btime;
  StatxTimestamp stx_ctime;
  StatxTimestamp stx_mtime;
  uint32_t stx_rdev_major;
  uint32_t stx_rdev_minor;
  uint32_t stx_dev_major;
  uint32_t stx_dev_minor;
  uint64_t spare[14];
};
static_assert(sizeof(Statx) == 256);
static_assert(offsetof(Statx, stx_ino) == 32);
static_assert(offsetof(Statx, stx_atime) == 64);
static_assert(offsetof(Statx, stx_rdev_major) == 128);
inline constexpr uint32_t kSTATX_BASIC_STATS = 0x7ff;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_STAT_H_
