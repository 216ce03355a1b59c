// File: runtime/linux/syscalls.h
//
// Every Linux syscall handler the shim's table (syscall-shim/table_x86_64.cc)
// names. Each takes the frame the backend built (hv/abi.h struct
// hv_syscall_frame: nr, args[6] = rdi, rsi, rdx, r10, r8, r9) and returns the
// value for the app's rax: a result >= 0 or -errno. Handlers are grouped one
// family per file, runtime/linux/sys_<family>.cc.
#ifndef HVRT_LINUX_SYSCALLS_H_
#define HVRT_LINUX_SYSCALLS_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt {

// Linux declares fds, pids, signals, clock ids and flags as C int: the upper
// 32 bits of their registers are not part of the value.
inline int32_t Int(uint64_t reg) { return static_cast<int32_t>(reg); }

// sys_read_write.cc
int64_t sys_read(hv_syscall_frame& f);
int64_t sys_write(hv_syscall_frame& f);
int64_t sys_readv(hv_syscall_frame& f);
int64_t sys_writev(hv_syscall_frame& f);
int64_t sys_pread64(hv_syscall_frame& f);
int64_t sys_pwrite64(hv_syscall_frame& f);
int64_t sys_lseek(hv_syscall_frame& f);
int64_t sys_preadv(hv_syscall_frame& f);
int64_t sys_pwritev(hv_syscall_frame& f);
int64_t sys_sendfile(hv_syscall_frame& f);
int64_t sys_copy_file_range(hv_syscall_frame& f);
// sys_stat.cc
int64_t sys_fstat(hv_syscall_frame& f);
int64_t sys_statfs(hv_syscall_frame& f);
int64_t sys_fstatfs(hv_syscall_frame& f);
int64_t sys_stat(hv_syscall_frame& f);
int64_t sys_lstat(hv_syscall_frame& f);
int64_t sys_newfstatat(hv_syscall_frame& f);
int64_t sys_statx(hv_syscall_frame& f);
int64_t sys_access(hv_syscall_frame& f);
int64_t sys_faccessat(hv_syscall_frame& f);
int64_t sys_faccessat2(hv_syscall_frame& f);
// sys_file.cc
int64_t sys_open(hv_syscall_frame& f);
int64_t sys_openat(hv_syscall_frame& f);
int64_t sys_creat(hv_syscall_frame& f);
int64_t sys_close(hv_syscall_frame& f);
int64_t sys_dup(hv_syscall_frame& f);
int64_t sys_dup2(hv_syscall_frame& f);
int64_t sys_dup3(hv_syscall_frame& f);
int64_t sys_fcntl(hv_syscall_frame& f);
int64_t sys_flock(hv_syscall_frame& f);
int64_t sys_pipe(hv_syscall_frame& f);
int64_t sys_pipe2(hv_syscall_frame& f);
int64_t sys_socketpair(hv_syscall_frame& f);
int64_t sys_socket(hv_syscall_frame& f);
// sys_timerfd.cc
int64_t sys_timerfd_create(hv_syscall_frame& f);
int64_t sys_timerfd_settime(hv_syscall_frame& f);
int64_t sys_timerfd_gettime(hv_syscall_frame& f);
// sys_epoll.cc
int64_t sys_epoll_create(hv_syscall_frame& f);
int64_t sys_epoll_create1(hv_syscall_frame& f);
int64_t sys_epoll_ctl(hv_syscall_frame& f);
int64_t sys_epoll_wait(hv_syscall_frame& f);
int64_t sys_epoll_pwait(hv_syscall_frame& f);
int64_t sys_epoll_pwait2(hv_syscall_frame& f);
int64_t sys_bind(hv_syscall_frame& f);
int64_t sys_listen(hv_syscall_frame& f);
int64_t sys_accept(hv_syscall_frame& f);
int64_t sys_accept4(hv_syscall_frame& f);
int64_t sys_connect(hv_syscall_frame& f);
int64_t sys_getsockname(hv_syscall_frame& f);
int64_t sys_getpeername(hv_syscall_frame& f);
int64_t sys_setsockopt(hv_syscall_frame& f);
int64_t sys_getsockopt(hv_syscall_frame& f);
int64_t sys_sendmsg(hv_syscall_frame& f);
int64_t sys_recvmsg(hv_syscall_frame& f);
int64_t sys_sendmmsg(hv_syscall_frame& f);
int64_t sys_recvmmsg(hv_syscall_frame& f);
int64_t sys_sendto(hv_syscall_frame& f);
int64_t sys_recvfrom(hv_syscall_frame& f);
int64_t sys_shutdown(hv_syscall_frame& f);
int64_t sys_eventfd(hv_syscall_frame& f);
int64_t sys_eventfd2(hv_syscall_frame& f);

// sys_shm.cc
int64_t sys_shmget(hv_syscall_frame& f);
int64_t sys_shmat(hv_syscall_frame& f);
int64_t sys_shmdt(hv_syscall_frame& f);
int64_t sys_shmctl(hv_syscall_frame& f);
// sys_poll.cc
int64_t sys_poll(hv_syscall_frame& f);
int64_t sys_ppoll(hv_syscall_frame& f);
int64_t sys_select(hv_syscall_frame& f);
int64_t sys_pselect6(hv_syscall_frame& f);
// sys_dir.cc
int64_t sys_mkdir(hv_syscall_frame& f);
int64_t sys_mkdirat(hv_syscall_frame& f);
int64_t sys_mknod(hv_syscall_frame& f);
int64_t sys_mknodat(hv_syscall_frame& f);
int64_t sys_rmdir(hv_syscall_frame& f);
int64_t sys_unlink(hv_syscall_frame& f);
int64_t sys_unlinkat(hv_syscall_frame& f);
int64_t sys_rename(hv_syscall_frame& f);
int64_t sys_renameat(hv_syscall_frame& f);
int64_t sys_renameat2(hv_syscall_frame& f);
int64_t sys_link(hv_syscall_frame& f);
int64_t sys_linkat(hv_syscall_frame& f);
int64_t sys_symlink(hv_syscall_frame& f);
int64_t sys_symlinkat(hv_syscall_frame& f);
int64_t sys_readlink(hv_syscall_frame& f);
int64_t sys_readlinkat(hv_syscall_frame& f);
int64_t sys_getdents64(hv_syscall_frame& f);
int64_t sys_getdents(hv_syscall_frame& f);
int64_t sys_getcwd(hv_syscall_frame& f);
int64_t sys_chdir(hv_syscall_frame& f);
int64_t sys_fchdir(hv_syscall_frame& f);
// sys_attr.cc
int64_t sys_umask(hv_syscall_frame& f);
int64_t sys_chmod(hv_syscall_frame& f);
int64_t sys_fchmod(hv_syscall_frame& f);
int64_t sys_fchmodat(hv_syscall_frame& f);
int64_t sys_chown(hv_syscall_frame& f);
int64_t sys_fchown(hv_syscall_frame& f);
int64_t sys_lchown(hv_syscall_frame& f);
int64_t sys_fchownat(hv_syscall_frame& f);
int64_t sys_utimensat(hv_syscall_frame& f);
int64_t sys_truncate(hv_syscall_frame& f);
int64_t sys_ftruncate(hv_syscall_frame& f);
int64_t sys_fallocate(hv_syscall_frame& f);
int64_t sys_fsync(hv_syscall_frame& f);
int64_t sys_msync(hv_syscall_frame& f);
int64_t sys_mincore(hv_syscall_frame& f);
int64_t sys_fdatasync(hv_syscall_frame& f);
// sys_ioctl.cc
int64_t sys_ioctl(hv_syscall_frame& f);
// sys_mm.cc
int64_t sys_brk(hv_syscall_frame& f);
int64_t sys_mmap(hv_syscall_frame& f);
int64_t sys_munmap(hv_syscall_frame& f);
int64_t sys_mprotect(hv_syscall_frame& f);
int64_t sys_madvise(hv_syscall_frame& f);
int64_t sys_mremap(hv_syscall_frame& f);
// sys_time.cc
int64_t sys_clock_gettime(hv_syscall_frame& f);
int64_t sys_clock_getres(hv_syscall_frame& f);
int64_t sys_gettimeofday(hv_syscall_frame& f);
int64_t sys_time(hv_syscall_frame& f);
int64_t sys_nanosleep(hv_syscall_frame& f);
int64_t sys_clock_nanosleep(hv_syscall_frame& f);
// sys_identity.cc
int64_t sys_getpid(hv_syscall_frame& f);
int64_t sys_getppid(hv_syscall_frame& f);
int64_t sys_wait4(hv_syscall_frame& f);
int64_t sys_waitid(hv_syscall_frame& f);
int64_t sys_setpgid(hv_syscall_frame& f);
int64_t sys_getpgid(hv_syscall_frame& f);
int64_t sys_getpgrp(hv_syscall_frame& f);
int64_t sys_setsid(hv_syscall_frame& f);
int64_t sys_getsid(hv_syscall_frame& f);
// sys_process.cc's helpers for clone(2) and kill(2).
int64_t CloneProcess(hv_syscall_frame& f, uint64_t flags, uint64_t stack, uint64_t parent_tid,
                     uint64_t child_tid, uint64_t tls);
int64_t KillOther(int32_t pid, int32_t sig);
// Capabilities (sys_capability.cc), for the runtime's own checks and the
// set*id rules (sys_cred.cc).
inline constexpr int kCapKill = 5, kCapSetgid = 6, kCapSetuid = 7;
bool HasCapability(int cap);
// A set*id took root away: the effective set (and with (permitted), the
// permitted set too) is emptied, as Linux does; RaiseCapabilities: the
// effective uid became 0 again: effective = permitted.
void DropCapabilities(bool permitted);
void RaiseCapabilities();
// A thread (tid) was created by the current one: it starts with its name
// and no_new_privs (sys_prctl.cc).
void PrctlOnClone(int32_t tid);
int64_t sys_gettid(hv_syscall_frame& f);
int64_t sys_getuid(hv_syscall_frame& f);
int64_t sys_geteuid(hv_syscall_frame& f);
int64_t sys_getgid(hv_syscall_frame& f);
int64_t sys_getegid(hv_syscall_frame& f);
// sys_exit.cc
int64_t sys_exit(hv_syscall_frame& f);
int64_t sys_exit_group(hv_syscall_frame& f);
// sys_thread.cc
int64_t sys_arch_prctl(hv_syscall_frame& f);
int64_t sys_prctl(hv_syscall_frame& f);
int64_t sys_close_range(hv_syscall_frame& f);
int64_t sys_capget(hv_syscall_frame& f);
int64_t sys_capset(hv_syscall_frame& f);
int64_t sys_signalfd(hv_syscall_frame& f);
int64_t sys_signalfd4(hv_syscall_frame& f);
int64_t sys_rt_sigtimedwait(hv_syscall_frame& f);
int64_t sys_get_robust_list(hv_syscall_frame& f);
int64_t sys_alarm(hv_syscall_frame& f);
int64_t sys_getitimer(hv_syscall_frame& f);
int64_t sys_setitimer(hv_syscall_frame& f);
int64_t sys_timer_create(hv_syscall_frame& f);
int64_t sys_timer_settime(hv_syscall_frame& f);
int64_t sys_timer_gettime(hv_syscall_frame& f);
int64_t sys_timer_getoverrun(hv_syscall_frame& f);
int64_t sys_timer_delete(hv_syscall_frame& f);
int64_t sys_set_tid_address(hv_syscall_frame& f);
int64_t sys_set_robust_list(hv_syscall_frame& f);
int64_t sys_rseq(hv_syscall_frame& f);
int64_t sys_clone(hv_syscall_frame& f);
int64_t sys_clone3(hv_syscall_frame& f);
int64_t sys_fork(hv_syscall_frame& f);
int64_t sys_vfork(hv_syscall_frame& f);
int64_t sys_execve(hv_syscall_frame& f);
int64_t sys_execveat(hv_syscall_frame& f);
// sys_sched.cc
int64_t sys_sched_yield(hv_syscall_frame& f);
int64_t sys_setuid(hv_syscall_frame& f);
int64_t sys_setgid(hv_syscall_frame& f);
int64_t sys_setreuid(hv_syscall_frame& f);
int64_t sys_setregid(hv_syscall_frame& f);
int64_t sys_setresuid(hv_syscall_frame& f);
int64_t sys_setresgid(hv_syscall_frame& f);
int64_t sys_setfsuid(hv_syscall_frame& f);
int64_t sys_setfsgid(hv_syscall_frame& f);
int64_t sys_getresuid(hv_syscall_frame& f);
int64_t sys_getresgid(hv_syscall_frame& f);
int64_t sys_getgroups(hv_syscall_frame& f);
int64_t sys_setgroups(hv_syscall_frame& f);
int64_t sys_getrusage(hv_syscall_frame& f);
int64_t sys_preadv2(hv_syscall_frame& f);
int64_t sys_pwritev2(hv_syscall_frame& f);
int64_t sys_getpriority(hv_syscall_frame& f);
int64_t sys_setpriority(hv_syscall_frame& f);
int64_t sys_sched_setparam(hv_syscall_frame& f);
int64_t sys_sched_getparam(hv_syscall_frame& f);
int64_t sys_sched_setscheduler(hv_syscall_frame& f);
int64_t sys_sched_getscheduler(hv_syscall_frame& f);
int64_t sys_sched_get_priority_max(hv_syscall_frame& f);
int64_t sys_sched_get_priority_min(hv_syscall_frame& f);
int64_t sys_sched_rr_get_interval(hv_syscall_frame& f);
int64_t sys_sched_setattr(hv_syscall_frame& f);
int64_t sys_sched_getattr(hv_syscall_frame& f);
int64_t sys_sched_getaffinity(hv_syscall_frame& f);
int64_t sys_sched_setaffinity(hv_syscall_frame& f);
// sys_futex.cc
int64_t sys_futex(hv_syscall_frame& f);
// sys_rlimit.cc
int64_t sys_prlimit64(hv_syscall_frame& f);
int64_t sys_getrlimit(hv_syscall_frame& f);
int64_t sys_setrlimit(hv_syscall_frame& f);
// sys_signal.cc
int64_t sys_rt_sigaction(hv_syscall_frame& f);
int64_t sys_rt_sigprocmask(hv_syscall_frame& f);
int64_t sys_sigaltstack(hv_syscall_frame& f);
int64_t sys_rt_sigreturn(hv_syscall_frame& f);
int64_t sys_rt_sigsuspend(hv_syscall_frame& f);
int64_t sys_rt_sigpending(hv_syscall_frame& f);
int64_t sys_pause(hv_syscall_frame& f);
int64_t sys_kill(hv_syscall_frame& f);
int64_t sys_tkill(hv_syscall_frame& f);
int64_t sys_tgkill(hv_syscall_frame& f);
int64_t sys_rt_sigqueueinfo(hv_syscall_frame& f);
int64_t sys_rt_tgsigqueueinfo(hv_syscall_frame& f);
// sys_random.cc
int64_t sys_getrandom(hv_syscall_frame& f);
// sys_uname.cc
int64_t sys_uname(hv_syscall_frame& f);
int64_t sys_sysinfo(hv_syscall_frame& f);

}  // namespace hvrt

#endif  // HVRT_LINUX_SYSCALLS_H_
