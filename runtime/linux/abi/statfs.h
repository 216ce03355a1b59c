// File: runtime/linux/abi/statfs.h
//
// The x86-64 kernel's struct statfs (statfs(2), fstatfs(2)) and the magic
// numbers of the file systems the guest's own files live on
// (linux/magic.h).
#ifndef HVRT_LINUX_ABI_STATFS_H_
#define HVRT_LINUX_ABI_STATFS_H_

#include <stdint.h>

namespace hvrt::abi {

struct Statfs {
  int64_t f_type;
  int64_t f_bsize;
  uint64_t f_blocks;
  uint64_t f_bfree;
  uint64_t f_bavail;
  uint64_t f_files;
  uint64_t f_ffree;
  int32_t f_fsid[2];
  int64_t f_namelen;
  int64_t f_frsize;
  int64_t f_flags;
  int64_t f_spare[4];
};
static_assert(sizeof(Statfs) == 120);

inline constexpr int64_t kTMPFS_MAGIC = 0x01021994;
inline constexpr int64_t kPROC_SUPER_MAGIC = 0x9fa0;
inline constexpr int64_t kPIPEFS_MAGIC = 0x50495045;
inline constexpr int64_t kSOCKFS_MAGIC = 0x534F434B;
inline constexpr int64_t kDEVPTS_SUPER_MAGIC = 0x1cd1;

// f_flags (ST_* of statvfs, as the kernel reports them).
inline constexpr int64_t kST_NOSUID = 2;
inline constexpr int64_t kST_NODEV = 4;
inline constexpr int64_t kST_NOEXEC = 8;
inline constexpr int64_t kST_RELATIME = 4096;
inline constexpr int64_t kST_VALID = 0x20;  // f_flags is meaningful (always set by Linux)

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_STATFS_H_
