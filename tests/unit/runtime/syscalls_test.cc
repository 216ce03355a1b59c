// The runtime/linux/sys_*.cc handlers, through hvrt_syscall.
#include <asm/prctl.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <ucontext.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/hv/cpu_fake.h"
#include "runtime/linux/abi/ioctl.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/abi/stat.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

constexpr uint64_t kSaRestorer = 0x04000000;  // not in glibc's <signal.h>

using hvrt_test::FakeGuest;
using hvrt_test::GuestExit;
using hvrt_test::GuestPanic;

class SyscallsTest : public ::testing::Test {
 protected:
  void SetUp() override { g_.Boot(); }

  // Puts (s) (with its NUL) in app memory at scratch + (off).
  uint64_t Str(const std::string& s, uint64_t off = 0) {
    uint64_t a = g_.scratch() + off;
    std::memcpy(reinterpret_cast<void*>(a), s.c_str(), s.size() + 1);
    return a;
  }
  uint64_t Buf(uint64_t off) { return g_.scratch() + off; }

  // Runs (fn); returns the exit it caused, or fails.
  template <typename Fn>
  hv_exit ExitOf(Fn fn) {
    try {
      fn();
    } catch (const GuestExit& e) {
      return e.exit;
    }
    ADD_FAILURE() << "the guest did not exit";
    return {};
  }

  FakeGuest g_;
};

// The Linux ABI structs we define match the host's.
static_assert(sizeof(hvrt::abi::Stat) == sizeof(struct stat));
static_assert(offsetof(hvrt::abi::Stat, st_mode) == offsetof(struct stat, st_mode));
static_assert(offsetof(hvrt::abi::Stat, st_blksize) == offsetof(struct stat, st_blksize));
static_assert(sizeof(hvrt::abi::Winsize) == sizeof(struct winsize));
static_assert(sizeof(hvrt::abi::StackT) == sizeof(stack_t));

TEST_F(SyscallsTest, WriteAndWritevReachTheConsole) {
  EXPECT_EQ(g_.Syscall(SYS_write, 1, Str("hello"), 5), 5);
  EXPECT_EQ(g_.Syscall(SYS_write, 2, Str("err"), 3), 3);
  EXPECT_EQ(g_.Syscall(SYS_write, 1, Str("x"), 0), 0);
  auto* iov = g_.At<iovec>(Buf(0x100));
  iov[0] = {reinterpret_cast<void*>(Str("ab", 0x200)), 2};
  iov[1] = {nullptr, 0};
  iov[2] = {reinterpret_cast<void*>(Str("cde", 0x300)), 3};
  EXPECT_EQ(g_.Syscall(SYS_writev, 1, Buf(0x100), 3), 5);
  EXPECT_EQ(g_.out[1], "helloabcde");
  EXPECT_EQ(g_.out[2], "err");
  EXPECT_EQ(g_.Syscall(SYS_writev, 1, Buf(0x100), -1), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_writev, 1, Buf(0x100), 1025), -EINVAL);
}

TEST_F(SyscallsTest, BadFdsAndPointers) {
  EXPECT_EQ(g_.Syscall(SYS_write, 0, Str("x"), 1), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_write, 3, Str("x"), 1), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_write, 1ull << 32 | 1, Str("x"), 1), 1);  // fd is an int
  EXPECT_EQ(g_.Syscall(SYS_read, 1, Buf(0), 1), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_write, 1, 16, 1), -EFAULT);  // the null page
  // A buffer that runs past the end: what comes before moves (Linux's copy
  // stops at the bad page); one starting past it is EFAULT.
  EXPECT_EQ(g_.Syscall(SYS_write, 1, g_.base() + (64 << 20) - 2, 3), 2);
  EXPECT_EQ(g_.Syscall(SYS_write, 1, g_.base() + (64 << 20), 3), -EFAULT);
  EXPECT_EQ(g_.Syscall(SYS_fstat, 1, 8), -EFAULT);
  EXPECT_EQ(g_.Count(HV_CALL_CONSOLE_WRITE), 2);
}

TEST_F(SyscallsTest, CloseThenWriteIsEBADF) {
  EXPECT_EQ(g_.Syscall(SYS_close, 2), 0);
  EXPECT_EQ(g_.Syscall(SYS_write, 2, Str("x"), 1), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_close, 2), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_close, 5), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 2, F_GETFD), -EBADF);
}

TEST_F(SyscallsTest, ReadAndReadv) {
  g_.in = "input!";
  EXPECT_EQ(g_.Syscall(SYS_read, 0, Buf(0), 3), 3);
  EXPECT_EQ(std::string(g_.At<char>(Buf(0)), 3), "inp");
  auto* iov = g_.At<iovec>(Buf(0x100));
  iov[0] = {reinterpret_cast<void*>(Buf(0x200)), 2};
  iov[1] = {reinterpret_cast<void*>(Buf(0x300)), 10};
  EXPECT_EQ(g_.Syscall(SYS_readv, 0, Buf(0x100), 2), 3);
  EXPECT_EQ(std::string(g_.At<char>(Buf(0x200)), 2), "ut");
  EXPECT_EQ(std::string(g_.At<char>(Buf(0x300)), 1), "!");
  EXPECT_EQ(g_.Syscall(SYS_read, 0, Buf(0), 3), 0);  // end of input
}

TEST_F(SyscallsTest, ConsoleHasNoOffset) {
  EXPECT_EQ(g_.Syscall(SYS_lseek, 1, 0, SEEK_CUR), -ESPIPE);
  EXPECT_EQ(g_.Syscall(SYS_pread64, 0, Buf(0), 1, 0), -ESPIPE);
  EXPECT_EQ(g_.Syscall(SYS_pwrite64, 1, Buf(0), 1, 0), -ESPIPE);
  EXPECT_EQ(g_.Syscall(SYS_lseek, 9, 0, SEEK_CUR), -EBADF);
}

TEST_F(SyscallsTest, FstatReportsTheHostStream) {
  g_.info[1] = {1, 1, S_IFCHR | 0620, 0, 0x8803, 7};  // a pty
  ASSERT_EQ(g_.Syscall(SYS_fstat, 0, Buf(0)), 0);
  auto* st = g_.At<struct stat>(Buf(0));
  EXPECT_TRUE(S_ISFIFO(st->st_mode));
  EXPECT_EQ(st->st_ino, 1000u);
  EXPECT_EQ(st->st_uid, 1000u);
  EXPECT_EQ(st->st_blksize, 4096);
  ASSERT_EQ(g_.Syscall(SYS_newfstatat, 1, Str("", 0x400), Buf(0), AT_EMPTY_PATH), 0);
  EXPECT_TRUE(S_ISCHR(st->st_mode));
  EXPECT_EQ(st->st_rdev, 0x8803u);
  EXPECT_EQ(st->st_ino, 7u);
  EXPECT_EQ(st->st_nlink, 1u);
  // Asked once per fd.
  g_.Syscall(SYS_fstat, 1, Buf(0));
  EXPECT_EQ(g_.Count(HV_CALL_CONSOLE_INFO), 2);
  EXPECT_EQ(g_.Syscall(SYS_newfstatat, AT_FDCWD, Str("/etc/passwd", 0x400), Buf(0), 0), -ENOENT);
  EXPECT_EQ(g_.Syscall(SYS_newfstatat, 1, Str("", 0x400), Buf(0), 0), -ENOENT);
  EXPECT_EQ(g_.Syscall(SYS_newfstatat, 1, Str("", 0x400), Buf(0), 0x8000000), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_fstat, 4, Buf(0)), -EBADF);
}

TEST_F(SyscallsTest, ConsoleInfoFailureLooksLikeAPipe) {
  g_.console_info_result = -ENOSYS;
  ASSERT_EQ(g_.Syscall(SYS_fstat, 2, Buf(0)), 0);
  EXPECT_TRUE(S_ISFIFO(g_.At<struct stat>(Buf(0))->st_mode));
  EXPECT_EQ(g_.Syscall(SYS_ioctl, 2, TCGETS, Buf(0)), -ENOTTY);
}

TEST_F(SyscallsTest, IoctlTtyOnlyWhenTheHostSaysSo) {
  EXPECT_EQ(g_.Syscall(SYS_ioctl, 1, TCGETS, Buf(0)), -ENOTTY);
  g_.info[2] = {2, 1, S_IFCHR | 0620, 0, 0x8803, 7};
  ASSERT_EQ(g_.Syscall(SYS_ioctl, 2, TCGETS, Buf(0)), 0);
  auto* t = g_.At<hvrt::abi::Termios>(Buf(0));
  EXPECT_NE(t->c_lflag & ICANON, 0u);
  EXPECT_NE(t->c_lflag & ECHO, 0u);
  EXPECT_EQ(t->c_cc[VINTR], 3);
  ASSERT_EQ(g_.Syscall(SYS_ioctl, 2, TIOCGWINSZ, Buf(0x100)), 0);
  EXPECT_EQ(g_.At<winsize>(Buf(0x100))->ws_col, 80);
  EXPECT_EQ(g_.Syscall(SYS_ioctl, 2, TCSETS, Buf(0)), -ENOTTY);
  EXPECT_EQ(g_.Syscall(SYS_ioctl, 7, TCGETS, Buf(0)), -EBADF);
}

TEST_F(SyscallsTest, Fcntl) {
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 1, F_GETFD), 0);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 1, F_SETFD, FD_CLOEXEC), 0);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 1, F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 0, F_GETFL), O_RDONLY);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 1, F_GETFL), O_WRONLY);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 1, F_DUPFD, 0), 3);  // the lowest free fd
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 1, 12345), -EINVAL);
}

TEST_F(SyscallsTest, FilesAndLinks) {
  EXPECT_EQ(g_.Syscall(SYS_openat, AT_FDCWD, Str("/etc/hosts"), O_RDONLY), -ENOENT);
  EXPECT_EQ(g_.Syscall(SYS_open, Str("/x"), O_RDONLY), -ENOENT);
  EXPECT_EQ(g_.Syscall(SYS_open, 8, O_RDONLY), -EFAULT);
  uint64_t buf = Buf(0x800);
  EXPECT_EQ(g_.Syscall(SYS_readlinkat, AT_FDCWD, Str("/proc/self/exe"), buf, 100), 8);
  EXPECT_EQ(std::string(g_.At<char>(buf), 8), "/bin/app");
  EXPECT_EQ(g_.Syscall(SYS_readlink, Str("/proc/self/exe"), buf, 4), 4);  // truncated
  EXPECT_EQ(g_.Syscall(SYS_readlink, Str("/proc/self/exe"), buf, 0), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_readlink, Str("/proc/self/cwd"), buf, 100), -ENOENT);
  EXPECT_EQ(g_.Syscall(SYS_getcwd, buf, 100), 2);
  EXPECT_STREQ(g_.At<char>(buf), "/");
  EXPECT_EQ(g_.Syscall(SYS_getcwd, buf, 1), -ERANGE);
}

// /proc/self/exe is absolute on Linux (glibc's static startup asserts it):
// a relative app path is resolved against the guest's cwd "/".
TEST(ReadlinkTest, RelativeAppPathBecomesAbsolute) {
  for (const auto& [app, link] :
       {std::pair<std::string, std::string>{"bin/x", "/bin/x"}, {"./tests/prog", "/tests/prog"}}) {
    hvrt_test::GuestOptions o;
    o.argv = {app};
    FakeGuest g(o);
    g.Boot();
    uint64_t path = g.scratch();
    std::memcpy(reinterpret_cast<void*>(path), "/proc/self/exe", 15);
    uint64_t buf = g.scratch() + 0x100;
    EXPECT_EQ(g.Syscall(SYS_readlink, path, buf, 100), static_cast<int64_t>(link.size()));
    EXPECT_EQ(std::string(g.At<char>(buf), link.size()), link);
    EXPECT_EQ(g.Syscall(SYS_readlink, path, buf, 3), 3);  // truncated, "/" included
    EXPECT_EQ(std::string(g.At<char>(buf), 3), link.substr(0, 3));
  }
}

TEST_F(SyscallsTest, Uname) {
  ASSERT_EQ(g_.Syscall(SYS_uname, Buf(0)), 0);
  auto* u = g_.At<utsname>(Buf(0));
  EXPECT_STREQ(u->sysname, "Linux");
  EXPECT_STREQ(u->nodename, "hvrun");
  EXPECT_STREQ(u->release, "6.1.0-hvrun");
  EXPECT_STREQ(u->version, "#1 hvrun");
  EXPECT_STREQ(u->machine, "x86_64");
}

TEST_F(SyscallsTest, Getrandom) {
  EXPECT_EQ(g_.Syscall(SYS_getrandom, Buf(0), 16, 0), 16);
  EXPECT_EQ(*g_.At<uint8_t>(Buf(15)), 0x5a);
  EXPECT_EQ(*g_.At<uint8_t>(Buf(16)), 0);
  EXPECT_EQ(g_.Last(HV_CALL_RANDOM)->As<hv_buffer>().len, 16u);
  EXPECT_EQ(g_.Syscall(SYS_getrandom, Buf(0), 16, GRND_NONBLOCK), 16);
  EXPECT_EQ(g_.Syscall(SYS_getrandom, Buf(0), 16, 0x80), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_getrandom, Buf(0), 0, 0), 0);
  EXPECT_EQ(g_.Syscall(SYS_getrandom, 8, 16, 0), -EFAULT);
}

TEST_F(SyscallsTest, ArchPrctlSetsTheFakeCpu) {
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, ARCH_SET_FS, 0x7000), 0);
  EXPECT_EQ(hvrt::cpu::g_fake.fs_base, 0x7000u);
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, ARCH_GET_FS, Buf(0)), 0);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(0)), 0x7000u);
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, ARCH_SET_GS, 0x9000), 0);
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, ARCH_GET_GS, Buf(8)), 0);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(8)), 0x9000u);
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, ARCH_SET_FS, 1ull << 47), -EPERM);
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, 0x3001, Buf(0)), -EINVAL);  // ARCH_CET_STATUS
  EXPECT_EQ(g_.Syscall(SYS_arch_prctl, ARCH_GET_FS, 0), -EFAULT);
}

TEST_F(SyscallsTest, ThreadSetup) {
  EXPECT_EQ(g_.Syscall(SYS_set_robust_list, Buf(0), 24), 0);
  EXPECT_EQ(g_.Syscall(SYS_set_robust_list, Buf(0), 16), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_sched_yield), 0);
  EXPECT_EQ(g_.Syscall(SYS_sched_getaffinity, 0, 128, Buf(0)), 8);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(0)), 1u);
  EXPECT_EQ(g_.Syscall(SYS_sched_getaffinity, 0, 4, Buf(0)), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_sched_getaffinity, 42, 8, Buf(0)), -ESRCH);
}

TEST_F(SyscallsTest, Rlimits) {
  auto* r = g_.At<rlimit>(Buf(0));
  ASSERT_EQ(g_.Syscall(SYS_prlimit64, 0, RLIMIT_STACK, 0, Buf(0)), 0);
  EXPECT_EQ(r->rlim_cur, g_.boot().stack_size);
  ASSERT_EQ(g_.Syscall(SYS_getrlimit, RLIMIT_NOFILE, Buf(0)), 0);
  EXPECT_EQ(r->rlim_cur, 1024u);
  ASSERT_EQ(g_.Syscall(SYS_getrlimit, RLIMIT_AS, Buf(0)), 0);
  EXPECT_EQ(r->rlim_cur, RLIM_INFINITY);
  EXPECT_EQ(r->rlim_max, RLIM_INFINITY);
  ASSERT_EQ(g_.Syscall(SYS_getrlimit, RLIMIT_DATA, Buf(0)), 0);
  EXPECT_EQ(r->rlim_max, RLIM_INFINITY);
  // Lowering is remembered; raising a hard limit is not allowed.
  *g_.At<rlimit>(Buf(0x40)) = {256, 512};
  EXPECT_EQ(g_.Syscall(SYS_prlimit64, 1, RLIMIT_NOFILE, Buf(0x40), Buf(0)), 0);
  EXPECT_EQ(r->rlim_cur, 1024u);  // the old value
  ASSERT_EQ(g_.Syscall(SYS_getrlimit, RLIMIT_NOFILE, Buf(0)), 0);
  EXPECT_EQ(r->rlim_cur, 256u);
  EXPECT_EQ(r->rlim_max, 512u);
  *g_.At<rlimit>(Buf(0x40)) = {256, 4096};
  EXPECT_EQ(g_.Syscall(SYS_setrlimit, RLIMIT_NOFILE, Buf(0x40)), -EPERM);
  *g_.At<rlimit>(Buf(0x40)) = {600, 512};
  EXPECT_EQ(g_.Syscall(SYS_setrlimit, RLIMIT_NOFILE, Buf(0x40)), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_getrlimit, 16, Buf(0)), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_prlimit64, 2, RLIMIT_NOFILE, 0, Buf(0)), -ESRCH);
}

TEST_F(SyscallsTest, SigactionStoresAndReturns) {
  auto* act = g_.At<hvrt::abi::KSigaction>(Buf(0));
  *act = {0x401234, kSaRestorer | SA_SIGINFO, 0x405678, ~0ull};
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, SIGUSR1, Buf(0), 0, 8), 0);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, SIGUSR1, 0, Buf(0x40), 8), 0);
  auto* old = g_.At<hvrt::abi::KSigaction>(Buf(0x40));
  EXPECT_EQ(old->handler, 0x401234u);
  EXPECT_EQ(old->restorer, 0x405678u);
  EXPECT_EQ(old->mask, ~0ull & ~(1ull << (SIGKILL - 1)) & ~(1ull << (SIGSTOP - 1)));
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, SIGKILL, Buf(0), 0, 8), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, SIGKILL, 0, Buf(0x40), 8), 0);  // query is fine
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, SIGSTOP, Buf(0), 0, 8), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, 0, Buf(0), 0, 8), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, 65, Buf(0), 0, 8), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigaction, SIGUSR1, Buf(0), 0, 16), -EINVAL);
}

TEST_F(SyscallsTest, SigprocmaskAndAltstack) {
  *g_.At<uint64_t>(Buf(0)) = (1ull << (SIGUSR1 - 1)) | (1ull << (SIGKILL - 1));
  EXPECT_EQ(g_.Syscall(SYS_rt_sigprocmask, SIG_BLOCK, Buf(0), Buf(8), 8), 0);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(8)), 0u);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, Buf(8), 8), 0);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(8)), 1ull << (SIGUSR1 - 1));  // SIGKILL cannot be blocked
  EXPECT_EQ(g_.Syscall(SYS_rt_sigprocmask, 7, Buf(0), 0, 8), -EINVAL);

  auto* ss = g_.At<stack_t>(Buf(0x40));
  *ss = {reinterpret_cast<void*>(Buf(0x1000)), 0, 8192};
  EXPECT_EQ(g_.Syscall(SYS_sigaltstack, Buf(0x40), Buf(0x80)), 0);
  EXPECT_EQ(g_.At<stack_t>(Buf(0x80))->ss_flags, SS_DISABLE);
  EXPECT_EQ(g_.Syscall(SYS_sigaltstack, 0, Buf(0x80)), 0);
  EXPECT_EQ(g_.At<stack_t>(Buf(0x80))->ss_size, 8192u);
  EXPECT_EQ(g_.At<stack_t>(Buf(0x80))->ss_flags, 0);
  ss->ss_size = 100;
  EXPECT_EQ(g_.Syscall(SYS_sigaltstack, Buf(0x40), 0), -ENOMEM);
  ss->ss_flags = 0x40;
  EXPECT_EQ(g_.Syscall(SYS_sigaltstack, Buf(0x40), 0), -EINVAL);
}

TEST_F(SyscallsTest, KillSelfEndsTheGuestAsSignaled) {
  EXPECT_EQ(g_.Syscall(SYS_kill, 1, 0), 0);  // probe
  g_.process_result = -ESRCH;                // hvrun's process table: no pid 2
  EXPECT_EQ(g_.Syscall(SYS_kill, 2, SIGTERM), -ESRCH);
  EXPECT_EQ(g_.Last(HV_CALL_PROC)->As<hv_proc>().op, HV_PROC_KILL);
  g_.process_result = 0;
  EXPECT_EQ(g_.Syscall(SYS_kill, 1, 99), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_tgkill, 1, 2, SIGABRT), -ESRCH);
  EXPECT_EQ(g_.Syscall(SYS_tgkill, 0, 1, SIGABRT), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_kill, 0, SIGCHLD), 0);  // default: ignore
  hv_exit e = ExitOf([&] { g_.Syscall(SYS_tgkill, 1, 1, SIGABRT); });
  EXPECT_EQ(e.status, SIGABRT);
  EXPECT_EQ(e.flags, HV_EXIT_SIGNALED);
}

TEST_F(SyscallsTest, IgnoredSignalsAreDropped) {
  *g_.At<hvrt::abi::KSigaction>(Buf(0)) = {reinterpret_cast<uint64_t>(SIG_IGN), 0, 0, 0};
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGPIPE, Buf(0), 0, 8), 0);
  EXPECT_EQ(g_.Syscall(SYS_kill, 0, SIGPIPE), 0);
  EXPECT_EQ(g_.Syscall(SYS_tkill, 1, SIGPIPE), 0);
  EXPECT_EQ(g_.Count(HV_CALL_EXIT), 0);
}

// glibc's raise() blocks every signal around tgkill and restores the mask:
// the signal must be delivered when it is unblocked, as abort() expects.
TEST_F(SyscallsTest, BlockedSignalIsDeliveredOnUnblock) {
  *g_.At<uint64_t>(Buf(0)) = ~0ull;
  ASSERT_EQ(g_.Syscall(SYS_rt_sigprocmask, SIG_BLOCK, Buf(0), Buf(8), 8), 0);
  EXPECT_EQ(g_.Syscall(SYS_tgkill, 1, 1, SIGABRT), 0);
  EXPECT_EQ(g_.Count(HV_CALL_EXIT), 0);
  hv_exit e = ExitOf([&] { g_.Syscall(SYS_rt_sigprocmask, SIG_SETMASK, Buf(8), 0, 8); });
  EXPECT_EQ(e.status, SIGABRT);
  EXPECT_EQ(e.flags, HV_EXIT_SIGNALED);
}

// A handled signal: the syscall that sent it returns into the handler on a
// Linux rt_sigframe; rt_sigreturn from there puts back every register and
// the mask.
TEST_F(SyscallsTest, HandlerRunsAtSyscallExitAndSigreturnRestores) {
  constexpr uint64_t kHandler = 0x401000, kRestorer = 0x402000, kAppRip = 0x403002;
  *g_.At<hvrt::abi::KSigaction>(Buf(0)) = {kHandler, kSaRestorer | SA_SIGINFO, kRestorer,
                                           1ull << (SIGHUP - 1)};
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGUSR2, Buf(0), 0, 8), 0);
  const uint64_t app_rsp = Buf(0x8000);
  g_.regs.rip = kAppRip;
  g_.regs.rsp = app_rsp;
  g_.regs.rbx = 0x1111;
  g_.regs.r15 = 0xffff;
  EXPECT_EQ(g_.Syscall(SYS_kill, 1, SIGUSR2, 0x33), 0);
  const hv_syscall_frame in = g_.last;
  EXPECT_EQ(in.rip, kHandler);
  EXPECT_EQ(in.args[0], static_cast<uint64_t>(SIGUSR2));
  EXPECT_LT(in.rsp, app_rsp - 128);  // below the red zone
  EXPECT_EQ((in.rsp + 8) % 16, 0u);  // as after a call
  EXPECT_EQ(*g_.At<uint64_t>(in.rsp), kRestorer);
  const auto* info = g_.At<siginfo_t>(in.args[1]);
  EXPECT_EQ(info->si_signo, SIGUSR2);
  const auto* uc = g_.At<ucontext_t>(in.args[2]);
  EXPECT_EQ(static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RIP]), kAppRip);
  EXPECT_EQ(static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_RSP]), app_rsp);
  EXPECT_EQ(uc->uc_mcontext.gregs[REG_RAX], 0);  // kill's result
  EXPECT_EQ(uc->uc_mcontext.gregs[REG_RDX], 0x33);
  // The handler runs with its signal and its sa_mask blocked.
  EXPECT_EQ(g_.Syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, Buf(8), 8), 0);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(8)), (1ull << (SIGUSR2 - 1)) | (1ull << (SIGHUP - 1)));
  // The handler's `ret` pops pretcode, then the restorer's rt_sigreturn.
  g_.regs.rip = kRestorer + 9;
  g_.regs.rsp = in.rsp + 8;
  g_.regs.rbx = 0xdead;
  EXPECT_EQ(g_.Syscall(SYS_rt_sigreturn), 0);
  EXPECT_EQ(g_.last.rip, kAppRip);
  EXPECT_EQ(g_.last.rsp, app_rsp);
  EXPECT_EQ(g_.last.rbx, 0x1111u);
  EXPECT_EQ(g_.last.r15, 0xffffu);
  EXPECT_EQ(g_.last.args[2], 0x33u);
  EXPECT_EQ(g_.Syscall(SYS_rt_sigprocmask, SIG_BLOCK, 0, Buf(8), 8), 0);
  EXPECT_EQ(*g_.At<uint64_t>(Buf(8)), 0u);
}

// A handler without SA_RESTORER cannot return (x86-64 needs one): the
// process dies of SIGSEGV, as on Linux.
TEST_F(SyscallsTest, HandlerWithoutRestorerIsSigsegv) {
  *g_.At<hvrt::abi::KSigaction>(Buf(0)) = {0x401000, 0, 0, 0};
  ASSERT_EQ(g_.Syscall(SYS_rt_sigaction, SIGUSR2, Buf(0), 0, 8), 0);
  g_.regs.rsp = Buf(0x8000);
  hv_exit e = ExitOf([&] { g_.Syscall(SYS_kill, 1, SIGUSR2); });
  EXPECT_EQ(e.status, SIGSEGV);
}

TEST_F(SyscallsTest, CloseRangeClosesOrMarks) {
  ASSERT_EQ(g_.Syscall(SYS_dup, 1), 3);
  ASSERT_EQ(g_.Syscall(SYS_dup, 1), 4);
  ASSERT_EQ(g_.Syscall(SYS_dup, 1), 5);
  EXPECT_EQ(g_.Syscall(SYS_close_range, 4, ~0u, 0), 0);  // 4, 5 and nothing past them
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 4, F_GETFD), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 5, F_GETFD), -EBADF);
  EXPECT_EQ(g_.Syscall(SYS_close_range, 3, 3, 4 /* CLOSE_RANGE_CLOEXEC */), 0);
  EXPECT_EQ(g_.Syscall(SYS_fcntl, 3, F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(g_.Syscall(SYS_close_range, 5, 4, 0), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_close_range, 3, 3, 8), -EINVAL);
}

TEST_F(SyscallsTest, CapabilitiesFollowTheUid) {
  // uid 1000 here: no capabilities; capset cannot raise any.
  uint64_t hdr = Buf(0), data = Buf(0x40);
  *g_.At<uint32_t>(hdr) = 0x20080522;  // _LINUX_CAPABILITY_VERSION_3
  *g_.At<int32_t>(hdr + 4) = 0;
  EXPECT_EQ(g_.Syscall(SYS_capget, hdr, data), 0);
  EXPECT_EQ(*g_.At<uint32_t>(data), 0u);      // effective, low half
  EXPECT_EQ(*g_.At<uint32_t>(data + 4), 0u);  // permitted
  *g_.At<uint32_t>(data + 4) = 1;             // ask for CAP_CHOWN
  EXPECT_EQ(g_.Syscall(SYS_capset, hdr, data), -EPERM);
  // An unknown version: EINVAL, and Linux's own written back; a probe
  // with no data pointer is 0.
  *g_.At<uint32_t>(hdr) = 0x1234;
  EXPECT_EQ(g_.Syscall(SYS_capget, hdr, data), -EINVAL);
  EXPECT_EQ(*g_.At<uint32_t>(hdr), 0x20080522u);
  *g_.At<uint32_t>(hdr) = 0x1234;
  EXPECT_EQ(g_.Syscall(SYS_capget, hdr, 0), 0);
  // Another process's: not readable here.
  *g_.At<uint32_t>(hdr) = 0x20080522;
  *g_.At<int32_t>(hdr + 4) = 4242;
  EXPECT_EQ(g_.Syscall(SYS_capget, hdr, data), -ESRCH);
}

TEST_F(SyscallsTest, ExitMasksStatus) {
  hv_exit e = ExitOf([&] { g_.Syscall(SYS_exit, 257); });
  EXPECT_EQ(e.status, 1);
  EXPECT_EQ(e.flags, 0u);
}

TEST_F(SyscallsTest, FutexOneThread) {
  uint64_t word = Buf(0);
  *g_.At<uint32_t>(word) = 5;
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1), 0);
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 4, 0), -EAGAIN);
  EXPECT_EQ(g_.Syscall(SYS_futex, word + 1, FUTEX_WAKE, 1), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_futex, 8, FUTEX_WAKE, 1), -EFAULT);
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAIT_BITSET, 5, 0, 0, 0), -EINVAL);  // bitset 0
  // FUTEX_WAKE_OP with an unknown operation (7) in val3.
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAKE_OP, 1, 1, word + 4, 0x70000000), -ENOSYS);
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAIT_REQUEUE_PI, 1), -ENOSYS);
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_CMP_REQUEUE, 1, 1, word + 4, 4), -EAGAIN);
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_CMP_REQUEUE, 1, 1, word + 4, 5), 0);
  // A timed wait with nothing else to run waits in hvrun until its deadline.
  *g_.At<timespec>(Buf(0x40)) = {0, 5000};
  hvrt::cpu::g_fake.tsc_step = 1000;  // each clock read: +1 us
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAIT, 5, Buf(0x40)), -ETIMEDOUT);
  EXPECT_GE(g_.Count(HV_CALL_WAIT), 1);
  *g_.At<timespec>(Buf(0x40)) = {0, 2000000000};
  EXPECT_EQ(g_.Syscall(SYS_futex, word, FUTEX_WAIT, 5, Buf(0x40)), -EINVAL);
  // Waiting forever with no other thread is a deadlock: say so.
  try {
    g_.Syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 5, 0);
    FAIL() << "wait returned";
  } catch (const GuestPanic& p) {
    EXPECT_NE(p.message.find("block forever"), std::string::npos) << p.message;
  }
}

}  // namespace
