// hvrt_syscall: dispatch, counting, and the unknown-call path.
#include "syscall-shim/dispatch.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <cerrno>

#include "runtime/hv/hypercall.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;
using hvrt_test::GuestOptions;

constexpr uint64_t kUnknown = SYS_io_setup;  // a real syscall the shim does not serve

TEST(DispatchTest, KnownNumbersReachTheirHandlers) {
  FakeGuest g;
  g.Boot();
  EXPECT_EQ(g.Syscall(SYS_getpid), 1);
  EXPECT_EQ(g.Syscall(SYS_getppid), 0);
  EXPECT_EQ(g.Syscall(SYS_gettid), 1);
  EXPECT_EQ(g.Syscall(SYS_getuid), 1000);
  EXPECT_EQ(g.Syscall(SYS_getegid), 100);
  EXPECT_EQ(g.Syscall(SYS_set_tid_address, g.scratch()), 1);
  EXPECT_EQ(hvrt::hv::Stats().syscalls, 6u);
  EXPECT_EQ(hvrt::hv::Stats().unsupported_syscalls, 0u);
}

TEST(DispatchTest, UnknownIsENOSYSAndCountedQuietly) {
  FakeGuest g;
  g.Boot();
  EXPECT_EQ(g.Syscall(kUnknown, 1, 2, 3), -ENOSYS);
  EXPECT_EQ(g.Syscall(kUnknown), -ENOSYS);
  EXPECT_EQ(g.Syscall(100000), -ENOSYS);  // far beyond the table
  EXPECT_EQ(g.Syscall(~0ull), -ENOSYS);
  EXPECT_EQ(hvrt::shim::UnknownCount(kUnknown), 2u);
  EXPECT_EQ(hvrt::shim::UnknownCount(100000), 2u);  // shares the overflow slot with ~0
  EXPECT_EQ(hvrt::shim::UnknownCount(SYS_getpid), 0u);
  EXPECT_EQ(hvrt::hv::Stats().unsupported_syscalls, 4u);
  EXPECT_EQ(hvrt::hv::Stats().syscalls, 4u);
  EXPECT_EQ(g.Count(HV_CALL_UNSUPPORTED), 0);  // not verbose
}

TEST(DispatchTest, VerboseReportsEachUnknownCall) {
  GuestOptions o;
  o.flags = HV_BOOT_VERBOSE;
  FakeGuest g(o);
  g.Boot();
  g.Syscall(kUnknown, 11, 22, 33, 44, 55, 66);
  g.Syscall(kUnknown, 7);
  ASSERT_EQ(g.Count(HV_CALL_UNSUPPORTED), 2);
  hv_unsupported u = g.Last(HV_CALL_UNSUPPORTED)->As<hv_unsupported>();
  EXPECT_EQ(u.nr, kUnknown);
  EXPECT_EQ(u.args[0], 7u);
  EXPECT_EQ(u.count, 2u);
  hv_unsupported first = g.calls[g.calls.size() - 2].As<hv_unsupported>();
  EXPECT_EQ(first.args[5], 66u);
  EXPECT_EQ(first.count, 1u);
  // Known calls are never reported.
  g.Syscall(SYS_getpid);
  EXPECT_EQ(g.Count(HV_CALL_UNSUPPORTED), 2);
}

TEST(DispatchTest, RseqDeclinesWithoutCountingAsUnknown) {
  GuestOptions o;
  o.flags = HV_BOOT_VERBOSE;
  FakeGuest g(o);
  g.Boot();
  EXPECT_EQ(g.Syscall(SYS_rseq, g.scratch(), 32, 0, 0x53053053), -ENOSYS);
  EXPECT_EQ(hvrt::hv::Stats().unsupported_syscalls, 0u);
  EXPECT_EQ(hvrt::shim::UnknownCount(SYS_rseq), 0u);
  EXPECT_EQ(g.Count(HV_CALL_UNSUPPORTED), 0);
}

TEST(DispatchTest, ExitCarriesTheUnknownCount) {
  FakeGuest g;
  g.Boot();
  g.Syscall(kUnknown);
  g.Syscall(kUnknown);
  g.Syscall(SYS_rseq);
  try {
    g.Syscall(SYS_exit_group, 0x1234);
    FAIL() << "exit_group returned";
  } catch (const hvrt_test::GuestExit& e) {
    EXPECT_EQ(e.exit.status, 0x34);
    EXPECT_EQ(e.exit.flags, 0u);
    EXPECT_EQ(e.exit.unsupported, 2u);
  }
}

TEST(DispatchTest, HypercallsAreCountedByNumber) {
  FakeGuest g;
  g.Boot();
  hv_stats s0 = hvrt::hv::Stats();
  uint64_t buf = g.scratch();
  std::memcpy(reinterpret_cast<void*>(buf), "hi", 2);
  EXPECT_EQ(g.Syscall(SYS_write, 1, buf, 2), 2);
  EXPECT_EQ(hvrt::hv::Stats().hypercalls, s0.hypercalls + 1);
  EXPECT_EQ(hvrt::hv::Stats().per_call[HV_CALL_CONSOLE_WRITE],
            s0.per_call[HV_CALL_CONSOLE_WRITE] + 1);
}

}  // namespace
