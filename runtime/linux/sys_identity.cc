// Process and user ids. The pid is hvrun's (the first process is 1, like
// init) and is the main thread's tid; process groups and the parent are in
// sys_process.cc. The user and group ids are the process's credentials
// (cred.h), which start as hvrun reports them (boot_info.uid/gid).
#include "runtime/boot/boot_info.h"
#include "runtime/linux/cred.h"
#include "runtime/linux/process.h"
#include "runtime/linux/syscalls.h"
#include "runtime/sched/sched.h"

namespace hvrt {

// Getpid implements Linux syscall getpid(2).
int64_t sys_getpid(hv_syscall_frame&) { return process::Pid(); }

// Gettid implements Linux syscall gettid(2).
int64_t sys_gettid(hv_syscall_frame&) { return sched::CurrentTid(); }

// Getuid implements Linux syscall getuid(2).
int64_t sys_getuid(hv_syscall_frame&) { return cred::Uid().real; }

// Geteuid implements Linux syscall geteuid(2).
int64_t sys_geteuid(hv_syscall_frame&) { return cred::Uid().effective; }

// Getgid implements Linux syscall getgid(2).
int64_t sys_getgid(hv_syscall_frame&) { return cred::Gid().real; }

// Getegid implements Linux syscall getegid(2).
int64_t sys_getegid(hv_syscall_frame&) { return cred::Gid().effective; }

}  // namespace hvrt
