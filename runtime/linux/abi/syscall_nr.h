// File: runtime/linux/abi/syscall_nr.h
//
// Linux x86-64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl) for
// the calls the shim serves. nr::read mirrors <sys/syscall.h>'s SYS_read; a
// unit test checks every number against the host's header.
#ifndef HVRT_LINUX_ABI_SYSCALL_NR_H_
#define HVRT_LINUX_ABI_SYSCALL_NR_H_

#include <stdint.h>

namespace hvrt::nr {

inline constexpr uint32_t read = 0;
inline constexpr uint32_t write = 1;
inline constexpr uint32_t open = 2;
inline constexpr uint32_t close = 3;
inline constexpr uint32_t stat = 4;
inline constexpr uint32_t fstat = 5;
inline constexpr uint32_t lstat = 6;
inline constexpr uint32_t poll = 7;
inline constexpr uint32_t lseek = 8;
inline constexpr uint32_t mmap = 9;
inline constexpr uint32_t mprotect = 10;
inline constexpr uint32_t munmap = 11;
inline constexpr uint32_t brk = 12;
inline constexpr uint32_t rt_sigaction = 13;
inline constexpr uint32_t rt_sigprocmask = 14;
inline constexpr uint32_t rt_sigreturn = 15;
inline constexpr uint32_t ioctl = 16;
inline constexpr uint32_t pread64 = 17;
inline constexpr uint32_t pwrite64 = 18;
inline constexpr uint32_t readv = 19;
inline constexpr uint32_t writev = 20;
inline constexpr uint32_t access = 21;
inline constexpr uint32_t pipe = 22;
inline constexpr uint32_t sched_yield = 24;
inline constexpr uint32_t mremap = 25;
inline constexpr uint32_t msync = 26;
inline constexpr uint32_t mincore = 27;
inline constexpr uint32_t madvise = 28;
inline constexpr uint32_t dup = 32;
inline constexpr uint32_t dup2 = 33;
inline constexpr uint32_t pause = 34;
inline constexpr uint32_t nanosleep = 35;
inline constexpr uint32_t getitimer = 36;
inline constexpr uint32_t alarm = 37;
inline constexpr uint32_t setitimer = 38;
inline constexpr uint32_t getpid = 39;
inline constexpr uint32_t sendfile = 40;
inline constexpr uint32_t clone = 56;
inline constexpr uint32_t fork = 57;
inline constexpr uint32_t vfork = 58;
inline constexpr uint32_t execve = 59;
inline constexpr uint32_t exit = 60;
inline constexpr uint32_t kill = 62;
inline constexpr uint32_t uname = 63;
inline constexpr uint32_t fcntl = 72;
inline constexpr uint32_t flock = 73;
inline constexpr uint32_t fsync = 74;
inline constexpr uint32_t fdatasync = 75;
inline constexpr uint32_t truncate = 76;
inline constexpr uint32_t ftruncate = 77;
inline constexpr uint32_t getcwd = 79;
inline constexpr uint32_t chdir = 80;
inline constexpr uint32_t fchdir = 81;
inline constexpr uint32_t rename = 82;
inline constexpr uint32_t mkdir = 83;
inline constexpr uint32_t rmdir = 84;
inline constexpr uint32_t creat = 85;
inline constexpr uint32_t link = 86;
inline constexpr uint32_t unlink = 87;
inline constexpr uint32_t symlink = 88;
inline constexpr uint32_t readlink = 89;
inline constexpr uint32_t chmod = 90;
inline constexpr uint32_t fchmod = 91;
inline constexpr uint32_t chown = 92;
inline constexpr uint32_t fchown = 93;
inline constexpr uint32_t lchown = 94;
inline constexpr uint32_t umask = 95;
inline constexpr uint32_t gettimeofday = 96;
inline constexpr uint32_t getrlimit = 97;
inline constexpr uint32_t sysinfo = 99;
inline constexpr uint32_t getuid = 102;
inline constexpr uint32_t getgid = 104;
inline constexpr uint32_t geteuid = 107;
inline constexpr uint32_t getegid = 108;
inline constexpr uint32_t getppid = 110;
inline constexpr uint32_t capget = 125;
inline constexpr uint32_t capset = 126;
inline constexpr uint32_t rt_sigpending = 127;
inline constexpr uint32_t rt_sigtimedwait = 128;
inline constexpr uint32_t rt_sigsuspend = 130;
inline constexpr uint32_t sigaltstack = 131;
inline constexpr uint32_t statfs = 137;
inline constexpr uint32_t fstatfs = 138;
inline constexpr uint32_t prctl = 157;
inline constexpr uint32_t arch_prctl = 158;
inline constexpr uint32_t setrlimit = 160;
inline constexpr uint32_t gettid = 186;
inline constexpr uint32_t tkill = 200;
inline constexpr uint32_t time = 201;
inline constexpr uint32_t futex = 202;
inline constexpr uint32_t sched_getaffinity = 204;
inline constexpr uint32_t getdents64 = 217;
inline constexpr uint32_t set_tid_address = 218;
inline constexpr uint32_t timer_create = 222;
inline constexpr uint32_t timer_settime = 223;
inline constexpr uint32_t timer_gettime = 224;
inline constexpr uint32_t timer_getoverrun = 225;
inline constexpr uint32_t timer_delete = 226;
inline constexpr uint32_t clock_gettime = 228;
inline constexpr uint32_t clock_getres = 229;
inline constexpr uint32_t clock_nanosleep = 230;
inline constexpr uint32_t exit_group = 231;
inline constexpr uint32_t tgkill = 234;
inline constexpr uint32_t openat = 257;
inline constexpr uint32_t mkdirat = 258;
inline constexpr uint32_t fchownat = 260;
inline constexpr uint32_t newfstatat = 262;
inline constexpr uint32_t unlinkat = 263;
inline constexpr uint32_t renameat = 264;
inline constexpr uint32_t linkat = 265;
inline constexpr uint32_t symlinkat = 266;
inline constexpr uint32_t readlinkat = 267;
inline constexpr uint32_t fchmodat = 268;
inline constexpr uint32_t faccessat = 269;
inline constexpr uint32_t ppoll = 271;
inline constexpr uint32_t set_robust_list = 273;
inline constexpr uint32_t get_robust_list = 274;
inline constexpr uint32_t utimensat = 280;
inline constexpr uint32_t signalfd = 282;
inline constexpr uint32_t fallocate = 285;
inline constexpr uint32_t signalfd4 = 289;
inline constexpr uint32_t dup3 = 292;
inline constexpr uint32_t pipe2 = 293;
inline constexpr uint32_t preadv = 295;
inline constexpr uint32_t pwritev = 296;
inline constexpr uint32_t prlimit64 = 302;
inline constexpr uint32_t renameat2 = 316;
inline constexpr uint32_t getrandom = 318;
inline constexpr uint32_t execveat = 322;
inline constexpr uint32_t copy_file_range = 326;
inline constexpr uint32_t statx = 332;
inline constexpr uint32_t rseq = 334;
inline constexpr uint32_t close_range = 436;
inline constexpr uint32_t clone3 = 435;
inline constexpr uint32_t faccessat2 = 439;

inline constexpr uint32_t wait4 = 61;
inline constexpr uint32_t setpgid = 109;
inline constexpr uint32_t getpgrp = 111;
inline constexpr uint32_t setsid = 112;
inline constexpr uint32_t getpgid = 121;
inline constexpr uint32_t getsid = 124;
inline constexpr uint32_t waitid = 247;
}  // namespace hvrt::nr

#endif  // HVRT_LINUX_ABI_SYSCALL_NR_H_
