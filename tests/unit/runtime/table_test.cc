// The syscall table: well-formed, and its numbers are Linux's.
#include "syscall-shim/table.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <map>
#include <set>
#include <string>

namespace {

// The host's <sys/syscall.h> number for each name the table uses. A row
// added to the table must be added here too (the sizes are compared).
const std::map<std::string, long>& HostNumbers() {
#define N(name) \
  { #name, SYS_##name }
  static const std::map<std::string, long> m = {
      N(read),
      N(write),
      N(open),
      N(close),
      N(fstat),
      N(lseek),
      N(mmap),
      N(mprotect),
      N(munmap),
      N(brk),
      N(rt_sigaction),
      N(rt_sigprocmask),
      N(rt_sigreturn),
      N(capget),
      N(capset),
      N(rt_sigpending),
      N(rt_sigtimedwait),
      N(rt_sigqueueinfo),
      N(rt_sigsuspend),
      N(pause),
      N(ioctl),
      N(pread64),
      N(pwrite64),
      N(readv),
      N(writev),
      N(sched_yield),
      // Threads and processes.
      N(nanosleep),
      N(getitimer),
      N(alarm),
      N(setitimer),
      N(clone),
      N(fork),
      N(wait4),
      N(waitid),
      N(setpgid),
      N(getpgrp),
      N(setsid),
      N(getpgid),
      N(getsid),
      N(vfork),
      N(execve),
      N(clock_nanosleep),
      N(execveat),
      N(clone3),
      N(mremap),
      N(msync),
      N(mincore),
      N(sysinfo),
      N(setuid),
      N(setgid),
      N(setreuid),
      N(setregid),
      N(getgroups),
      N(setgroups),
      N(setresuid),
      N(getresuid),
      N(setresgid),
      N(getresgid),
      N(setfsuid),
      N(setfsgid),
      N(getrusage),
      N(preadv2),
      N(pwritev2),
      N(getpriority),
      N(setpriority),
      N(sched_setparam),
      N(sched_getparam),
      N(sched_setscheduler),
      N(sched_getscheduler),
      N(sched_get_priority_max),
      N(sched_get_priority_min),
      N(sched_rr_get_interval),
      N(sched_setattr),
      N(sched_getattr),
      N(madvise),
      N(getpid),
      N(exit),
      N(kill),
      N(uname),
      N(fcntl),
      N(getcwd),
      N(readlink),
      N(gettimeofday),
      N(getrlimit),
      N(getuid),
      N(getgid),
      N(geteuid),
      N(getegid),
      N(getppid),
      N(sigaltstack),
      N(statfs),
      N(fstatfs),
      N(prctl),
      N(arch_prctl),
      N(setrlimit),
      N(gettid),
      N(tkill),
      N(time),
      N(futex),
      N(sched_getaffinity),
      N(sched_setaffinity),
      N(set_tid_address),
      N(timer_create),
      N(timer_settime),
      N(timer_gettime),
      N(timer_getoverrun),
      N(timer_delete),
      N(clock_gettime),
      N(clock_getres),
      N(exit_group),
      N(tgkill),
      N(openat),
      N(newfstatat),
      N(readlinkat),
      N(set_robust_list),
      N(get_robust_list),
      N(prlimit64),
      N(getrandom),
      N(rseq),
      N(stat),
      N(lstat),
      N(access),
      N(pipe),
      N(dup),
      N(dup2),
      N(sendfile),
      N(sendto),
      N(recvfrom),
      N(shutdown),
      N(socketpair),
      N(flock),
      N(fsync),
      N(fdatasync),
      N(truncate),
      N(ftruncate),
      N(chdir),
      N(fchdir),
      N(rename),
      N(mkdir),
      N(mknod),
      N(rmdir),
      N(creat),
      N(link),
      N(unlink),
      N(symlink),
      N(chmod),
      N(fchmod),
      N(chown),
      N(fchown),
      N(lchown),
      N(umask),
      N(getdents64),
      N(mkdirat),
      N(mknodat),
      N(fchownat),
      N(unlinkat),
      N(renameat),
      N(linkat),
      N(symlinkat),
      N(fchmodat),
      N(faccessat),
      N(utimensat),
      N(signalfd),
      N(eventfd),
      N(fallocate),
      N(signalfd4),
      N(eventfd2),
      N(dup3),
      N(pipe2),
      N(preadv),
      N(pwritev),
      N(rt_tgsigqueueinfo),
      N(renameat2),
      N(copy_file_range),
      N(statx),
      N(close_range),
      N(faccessat2),
      N(poll),
      N(ppoll),
      N(shmget),
      N(shmat),
      N(shmdt),
      N(shmctl),
      N(getdents),
      N(socket),
      N(connect),
      N(accept),
      N(accept4),
      N(sendmsg),
      N(recvmsg),
      N(bind),
      N(listen),
      N(getsockname),
      N(getpeername),
      N(setsockopt),
      N(getsockopt),
      N(select),
      N(pselect6),
      N(epoll_create),
      N(epoll_create1),
      N(epoll_ctl),
      N(epoll_wait),
      N(epoll_pwait),
      N(epoll_pwait2),
      N(sendmmsg),
      N(recvmmsg),
      N(timerfd_create),
      N(timerfd_settime),
      N(timerfd_gettime),
  };
#undef N
  return m;
}

TEST(TableTest, SortedUniqueAndComplete) {
  hvrt::shim::Table t = hvrt::shim::AllSyscalls();
  ASSERT_GT(t.count, 0u);
  std::set<std::string> names;
  for (size_t i = 0; i < t.count; i++) {
    const hvrt::shim::Syscall& s = t.rows[i];
    if (i > 0) {
      EXPECT_LT(t.rows[i - 1].nr, s.nr) << s.name;
    }
    EXPECT_TRUE(names.insert(s.name).second) << "duplicate " << s.name;
    EXPECT_NE(s.handler, nullptr) << s.name;
    ASSERT_NE(s.note, nullptr) << s.name;
    if (s.support == hvrt::shim::kPartial) {
      EXPECT_STRNE(s.note, "") << s.name << " is partial: say how";
    } else {
      EXPECT_STREQ(s.note, "") << s.name;
    }
  }
  EXPECT_EQ(t.count, HostNumbers().size());
}

TEST(TableTest, NumbersMatchTheHostHeaders) {
  hvrt::shim::Table t = hvrt::shim::AllSyscalls();
  for (size_t i = 0; i < t.count; i++) {
    auto it = HostNumbers().find(t.rows[i].name);
    ASSERT_NE(it, HostNumbers().end()) << t.rows[i].name << " is not a Linux syscall name";
    EXPECT_EQ(static_cast<long>(t.rows[i].nr), it->second) << t.rows[i].name;
  }
}

TEST(TableTest, LookupFindsEveryRowAndNothingElse) {
  hvrt::shim::Table t = hvrt::shim::AllSyscalls();
  std::set<uint64_t> known;
  for (size_t i = 0; i < t.count; i++) {
    EXPECT_EQ(hvrt::shim::Lookup(t.rows[i].nr), &t.rows[i]);
    known.insert(t.rows[i].nr);
  }
  for (uint64_t nr = 0; nr < 600; nr++) {
    if (!known.count(nr)) {
      EXPECT_EQ(hvrt::shim::Lookup(nr), nullptr) << nr;
    }
  }
  EXPECT_EQ(hvrt::shim::Lookup(~0ull), nullptr);
  EXPECT_EQ(hvrt::shim::Lookup(1ull << 32), nullptr);
}

TEST(TableTest, TheStartupSetIsThere) {
  // What a glibc -static program makes before main and at exit.
  for (long nr : {SYS_brk, SYS_arch_prctl, SYS_set_tid_address, SYS_set_robust_list, SYS_rseq,
                  SYS_prlimit64, SYS_readlinkat, SYS_getrandom, SYS_mprotect, SYS_newfstatat,
                  SYS_write, SYS_exit_group, SYS_mmap, SYS_munmap, SYS_futex, SYS_clock_gettime}) {
    EXPECT_NE(hvrt::shim::Lookup(nr), nullptr) << nr;
  }
}

}  // namespace
