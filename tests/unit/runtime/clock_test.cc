// TSC clock math and the time syscalls.
#include "runtime/hv/clock.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include <cerrno>

#include "runtime/hv/cpu_fake.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;
using hvrt_test::GuestOptions;

TEST(ClockMathTest, ScalesWith128BitProduct) {
  // 3 GHz: ns = delta * 1/3 = (delta * mult) >> 32 with mult = 2^32 / 3.
  hv_clock_calibration c = {100, 50, 0, 1431655765u, 32, 3000000000u};
  EXPECT_EQ(hvrt::clock::TscToNs(c, 100), 50u);
  EXPECT_EQ(hvrt::clock::TscToNs(c, 100 + 3000000000ull), 50u + 999999999u);
  // A day at 3 GHz: delta * mult overflows 64 bits, the 128-bit product does not.
  uint64_t day = 86400ull * 3000000000ull;
  uint64_t ns = hvrt::clock::TscToNs(c, 100 + day);
  EXPECT_NEAR(static_cast<double>(ns), 86400e9, 86400e9 * 1e-9);
  EXPECT_GT(static_cast<unsigned __int128>(day) * c.mult, ~0ull);
}

TEST(ClockMathTest, NeverBeforeBase) {
  hv_clock_calibration c = {1000, 7, 0, 1, 0, 1};
  EXPECT_EQ(hvrt::clock::TscToNs(c, 10), 7u);
  EXPECT_EQ(hvrt::clock::TscToNs(c, 1001), 8u);
}

TEST(ClockTest, MonotonicRealtimeAndCputime) {
  FakeGuest g;
  hvrt::cpu::g_fake.tsc = FakeGuest::kBaseTsc + 500;  // boot happens here
  g.Boot();
  hvrt::cpu::g_fake.tsc = FakeGuest::kBaseTsc + 2000000123;
  uint64_t ts = g.scratch();
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), 0);
  auto* t = g.At<timespec>(ts);
  int64_t mono = static_cast<int64_t>(FakeGuest::kBaseNs) + 2000000123;
  EXPECT_EQ(t->tv_sec, mono / 1000000000);
  EXPECT_EQ(t->tv_nsec, mono % 1000000000);

  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_REALTIME, ts), 0);
  int64_t real = mono + FakeGuest::kRealtimeOffset;
  EXPECT_EQ(t->tv_sec, real / 1000000000);
  EXPECT_EQ(t->tv_nsec, real % 1000000000);

  // CPU time is time since boot (see clock.h).
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, ts), 0);
  EXPECT_EQ(t->tv_sec, 1);
  EXPECT_EQ(t->tv_nsec, 999999623);

  EXPECT_EQ(g.Syscall(SYS_clock_gettime, 10, ts), -EINVAL);
  EXPECT_EQ(g.Syscall(SYS_clock_gettime, -6, ts), -EINVAL);  // a pid's CPU clock
  EXPECT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_MONOTONIC, 0), -EFAULT);
  EXPECT_EQ(g.Count(HV_CALL_CLOCK), 0);  // all from the TSC
}

TEST(ClockTest, GettimeofdayTimeAndGetres) {
  FakeGuest g;
  g.Boot();
  hvrt::cpu::g_fake.tsc = FakeGuest::kBaseTsc + 1500;
  int64_t real = static_cast<int64_t>(FakeGuest::kBaseNs) + 1500 + FakeGuest::kRealtimeOffset;
  uint64_t tv = g.scratch(), tz = g.scratch() + 64, tl = g.scratch() + 128;
  *g.At<int32_t>(tz) = 99;
  ASSERT_EQ(g.Syscall(SYS_gettimeofday, tv, tz), 0);
  EXPECT_EQ(g.At<timeval>(tv)->tv_sec, real / 1000000000);
  EXPECT_EQ(g.At<timeval>(tv)->tv_usec, real % 1000000000 / 1000);
  EXPECT_EQ(*g.At<int32_t>(tz), 0);
  EXPECT_EQ(g.Syscall(SYS_gettimeofday, 0, 0), 0);
  EXPECT_EQ(g.Syscall(SYS_time, tl), real / 1000000000);
  EXPECT_EQ(*g.At<int64_t>(tl), real / 1000000000);
  EXPECT_EQ(g.Syscall(SYS_clock_getres, CLOCK_MONOTONIC, tv), 0);
  EXPECT_EQ(g.At<timespec>(tv)->tv_sec, 0);
  EXPECT_EQ(g.At<timespec>(tv)->tv_nsec, 1);
  EXPECT_EQ(g.Syscall(SYS_clock_getres, CLOCK_MONOTONIC, 0), 0);
  EXPECT_EQ(g.Syscall(SYS_clock_getres, 12, tv), -EINVAL);
}

TEST(ClockTest, RealtimeBefore1970Floors) {
  GuestOptions o;
  FakeGuest g(o);
  g.boot().clock.realtime_offset_ns = -static_cast<int64_t>(FakeGuest::kBaseNs) - 1500000000;
  g.Boot();
  uint64_t ts = g.scratch();
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_REALTIME, ts), 0);  // -1.5 s
  EXPECT_EQ(g.At<timespec>(ts)->tv_sec, -2);
  EXPECT_EQ(g.At<timespec>(ts)->tv_nsec, 500000000);
}

TEST(ClockTest, NoTscUsesTheHostClock) {
  GuestOptions o;
  o.tsc_hz = 0;
  FakeGuest g(o);
  g.clock_ns[CLOCK_MONOTONIC] = 42000000007;
  g.clock_ns[CLOCK_REALTIME] = 1700000000000000001;
  g.Boot();
  uint64_t ts = g.scratch();
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), 0);
  EXPECT_EQ(g.At<timespec>(ts)->tv_sec, 42);
  EXPECT_EQ(g.At<timespec>(ts)->tv_nsec, 7);
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_REALTIME, ts), 0);
  EXPECT_EQ(g.At<timespec>(ts)->tv_sec, 1700000000);
  EXPECT_EQ(g.At<timespec>(ts)->tv_nsec, 1);
  EXPECT_EQ(g.Last(HV_CALL_CLOCK)->As<hv_clock>().clock_id, static_cast<uint32_t>(CLOCK_REALTIME));
}

TEST(ClockMathTest, PvclockScalesLikeLinux) {
  hv_pvclock p{};
  p.tsc_timestamp = 1000;
  p.system_time = 5000;
  p.tsc_to_system_mul = 0x80000000u;  // 0.5 ns per (shifted) tick
  p.tsc_shift = 1;                    // ... of a tick doubled: 1 ns per TSC tick
  EXPECT_EQ(hvrt::clock::PvclockToNs(p, 1000), 5000u);
  EXPECT_EQ(hvrt::clock::PvclockToNs(p, 3000), 7000u);
  p.tsc_shift = -1;  // halved: 0.25 ns per TSC tick
  EXPECT_EQ(hvrt::clock::PvclockToNs(p, 5000), 6000u);
  EXPECT_EQ(hvrt::clock::PvclockToNs(p, 999), 5000u) << "never before tsc_timestamp";
}

TEST(ClockTest, KvmclockPageDrivesMonotonic) {
  GuestOptions o;
  FakeGuest g(o);
  static hv_pvclock page{};
  page.version = 2;
  page.tsc_timestamp = 0;
  page.system_time = 1000000000;  // kvmclock says 1 s
  page.tsc_to_system_mul = 0x80000000u;
  page.tsc_shift = 1;  // 1 ns per tick
  g.boot().pvclock = reinterpret_cast<uint64_t>(&page);
  g.boot().pvclock_offset_ns = 41000000000;  // the host's CLOCK_MONOTONIC is 41 s ahead
  g.Boot();
  hvrt::cpu::g_fake.tsc = 7;
  hvrt::cpu::g_fake.tsc_step = 0;
  uint64_t ts = g.scratch();
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), 0);
  EXPECT_EQ(g.At<timespec>(ts)->tv_sec, 42);
  EXPECT_EQ(g.At<timespec>(ts)->tv_nsec, 7);
  EXPECT_EQ(g.Last(HV_CALL_CLOCK), nullptr) << "kvmclock needs no hypercall";
}

TEST(ClockTest, CalibrateFlagMeasuresThePvclockOffsetFromTheHost) {
  GuestOptions o;
  FakeGuest g(o);
  static hv_pvclock page{};
  page.version = 2;
  page.system_time = 1000000000;  // Xen system time says 1 s
  page.tsc_to_system_mul = 0x80000000u;
  page.tsc_shift = 1;  // 1 ns per tick
  g.boot().pvclock = reinterpret_cast<uint64_t>(&page);
  g.boot().flags |= HV_BOOT_PVCLOCK_CALIBRATE;
  g.clock_ns[CLOCK_MONOTONIC] = 50000000000;  // the host says 50 s
  hvrt::cpu::g_fake.tsc = 0;
  hvrt::cpu::g_fake.tsc_step = 0;
  g.Boot();
  ASSERT_NE(g.Last(HV_CALL_CLOCK), nullptr) << "calibration asks the host once";
  hvrt::cpu::g_fake.tsc = 2000000000;  // 2 s later by the pvclock
  uint64_t ts = g.scratch();
  ASSERT_EQ(g.Syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ts), 0);
  EXPECT_EQ(g.At<timespec>(ts)->tv_sec, 52);
  EXPECT_EQ(g.At<timespec>(ts)->tv_nsec, 0);
}

}  // namespace
