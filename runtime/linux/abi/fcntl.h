// File: runtime/linux/abi/fcntl.h
//
// open flags, *at() flags and fcntl commands (asm-generic/fcntl.h,
// linux/fcntl.h) for x86-64.
#ifndef HVRT_LINUX_ABI_FCNTL_H_
#define HVRT_LINUX_ABI_FCNTL_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr int64_t kAT_FDCWD = -100;
inline constexpr uint64_t kAT_SYMLINK_NOFOLLOW = 0x100;
inline constexpr uint64_t kAT_NO_AUTOMOUNT = 0x800;
inline constexpr uint64_t kAT_EMPTY_PATH = 0x1000;

inline constexpr uint64_t kO_RDONLY = 0;
inline constexpr uint64_t kO_WRONLY = 1;
inline constexpr uint64_t kO_RDWR = 2;

inline constexpr uint64_t kF_GETFD = 1;
inline constexpr uint64_t kF_SETFD = 2;
inline constexpr uint64_t kF_GETFL = 3;
inline constexpr uint64_t kFD_CLOEXEC = 1;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_FCNTL_H_
