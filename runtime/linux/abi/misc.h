// File: runtime/linux/abi/misc.h
//
// Small Linux ABI pieces with no better home: utsname, iovec, getrandom and
// arch_prctl codes, futex operations, limits.
#ifndef HVRT_LINUX_ABI_MISC_H_
#define HVRT_LINUX_ABI_MISC_H_

#include <stdint.h>

namespace hvrt::abi {

// uname(2): six 65-byte fields (__NEW_UTS_LEN + 1).
struct Utsname {
  char sysname[65];
  char nodename[65];
  char release[65];
  char version[65];
  char machine[65];
  char domainname[65];
};
static_assert(sizeof(Utsname) == 390);

struct Iovec {
  uint64_t iov_base;
  uint64_t iov_len;
};
static_assert(sizeof(Iovec) == 16);
inline constexpr uint64_t kUIO_MAXIOV = 1024;

// The most one read/write moves (MAX_RW_COUNT: INT_MAX rounded down to a page).
inline constexpr uint64_t kMAX_RW_COUNT = 0x7ffff000;

inline constexpr uint64_t kGRND_NONBLOCK = 1;
inline constexpr uint64_t kGRND_RANDOM = 2;
inline constexpr uint64_t kGRND_INSECURE = 4;

inline constexpr uint64_t kARCH_SET_GS = 0x1001;
inline constexpr uint64_t kARCH_SET_FS = 0x1002;
inline constexpr uint64_t kARCH_GET_FS = 0x1003;
inline constexpr uint64_t kARCH_GET_GS = 0x1004;
// TASK_SIZE_MAX for 4-level paging: user addresses lie below it.
inline constexpr uint64_t kTASK_SIZE_MAX = (1ull << 47) - 4096;

inline constexpr uint64_t kFUTEX_WAIT = 0;
inline constexpr uint64_t kFUTEX_WAKE = 1;
inline constexpr uint64_t kFUTEX_WAIT_BITSET = 9;
inline constexpr uint64_t kFUTEX_WAKE_BITSET = 10;
inline constexpr uint64_t kFUTEX_REQUEUE = 3;
inline constexpr uint64_t kFUTEX_CMP_REQUEUE = 4;
inline constexpr uint64_t kFUTEX_WAKE_OP = 5;
inline constexpr uint64_t kFUTEX_LOCK_PI = 6;
inline constexpr uint64_t kFUTEX_UNLOCK_PI = 7;
inline constexpr uint64_t kFUTEX_TRYLOCK_PI = 8;
inline constexpr uint64_t kFUTEX_LOCK_PI2 = 13;
// The futex word of a PI or robust lock: the owner's tid, and two flags.
inline constexpr uint32_t kFUTEX_WAITERS = 0x80000000u;
inline constexpr uint32_t kFUTEX_OWNER_DIED = 0x40000000u;
inline constexpr uint32_t kFUTEX_TID_MASK = 0x3fffffffu;
// exit_robust_list's bound on the entries it walks (ROBUST_LIST_LIMIT).
inline constexpr int kROBUST_LIST_LIMIT = 2048;
inline constexpr uint64_t kFUTEX_PRIVATE_FLAG = 128;
inline constexpr uint64_t kFUTEX_CLOCK_REALTIME = 256;
inline constexpr uint64_t kFUTEX_CMD_MASK = ~(kFUTEX_PRIVATE_FLAG | kFUTEX_CLOCK_REALTIME);

// clone(2) flags (<linux/sched.h>).
inline constexpr uint64_t kCSIGNAL = 0xff;
inline constexpr uint64_t kCLONE_VM = 0x100;
inline constexpr uint64_t kCLONE_FS = 0x200;
inline constexpr uint64_t kCLONE_FILES = 0x400;
inline constexpr uint64_t kCLONE_SIGHAND = 0x800;
inline constexpr uint64_t kCLONE_VFORK = 0x4000;
inline constexpr uint64_t kCLONE_THREAD = 0x10000;
inline constexpr uint64_t kCLONE_SYSVSEM = 0x40000;
inline constexpr uint64_t kCLONE_SETTLS = 0x80000;
inline constexpr uint64_t kCLONE_PARENT = 0x8000;
// clone3 only: handlers back to SIG_DFL in the child.
inline constexpr uint64_t kCLONE_CLEAR_SIGHAND = 1ull << 32;
inline constexpr uint64_t kCLONE_INTO_CGROUP = 1ull << 33;
inline constexpr uint64_t kCLONE_PARENT_SETTID = 0x100000;
inline constexpr uint64_t kCLONE_CHILD_CLEARTID = 0x200000;
inline constexpr uint64_t kCLONE_DETACHED = 0x400000;
inline constexpr uint64_t kCLONE_CHILD_SETTID = 0x1000000;
// struct clone_args (clone3): the first version is 64 bytes.
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  uint64_t set_tid, set_tid_size, cgroup;
};
inline constexpr uint64_t kCLONE_ARGS_SIZE_VER0 = 64;

// clock_nanosleep(2) flags.
inline constexpr int32_t kTIMER_ABSTIME = 1;

// struct robust_list_head: three words.
inline constexpr uint64_t kROBUST_LIST_HEAD_SIZE = 24;

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_MISC_H_
