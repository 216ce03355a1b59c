// The Linux x86-64 syscall table. One row per syscall, sorted by number;
// anything not here is unknown (-ENOSYS, counted, named with --verbose).
#include "runtime/linux/abi/syscall_nr.h"
#include "runtime/linux/syscalls.h"
#include "syscall-shim/table.h"

namespace hvrt::shim {
namespace {

constexpr Syscall kRows[] = {
    {nr::read, "read", sys_read, kSupported, ""},
    {nr::write, "write", sys_write, kSupported, ""},
    {nr::open, "open", sys_open, kPartial, "in-guest files and -v host mounts; no O_TMPFILE"},
    {nr::close, "close", sys_close, kSupported, ""},
    {nr::stat, "stat", sys_stat, kSupported, ""},
    {nr::fstat, "fstat", sys_fstat, kSupported, ""},
    {nr::lstat, "lstat", sys_lstat, kSupported, ""},
    {nr::poll, "poll", sys_poll, kPartial,
     "readiness now, never waits: files, devices, the console always ready; pipes by content"},
    {nr::lseek, "lseek", sys_lseek, kPartial, "no SEEK_DATA/SEEK_HOLE"},
    {nr::mmap, "mmap", sys_mmap, kPartial,
     "anonymous; regular files as a copy, MAP_SHARED kept coherent by the runtime; /dev/shm "
     "files shared between processes for real"},
    {nr::mprotect, "mprotect", sys_mprotect, kPartial, "bookkeeping: memory stays RWX"},
    {nr::munmap, "munmap", sys_munmap, kSupported, ""},
    {nr::brk, "brk", sys_brk, kSupported, ""},
    {nr::rt_sigaction, "rt_sigaction", sys_rt_sigaction, kPartial,
     "handlers run when a syscall returns (signals.h), not in the middle of computation"},
    {nr::rt_sigprocmask, "rt_sigprocmask", sys_rt_sigprocmask, kSupported, ""},
    {nr::rt_sigreturn, "rt_sigreturn", sys_rt_sigreturn, kSupported, ""},
    {nr::ioctl, "ioctl", sys_ioctl, kPartial,
     "TCGETS and TIOCGWINSZ on a tty console, FIONREAD; else -ENOTTY"},
    {nr::pread64, "pread64", sys_pread64, kSupported, ""},
    {nr::pwrite64, "pwrite64", sys_pwrite64, kSupported, ""},
    {nr::readv, "readv", sys_readv, kSupported, ""},
    {nr::writev, "writev", sys_writev, kSupported, ""},
    {nr::access, "access", sys_access, kPartial, "mode bits of the owner/group/other; no ACLs"},
    {nr::pipe, "pipe", sys_pipe, kPartial, "a host pipe, shared by the processes that inherit it"},
    {nr::sched_yield, "sched_yield", sys_sched_yield, kSupported, ""},
    {nr::mremap, "mremap", sys_mremap, kPartial, "no MREMAP_DONTUNMAP, no old_size 0"},
    {nr::msync, "msync", sys_msync, kSupported, ""},
    {nr::mincore, "mincore", sys_mincore, kPartial, "every mapped page reads as resident"},
    {nr::madvise, "madvise", sys_madvise, kPartial, "DONTNEED/FREE zero pages; others ignored"},
    {nr::shmget, "shmget", sys_shmget, kPartial,
     "one key space per container, within --shm-size; no IPC permission checks; none on xen"},
    {nr::shmat, "shmat", sys_shmat, kPartial, "hvrun maps the segment's host file; none on xen"},
    {nr::shmctl, "shmctl", sys_shmctl, kPartial,
     "IPC_STAT, IPC_SET, IPC_RMID, IPC_INFO, SHM_LOCK/UNLOCK (no-ops); not SHM_STAT/SHM_INFO"},
    {nr::dup, "dup", sys_dup, kSupported, ""},
    {nr::dup2, "dup2", sys_dup2, kSupported, ""},
    {nr::pause, "pause", sys_pause, kSupported, ""},
    {nr::nanosleep, "nanosleep", sys_nanosleep, kSupported, ""},
    {nr::getitimer, "getitimer", sys_getitimer, kSupported, ""},
    {nr::alarm, "alarm", sys_alarm, kSupported, ""},
    {nr::setitimer, "setitimer", sys_setitimer, kPartial,
     "VIRTUAL and PROF count wall time; expiry seen at syscalls and waits"},
    {nr::getpid, "getpid", sys_getpid, kSupported, ""},
    {nr::sendfile, "sendfile", sys_sendfile, kPartial,
     "from regular files only (tmpfs or host mounts)"},
    {nr::sendto, "sendto", sys_sendto, kPartial,
     "on a socketpair's socket: no address; MSG_DONTWAIT, MSG_NOSIGNAL"},
    {nr::recvfrom, "recvfrom", sys_recvfrom, kPartial,
     "on a socketpair's socket: the peer is unnamed; MSG_DONTWAIT, MSG_WAITALL"},
    {nr::shutdown, "shutdown", sys_shutdown, kPartial, "on a socketpair's socket"},
    {nr::socketpair, "socketpair", sys_socketpair, kPartial,
     "AF_UNIX stream, dgram, seqpacket: host sockets, shared across fork"},
    {nr::clone, "clone", sys_clone, kPartial,
     "threads; processes with a copy of memory (CLONE_VM only with CLONE_VFORK: posix_spawn)"},
    {nr::fork, "fork", sys_fork, kPartial,
     "sim and kvm: a new guest with a copy of this one's memory (MAP_SHARED memory is copied "
     "too)"},
    {nr::vfork, "vfork", sys_vfork, kPartial, "as fork: the parent does not wait for the exec"},
    {nr::execve, "execve", sys_execve, kPartial, "in place; ELF and #! scripts"},
    {nr::exit, "exit", sys_exit, kSupported, ""},
    {nr::wait4, "wait4", sys_wait4, kPartial, "rusage is zero"},
    {nr::kill, "kill", sys_kill, kSupported, ""},
    {nr::uname, "uname", sys_uname, kSupported, ""},
    {nr::shmdt, "shmdt", sys_shmdt, kSupported, ""},
    {nr::fcntl, "fcntl", sys_fcntl, kPartial,
     "record locks between processes on host files (tmpfs: per process); no leases, seals, "
     "F_SETOWN"},
    {nr::flock, "flock", sys_flock, kPartial,
     "between processes on host files (tmpfs: per process)"},
    {nr::fsync, "fsync", sys_fsync, kSupported, ""},
    {nr::fdatasync, "fdatasync", sys_fdatasync, kSupported, ""},
    {nr::truncate, "truncate", sys_truncate, kSupported, ""},
    {nr::ftruncate, "ftruncate", sys_ftruncate, kSupported, ""},
    {nr::getdents, "getdents", sys_getdents, kSupported, ""},
    {nr::getcwd, "getcwd", sys_getcwd, kSupported, ""},
    {nr::chdir, "chdir", sys_chdir, kSupported, ""},
    {nr::fchdir, "fchdir", sys_fchdir, kSupported, ""},
    {nr::rename, "rename", sys_rename, kSupported, ""},
    {nr::mkdir, "mkdir", sys_mkdir, kSupported, ""},
    {nr::rmdir, "rmdir", sys_rmdir, kSupported, ""},
    {nr::creat, "creat", sys_creat, kSupported, ""},
    {nr::link, "link", sys_link, kSupported, ""},
    {nr::unlink, "unlink", sys_unlink, kSupported, ""},
    {nr::symlink, "symlink", sys_symlink, kSupported, ""},
    {nr::readlink, "readlink", sys_readlink, kSupported, ""},
    {nr::chmod, "chmod", sys_chmod, kSupported, ""},
    {nr::fchmod, "fchmod", sys_fchmod, kSupported, ""},
    {nr::chown, "chown", sys_chown, kPartial, "to the guest's own uid/gid only (any as root)"},
    {nr::fchown, "fchown", sys_fchown, kPartial, "to the guest's own uid/gid only (any as root)"},
    {nr::lchown, "lchown", sys_lchown, kPartial, "to the guest's own uid/gid only (any as root)"},
    {nr::umask, "umask", sys_umask, kSupported, ""},
    {nr::gettimeofday, "gettimeofday", sys_gettimeofday, kSupported, ""},
    {nr::getrlimit, "getrlimit", sys_getrlimit, kSupported, ""},
    {nr::getrusage, "getrusage", sys_getrusage, kPartial,
     "times: time since start (self), none (children); ru_maxrss; other fields 0"},
    {nr::sysinfo, "sysinfo", sys_sysinfo, kPartial, "RAM is the --memory limit; no load, no swap"},
    {nr::getuid, "getuid", sys_getuid, kSupported, ""},
    {nr::getgid, "getgid", sys_getgid, kSupported, ""},
    {nr::setuid, "setuid", sys_setuid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::setgid, "setgid", sys_setgid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::geteuid, "geteuid", sys_geteuid, kSupported, ""},
    {nr::getegid, "getegid", sys_getegid, kSupported, ""},
    {nr::setpgid, "setpgid", sys_setpgid, kSupported, ""},
    {nr::getppid, "getppid", sys_getppid, kSupported, ""},
    {nr::getpgrp, "getpgrp", sys_getpgrp, kSupported, ""},
    {nr::setsid, "setsid", sys_setsid, kSupported, ""},
    {nr::setreuid, "setreuid", sys_setreuid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::setregid, "setregid", sys_setregid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::getgroups, "getgroups", sys_getgroups, kSupported, ""},
    {nr::setgroups, "setgroups", sys_setgroups, kPartial, "up to 256 groups (then ENOMEM)"},
    {nr::setresuid, "setresuid", sys_setresuid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::getresuid, "getresuid", sys_getresuid, kSupported, ""},
    {nr::setresgid, "setresgid", sys_setresgid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::getresgid, "getresgid", sys_getresgid, kSupported, ""},
    {nr::getpgid, "getpgid", sys_getpgid, kSupported, ""},
    {nr::setfsuid, "setfsuid", sys_setfsuid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::setfsgid, "setfsgid", sys_setfsgid, kPartial,
     "the process's own ids, with Linux's rules; they decide the runtime's checks, not the host's"},
    {nr::getsid, "getsid", sys_getsid, kSupported, ""},
    {nr::capget, "capget", sys_capget, kPartial,
     "this process's own; all capabilities for uid 0, none otherwise; hvrun enforces none"},
    {nr::capset, "capset", sys_capset, kPartial, "stored and reported; hvrun enforces none"},
    {nr::rt_sigpending, "rt_sigpending", sys_rt_sigpending, kSupported, ""},
    {nr::rt_sigtimedwait, "rt_sigtimedwait", sys_rt_sigtimedwait, kSupported, ""},
    {nr::rt_sigqueueinfo, "rt_sigqueueinfo", sys_rt_sigqueueinfo, kPartial,
     "Linux's checks; the signal arrives, its si_value does not"},
    {nr::rt_sigsuspend, "rt_sigsuspend", sys_rt_sigsuspend, kSupported, ""},
    {nr::sigaltstack, "sigaltstack", sys_sigaltstack, kSupported, ""},
    {nr::mknod, "mknod", sys_mknod, kPartial, "as mknodat"},
    {nr::statfs, "statfs", sys_statfs, kSupported, ""},
    {nr::fstatfs, "fstatfs", sys_fstatfs, kSupported, ""},
    {nr::getpriority, "getpriority", sys_getpriority, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::setpriority, "setpriority", sys_setpriority, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::sched_setparam, "sched_setparam", sys_sched_setparam, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::sched_getparam, "sched_getparam", sys_sched_getparam, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::sched_setscheduler, "sched_setscheduler", sys_sched_setscheduler, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::sched_getscheduler, "sched_getscheduler", sys_sched_getscheduler, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::sched_get_priority_max, "sched_get_priority_max", sys_sched_get_priority_max, kSupported,
     ""},
    {nr::sched_get_priority_min, "sched_get_priority_min", sys_sched_get_priority_min, kSupported,
     ""},
    {nr::sched_rr_get_interval, "sched_rr_get_interval", sys_sched_rr_get_interval, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::prctl, "prctl", sys_prctl, kPartial,
     "PR_SET/GET_PDEATHSIG, _DUMPABLE, _NAME, _NO_NEW_PRIVS; others -EINVAL"},
    {nr::arch_prctl, "arch_prctl", sys_arch_prctl, kPartial, "ARCH_SET/GET_FS/GS only"},
    {nr::setrlimit, "setrlimit", sys_setrlimit, kPartial, "lowering only; not enforced"},
    {nr::gettid, "gettid", sys_gettid, kSupported, ""},
    {nr::tkill, "tkill", sys_tkill, kSupported, ""},
    {nr::time, "time", sys_time, kSupported, ""},
    {nr::futex, "futex", sys_futex, kPartial,
     "no requeue to PI; a wake from another process is seen within 2 ms (polled)"},
    {nr::sched_getaffinity, "sched_getaffinity", sys_sched_getaffinity, kSupported, ""},
    {nr::getdents64, "getdents64", sys_getdents64, kSupported, ""},
    {nr::set_tid_address, "set_tid_address", sys_set_tid_address, kSupported, ""},
    {nr::timer_create, "timer_create", sys_timer_create, kPartial,
     "CPU-time clocks count wall time; no SIGEV_THREAD without glibc's help"},
    {nr::timer_settime, "timer_settime", sys_timer_settime, kSupported, ""},
    {nr::timer_gettime, "timer_gettime", sys_timer_gettime, kSupported, ""},
    {nr::timer_getoverrun, "timer_getoverrun", sys_timer_getoverrun, kSupported, ""},
    {nr::timer_delete, "timer_delete", sys_timer_delete, kSupported, ""},
    {nr::clock_gettime, "clock_gettime", sys_clock_gettime, kPartial,
     "CPU-time clocks are time since boot"},
    {nr::clock_getres, "clock_getres", sys_clock_getres, kSupported, ""},
    {nr::clock_nanosleep, "clock_nanosleep", sys_clock_nanosleep, kPartial,
     "REALTIME/MONOTONIC/BOOTTIME/TAI"},
    {nr::exit_group, "exit_group", sys_exit_group, kSupported, ""},
    {nr::tgkill, "tgkill", sys_tgkill, kSupported, ""},
    {nr::waitid, "waitid", sys_waitid, kPartial, "P_ALL, P_PID, P_PGID; WEXITED only"},
    {nr::openat, "openat", sys_openat, kPartial, "in-guest files and -v host mounts; no O_TMPFILE"},
    {nr::mkdirat, "mkdirat", sys_mkdirat, kSupported, ""},
    {nr::mknodat, "mknodat", sys_mknodat, kPartial,
     "regular files; FIFOs on host mounts (not yet in the guest's tmpfs); no device nodes"},
    {nr::fchownat, "fchownat", sys_fchownat, kPartial,
     "to the guest's own uid/gid only (any as root)"},
    {nr::newfstatat, "newfstatat", sys_newfstatat, kSupported, ""},
    {nr::unlinkat, "unlinkat", sys_unlinkat, kSupported, ""},
    {nr::renameat, "renameat", sys_renameat, kSupported, ""},
    {nr::linkat, "linkat", sys_linkat, kSupported, ""},
    {nr::symlinkat, "symlinkat", sys_symlinkat, kSupported, ""},
    {nr::readlinkat, "readlinkat", sys_readlinkat, kSupported, ""},
    {nr::fchmodat, "fchmodat", sys_fchmodat, kSupported, ""},
    {nr::faccessat, "faccessat", sys_faccessat, kPartial,
     "mode bits of the owner/group/other; no ACLs"},
    {nr::ppoll, "ppoll", sys_ppoll, kPartial, "as poll; the signal mask is ignored"},
    {nr::set_robust_list, "set_robust_list", sys_set_robust_list, kSupported, ""},
    {nr::get_robust_list, "get_robust_list", sys_get_robust_list, kSupported, ""},
    {nr::utimensat, "utimensat", sys_utimensat, kSupported, ""},
    {nr::signalfd, "signalfd", sys_signalfd, kSupported, ""},
    {nr::eventfd, "eventfd", sys_eventfd, kPartial, "as eventfd2"},
    {nr::fallocate, "fallocate", sys_fallocate, kPartial, "mode 0 only; other modes -EOPNOTSUPP"},
    {nr::signalfd4, "signalfd4", sys_signalfd4, kSupported, ""},
    {nr::eventfd2, "eventfd2", sys_eventfd2, kPartial,
     "a host eventfd, shared across fork; none where hvrun keeps no processes (xen)"},
    {nr::dup3, "dup3", sys_dup3, kSupported, ""},
    {nr::pipe2, "pipe2", sys_pipe2, kPartial, "a host pipe; O_CLOEXEC, O_NONBLOCK, O_DIRECT"},
    {nr::preadv, "preadv", sys_preadv, kSupported, ""},
    {nr::pwritev, "pwritev", sys_pwritev, kSupported, ""},
    {nr::rt_tgsigqueueinfo, "rt_tgsigqueueinfo", sys_rt_tgsigqueueinfo, kPartial,
     "as rt_sigqueueinfo; another process's thread only by its pid"},
    {nr::prlimit64, "prlimit64", sys_prlimit64, kPartial, "self only; lowering only; not enforced"},
    {nr::sched_setattr, "sched_setattr", sys_sched_setattr, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::sched_getattr, "sched_getattr", sys_sched_getattr, kPartial,
     "one setting per process, kept and reported; no effect on hvrun's scheduler; another "
     "process's: EPERM"},
    {nr::renameat2, "renameat2", sys_renameat2, kPartial,
     "RENAME_NOREPLACE; EXCHANGE/WHITEOUT -EINVAL"},
    {nr::getrandom, "getrandom", sys_getrandom, kSupported, ""},
    {nr::execveat, "execveat", sys_execveat, kPartial, "no AT_EMPTY_PATH"},
    {nr::copy_file_range, "copy_file_range", sys_copy_file_range, kPartial,
     "between regular files (tmpfs or host mounts)"},
    {nr::preadv2, "preadv2", sys_preadv2, kPartial,
     "RWF_HIPRI and RWF_NOWAIT accepted and ignored"},
    {nr::pwritev2, "pwritev2", sys_pwritev2, kPartial,
     "RWF_HIPRI and RWF_NOWAIT accepted and ignored"},
    {nr::statx, "statx", sys_statx, kPartial, "basic stats; no birth time"},
    {nr::rseq, "rseq", sys_rseq, kPartial, "-ENOSYS on purpose: glibc falls back"},
    {nr::clone3, "clone3", sys_clone3, kPartial, "as clone; no set_tid, pidfd, cgroup"},
    {nr::close_range, "close_range", sys_close_range, kPartial,
     "CLOSE_RANGE_UNSHARE closes in the fd table its threads share"},
    {nr::faccessat2, "faccessat2", sys_faccessat2, kPartial,
     "mode bits of the owner/group/other; no ACLs"},
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
