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
inline constexpr uint64_t kAT_REMOVEDIR = 0x200;  // unlinkat
inline constexpr uint64_t kAT_EACCESS = 0x200;    // faccessat2
inline constexpr uint64_t kAT_SYMLINK_FOLLOW = 0x400;
inline constexpr uint64_t kAT_NO_AUTOMOUNT = 0x800;
inline constexpr uint64_t kAT_EMPTY_PATH = 0x1000;

inline constexpr uint64_t kO_RDONLY = 0;
inline constexpr uint64_t kO_WRONLY = 1;
inline constexpr uint64_t kO_RDWR = 2;
inline constexpr uint64_t kO_ACCMODE = 3;
inline constexpr uint64_t kO_CREAT = 0100;
inline constexpr uint64_t kO_EXCL = 0200;
inline constexpr uint64_t kO_NOCTTY = 0400;
inline constexpr uint64_t kO_TRUNC = 01000;
inline constexpr uint64_t kO_APPEND = 02000;
inline constexpr uint64_t kO_NONBLOCK = 04000;
inline constexpr uint64_t kO_DSYNC = 010000;
inline constexpr uint64_t kO_DIRECT = 040000;
inline constexpr uint64_t kO_LARGEFILE = 0100000;
inline constexpr uint64_t kO_DIRECTORY = 0200000;
inline constexpr uint64_t kO_NOFOLLOW = 0400000;
inline constexpr uint64_t kO_NOATIME = 01000000;
inline constexpr uint64_t kO_CLOEXEC = 02000000;
inline constexpr uint64_t kO_SYNC = 04010000;
inline constexpr uint64_t kO_PATH = 010000000;
inline constexpr uint64_t kO_TMPFILE = 020000000;

inline constexpr int32_t kSEEK_SET = 0;
inline constexpr int32_t kSEEK_CUR = 1;
inline constexpr int32_t kSEEK_END = 2;
inline constexpr int32_t kSEEK_DATA = 3;
inline constexpr int32_t kSEEK_HOLE = 4;

inline constexpr uint64_t kRENAME_NOREPLACE = 1;
inline constexpr uint64_t kRENAME_EXCHANGE = 2;
inline constexpr uint64_t kRENAME_WHITEOUT = 4;

inline constexpr uint32_t kF_OK = 0;
inline constexpr uint32_t kX_OK = 1;
inline constexpr uint32_t kW_OK = 2;
inline constexpr uint32_t kR_OK = 4;

inline constexpr uint64_t kUTIME_NOW = (1 << 30) - 1;
inline constexpr uint64_t kUTIME_OMIT = (1 << 30) - 2;

inline constexpr uint32_t kF_DUPFD = 0;

inline constexpr uint64_t kF_GETFD = 1;
inline constexpr uint64_t kF_SETFD = 2;
inline constexpr uint64_t kF_GETFL = 3;
inline constexpr uint64_t kF_SETFL = 4;
inline constexpr uint64_t kF_SETOWN = 8;
inline constexpr uint64_t kF_GETOWN = 9;
inline constexpr uint64_t kF_SETSIG = 10;
inline constexpr uint64_t kF_GETSIG = 11;
inline constexpr uint64_t kF_SETOWN_EX = 15;
inline constexpr uint64_t kF_GETOWN_EX = 16;
inline constexpr uint32_t kF_OWNER_TID = 0;
inline constexpr uint32_t kF_OWNER_PID = 1;
inline constexpr uint32_t kF_OWNER_PGRP = 2;
inline constexpr uint64_t kO_ASYNC = 020000;
// The O_NONBLOCK and O_CLOEXEC that SOCK_NONBLOCK/SOCK_CLOEXEC, EFD_*,
// TFD_* and EPOLL_CLOEXEC ask for: Linux gives those flags the O_ values.
constexpr uint64_t FdFlagsOf(uint64_t flags) { return flags & (kO_NONBLOCK | kO_CLOEXEC); }
inline constexpr uint64_t kF_GETLK = 5;
inline constexpr uint64_t kF_SETLK = 6;
inline constexpr uint64_t kF_SETLKW = 7;
inline constexpr uint64_t kF_OFD_GETLK = 36;
inline constexpr uint64_t kF_OFD_SETLK = 37;
inline constexpr uint64_t kF_OFD_SETLKW = 38;
inline constexpr uint64_t kF_DUPFD_CLOEXEC = 1030;
inline constexpr uint64_t kF_SETPIPE_SZ = 1031;
inline constexpr uint64_t kF_GETPIPE_SZ = 1032;
inline constexpr uint64_t kFD_CLOEXEC = 1;
inline constexpr int16_t kF_RDLCK = 0, kF_WRLCK = 1, kF_UNLCK = 2;

// struct flock (32 bytes on x86-64).
struct Flock {
  int16_t l_type;
  int16_t l_whence;
  uint32_t pad0;
  int64_t l_start;
  int64_t l_len;
  int32_t l_pid;
  uint32_t pad1;
};
static_assert(sizeof(Flock) == 32);

inline constexpr uint64_t kLOCK_SH = 1;
inline constexpr uint64_t kLOCK_EX = 2;
inline constexpr uint64_t kLOCK_NB = 4;
inline constexpr uint64_t kLOCK_UN = 8;

// getdents64 record header (struct linux_dirent64), then the NUL-terminated name.
struct Dirent64Head {
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
};
inline constexpr uint64_t kDirent64NameOffset = 19;
inline constexpr uint8_t kDT_FIFO = 1;
inline constexpr uint8_t kDT_CHR = 2;
inline constexpr uint8_t kDT_DIR = 4;
inline constexpr uint8_t kDT_REG = 8;
inline constexpr uint8_t kDT_LNK = 10;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_FCNTL_H_
