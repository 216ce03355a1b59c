// Process and user ids. The pid is hvrun's (the first process is 1, like
// init) and is the main thread's tid; process groups and the parent are in
// sys_process.cc. The user and
// group are the ones hvrun was told to report (boot_info.uid/gid); real ==
// effective.
#include "runtime/boot/boot_info.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/sched/sched.h"

namespace hvrt {

// Getpid implements Linux syscall getpid(2).
int64_t sys_getpid(hv_syscall_frame&) { return process::Pid(); }

// Gettid implements Linux syscall gettid(2).
int64_t sys_gettid(hv_syscall_frame&) { return sched::CurrentTid(); }

// Getuid implements Linux syscall getuid(2).
int64_t sys_getuid(hv_syscall_frame&) { return boot::Info().uid; }

// Geteuid implements Linux syscall geteuid(2).
int64_t sys_geteuid(hv_syscall_frame&) { return boot::Info().uid; }

// Getgid implements Linux syscall getgid(2).
int64_t sys_getgid(hv_syscall_frame&) { return boot::Info().gid; }

// Getegid implements Linux syscall getegid(2).
int64_t sys_getegid(hv_syscall_frame&) { return boot::Info().gid; }

}  // namespace hvrt
