// Tests for sdk/lib/hv.cc (hv/hv.h), both of its paths, without hvrun:
//   * native: the real auxiliary vector has no AT_HV_NATIVE;
//   * guest: this file's fake runtime offers a `struct hv_native` through
//     hv_test_getauxval(), which hv.cc calls instead of getauxval() (the test
//     target compiles hv.cc with -Dgetauxval=hv_test_getauxval).
// hv.cc looks the struct up once per process, so every guest case runs in a
// child process of its own (a death test that must exit 0).

#include "hv/hv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "hv/abi.h"

namespace {

// --- the fake runtime -------------------------------------------------------

struct hv_native g_native;          // what AT_HV_NATIVE points to
bool g_offer_native = false;        // whether the auxv has AT_HV_NATIVE at all
uint64_t g_max_write = UINT64_MAX;  // the console accepts this much per call
std::string g_console;              // what reached the console
uint64_t g_calls[HV_CALL_MAX];      // hypercalls made, by number
uint64_t g_clock = 1000;

int64_t FakeHypercall(uint64_t nr, uint64_t arg) {
  if (nr >= HV_CALL_MAX) return -ENOSYS;
  ++g_calls[nr];
  switch (nr) {
    case HV_CALL_NOP:
      return 0;
    case HV_CALL_CONSOLE_WRITE: {
      const auto* io = reinterpret_cast<const struct hv_console_io*>(arg);
      if (io->fd != 1 || io->pad0 != 0) return -EBADF;
      const uint64_t n = io->len < g_max_write ? io->len : g_max_write;
      g_console.append(reinterpret_cast<const char*>(io->data), n);
      return static_cast<int64_t>(n);
    }
    default:
      return -ENOSYS;
  }
}

uint64_t FakeMonotonicNs() { return g_clock += 250; }

void FakeGetStats(struct hv_stats* out) {
  out->hypercalls = 0;
  for (int i = 0; i < HV_CALL_MAX; ++i) {
    out->per_call[i] = g_calls[i];
    out->hypercalls += g_calls[i];
  }
  out->syscalls = 77;
  out->unsupported_syscalls = 3;
}

void OfferNative(uint32_t backend) {
  g_native.magic = HV_NATIVE_MAGIC;
  g_native.abi_version = HV_ABI_VERSION;
  g_native.backend = backend;
  g_native.hypercall = reinterpret_cast<uintptr_t>(&FakeHypercall);
  g_native.monotonic_ns = reinterpret_cast<uintptr_t>(&FakeMonotonicNs);
  g_native.get_stats = reinterpret_cast<uintptr_t>(&FakeGetStats);
  g_offer_native = true;
}

// In a child: reports a failed check on stderr and exits 1.
#define CHILD_CHECK(cond)                                                      \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

// In a child: hv.cc must have ignored the offered struct.
void ExpectIgnored() {
  CHILD_CHECK(hv::backend() == hv::Backend::kNative);
  CHILD_CHECK(!hv::in_guest());
  CHILD_CHECK(hv::nop() == -ENOSYS);
  CHILD_CHECK(g_calls[HV_CALL_NOP] == 0);
  exit(0);
}

}  // namespace

// Called by hv.cc in place of getauxval().
extern "C" unsigned long hv_test_getauxval(unsigned long type) {
  if (type != AT_HV_NATIVE || !g_offer_native) return 0;
  return reinterpret_cast<uintptr_t>(&g_native);
}

namespace {

using ::testing::ExitedWithCode;

TEST(HvNative, NoAuxvEntryFallsBackToLinux) {
  EXPECT_EXIT(
      {
        CHILD_CHECK(hv::backend() == hv::Backend::kNative);
        CHILD_CHECK(hv::backend_name() == "native");
        CHILD_CHECK(!hv::in_guest());
        CHILD_CHECK(hv::nop() == -ENOSYS);
        const hv::Stats s = hv::stats();
        CHILD_CHECK(s.hypercalls == 0 && s.syscalls == 0 && s.unsupported_syscalls == 0);
        for (uint64_t c : s.per_call) CHILD_CHECK(c == 0);
        const uint64_t t0 = hv::monotonic_ns();
        const uint64_t t1 = hv::monotonic_ns();
        CHILD_CHECK(t0 > 0 && t1 >= t0);
        // write(1, ...) for real: the bytes go to the child's stdout.
        CHILD_CHECK(hv::console_write("native console_write\n") == 21);
        CHILD_CHECK(hv::console_write("") == 0);
        exit(0);
      },
      ExitedWithCode(0), "");
}

TEST(HvNative, BackendNames) {
  EXPECT_EQ(hv::backend_name(hv::Backend::kNative), "native");
  EXPECT_EQ(hv::backend_name(hv::Backend::kSim), "sim");
  EXPECT_EQ(hv::backend_name(hv::Backend::kKvm), "kvm");
  EXPECT_EQ(hv::backend_name(hv::Backend::kXen), "xen");
}

TEST(HvGuest, BackendKindsMap) {
  struct Case {
    uint32_t kind;
    hv::Backend backend;
    const char* name;
  };
  for (const Case& c : {Case{HV_BACKEND_SIM, hv::Backend::kSim, "sim"},
                        Case{HV_BACKEND_KVM, hv::Backend::kKvm, "kvm"},
                        Case{HV_BACKEND_XEN, hv::Backend::kXen, "xen"}}) {
    SCOPED_TRACE(c.name);
    EXPECT_EXIT(
        {
          OfferNative(c.kind);
          CHILD_CHECK(hv::backend() == c.backend);
          CHILD_CHECK(hv::backend_name() == c.name);
          CHILD_CHECK(hv::in_guest());
          exit(0);
        },
        ExitedWithCode(0), "");
  }
}

TEST(HvGuest, CallsGoToTheRuntime) {
  EXPECT_EXIT(
      {
        OfferNative(HV_BACKEND_SIM);
        CHILD_CHECK(hv::nop() == 0);
        CHILD_CHECK(hv::nop() == 0);
        CHILD_CHECK(g_calls[HV_CALL_NOP] == 2);
        CHILD_CHECK(hv::monotonic_ns() == 1250);
        CHILD_CHECK(hv::monotonic_ns() == 1500);
        CHILD_CHECK(hv::console_write("to the console\n") == 15);
        CHILD_CHECK(g_console == "to the console\n");
        const hv::Stats s = hv::stats();
        CHILD_CHECK(s.hypercalls == 3);
        CHILD_CHECK(s.syscalls == 77);
        CHILD_CHECK(s.unsupported_syscalls == 3);
        CHILD_CHECK(s.per_call[HV_CALL_NOP] == 2);
        CHILD_CHECK(s.per_call[HV_CALL_CONSOLE_WRITE] == 1);
        CHILD_CHECK(s.per_call[HV_CALL_CLOCK] == 0);
        exit(0);
      },
      ExitedWithCode(0), "");
}

TEST(HvGuest, ConsoleWriteRetriesShortWrites) {
  EXPECT_EXIT(
      {
        OfferNative(HV_BACKEND_KVM);
        g_max_write = 4;
        CHILD_CHECK(hv::console_write("0123456789") == 10);
        CHILD_CHECK(g_console == "0123456789");
        CHILD_CHECK(g_calls[HV_CALL_CONSOLE_WRITE] == 3);
        CHILD_CHECK(hv::console_write("") == 0);
        CHILD_CHECK(g_calls[HV_CALL_CONSOLE_WRITE] == 3);
        exit(0);
      },
      ExitedWithCode(0), "");
}

TEST(HvGuest, ConsoleWriteReportsErrors) {
  EXPECT_EXIT(
      {
        OfferNative(HV_BACKEND_SIM);
        g_max_write = 0;  // the fake returns 0: no progress
        CHILD_CHECK(hv::console_write("x") == -EIO);
        exit(0);
      },
      ExitedWithCode(0), "");
}

TEST(HvGuest, BadMagicIgnored) {
  EXPECT_EXIT(
      {
        OfferNative(HV_BACKEND_SIM);
        g_native.magic ^= 1;
        ExpectIgnored();
      },
      ExitedWithCode(0), "");
}

TEST(HvGuest, OtherAbiVersionIgnored) {
  EXPECT_EXIT(
      {
        OfferNative(HV_BACKEND_SIM);
        g_native.abi_version = HV_ABI_VERSION + 1;
        ExpectIgnored();
      },
      ExitedWithCode(0), "");
}

TEST(HvGuest, NullFunctionIgnored) {
  EXPECT_EXIT(
      {
        OfferNative(HV_BACKEND_SIM);
        g_native.get_stats = 0;
        ExpectIgnored();
      },
      ExitedWithCode(0), "");
}

TEST(HvGuest, UnknownBackendIgnored) {
  for (uint32_t kind : {uint32_t{HV_BACKEND_NONE}, uint32_t{HV_BACKEND_XEN + 1}}) {
    SCOPED_TRACE(kind);
    EXPECT_EXIT(
        {
          OfferNative(kind);
          ExpectIgnored();
        },
        ExitedWithCode(0), "");
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Re-executed children: hv.cc's once-only lookup starts fresh in each.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return RUN_ALL_TESTS();
}
