// The Linux x86-64 syscall table. One row per syscall, sorted by number;
// anything not here is unknown (-ENOSYS, counted, named with --verbose).
#include "runtime/linux/abi/syscall_nr.h"
#include "runtime/linux/syscalls.h"
#include "syscall-shim/table.h"

namespace hvrt::shim {
namespace {

constexpr Syscall kRows[] = {
    {nr::read, "read", sys_read, kPartial, "console fd 0 only until the VFS"},
    {nr::write, "write", sys_write, kPartial, "console fds 1 and 2 only until the VFS"},
    {nr::open, "open", sys_open, kPartial, "no filesystem yet (VFS later): -ENOENT"},
    {nr::close, "close", sys_close, kPartial, "fds 0-2 only"},
    {nr::fstat, "fstat", sys_fstat, kPartial, "fds 0-2: type, inode and rdev of the host stream"},
    {nr::lseek, "lseek", sys_lseek, kPartial, "console streams: -ESPIPE"},
    {nr::mmap, "mmap", sys_mmap, kPartial, "anonymous only; file-backed: -ENODEV"},
    {nr::mprotect, "mprotect", sys_mprotect, kPartial, "bookkeeping: memory stays RWX"},
    {nr::munmap, "munmap", sys_munmap, kSupported, ""},
    {nr::brk, "brk", sys_brk, kSupported, ""},
    {nr::rt_sigaction, "rt_sigaction", sys_rt_sigaction, kPartial,
     "stored; app handlers are not run yet"},
    {nr::rt_sigprocmask, "rt_sigprocmask", sys_rt_sigprocmask, kSupported, ""},
    {nr::ioctl, "ioctl", sys_ioctl, kPartial, "TCGETS and TIOCGWINSZ on a tty console"},
    {nr::pread64, "pread64", sys_pread64, kPartial, "console streams: -ESPIPE"},
    {nr::pwrite64, "pwrite64", sys_pwrite64, kPartial, "console streams: -ESPIPE"},
    {nr::readv, "readv", sys_readv, kPartial, "console fd 0 only until the VFS"},
    {nr::writev, "writev", sys_writev, kPartial, "console fds 1 and 2 only until the VFS"},
    {nr::sched_yield, "sched_yield", sys_sched_yield, kSupported, ""},
    {nr::mremap, "mremap", sys_mremap, kPartial, "no MREMAP_DONTUNMAP, no old_size 0"},
    {nr::madvise, "madvise", sys_madvise, kPartial, "DONTNEED/FREE zero pages; others ignored"},
    {nr::getpid, "getpid", sys_getpid, kSupported, ""},
    {nr::exit, "exit", sys_exit, kSupported, ""},
    {nr::kill, "kill", sys_kill, kPartial, "self only; a delivered signal ends the guest"},
    {nr::uname, "uname", sys_uname, kSupported, ""},
    {nr::fcntl, "fcntl", sys_fcntl, kPartial, "F_GETFD, F_SETFD, F_GETFL on fds 0-2"},
    {nr::getcwd, "getcwd", sys_getcwd, kPartial, "always \"/\""},
    {nr::readlink, "readlink", sys_readlink, kPartial, "only /proc/self/exe"},
    {nr::gettimeofday, "gettimeofday", sys_gettimeofday, kSupported, ""},
    {nr::getrlimit, "getrlimit", sys_getrlimit, kSupported, ""},
    {nr::getuid, "getuid", sys_getuid, kSupported, ""},
    {nr::getgid, "getgid", sys_getgid, kSupported, ""},
    {nr::geteuid, "geteuid", sys_geteuid, kSupported, ""},
    {nr::getegid, "getegid", sys_getegid, kSupported, ""},
    {nr::getppid, "getppid", sys_getppid, kSupported, ""},
    {nr::sigaltstack, "sigaltstack", sys_sigaltstack, kPartial, "stored; nothing runs on it yet"},
    {nr::arch_prctl, "arch_prctl", sys_arch_prctl, kPartial, "ARCH_SET/GET_FS/GS only"},
    {nr::setrlimit, "setrlimit", sys_setrlimit, kPartial, "lowering only; not enforced"},
    {nr::gettid, "gettid", sys_gettid, kSupported, ""},
    {nr::tkill, "tkill", sys_tkill, kPartial, "a delivered signal ends the guest"},
    {nr::time, "time", sys_time, kSupported, ""},
    {nr::futex, "futex", sys_futex, kPartial,
     "one thread: WAIT/WAKE(_BITSET); a wait that can never end panics"},
    {nr::sched_getaffinity, "sched_getaffinity", sys_sched_getaffinity, kSupported, ""},
    {nr::set_tid_address, "set_tid_address", sys_set_tid_address, kSupported, ""},
    {nr::clock_gettime, "clock_gettime", sys_clock_gettime, kPartial,
     "CPU-time clocks are time since boot"},
    {nr::clock_getres, "clock_getres", sys_clock_getres, kSupported, ""},
    {nr::exit_group, "exit_group", sys_exit_group, kSupported, ""},
    {nr::tgkill, "tgkill", sys_tgkill, kPartial, "a delivered signal ends the guest"},
    {nr::openat, "openat", sys_openat, kPartial, "no filesystem yet (VFS later): -ENOENT"},
    {nr::newfstatat, "newfstatat", sys_newfstatat, kPartial,
     "AT_EMPTY_PATH on fds 0-2; paths -ENOENT"},
    {nr::readlinkat, "readlinkat", sys_readlinkat, kPartial, "only /proc/self/exe"},
    {nr::set_robust_list, "set_robust_list", sys_set_robust_list, kSupported, ""},
    {nr::prlimit64, "prlimit64", sys_prlimit64, kPartial, "self only; lowering only; not enforced"},
    {nr::getrandom, "getrandom", sys_getrandom, kSupported, ""},
    {nr::rseq, "rseq", sys_rseq, kPartial, "-ENOSYS on purpose: glibc falls back"},
};
constexpr size_t kCount = sizeof kRows / sizeof kRows[0];

constexpr bool SortedAndUnique() {
  for (size_t i = 1; i < kCount; i++) {
    if (kRows[i - 1].nr >= kRows[i].nr) return false;
  }
  return true;
}
static_assert(SortedAndUnique(), "kRows must be sorted by number, each number once");

constexpr uint32_t kMaxNr = kRows[kCount - 1].nr;

// slot[nr] is the row index of syscall nr, or -1.
struct Index {
  int16_t slot[kMaxNr + 1];
};

constexpr Index BuildIndex() {
  Index ix{};
  for (uint32_t nr = 0; nr <= kMaxNr; nr++) ix.slot[nr] = -1;
  for (size_t i = 0; i < kCount; i++) ix.slot[kRows[i].nr] = static_cast<int16_t>(i);
  return ix;
}
constexpr Index kIndex = BuildIndex();

}  // namespace

Table AllSyscalls() { return {kRows, kCount}; }

const Syscall* Lookup(uint64_t nr) {
  if (nr > kMaxNr || kIndex.slot[nr] < 0) return nullptr;
  return &kRows[kIndex.slot[nr]];
}

}  // namespace hvrt::shim
