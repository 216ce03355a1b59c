// Boot info checks and the boot recipe (runtime/boot/).
#include "runtime/boot/boot.h"

#include <gtest/gtest.h>

#include <string>

#include "runtime/boot/boot_info.h"
#include "syscall-shim/dispatch.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;
using hvrt_test::GuestPanic;

std::string PanicOf(FakeGuest& g) {
  try {
    g.Boot();
  } catch (const GuestPanic& p) {
    return p.message;
  }
  return "(no panic)";
}

TEST(BootTest, RegistersTheSyscallEntryLast) {
  FakeGuest g;
  g.Boot();
  ASSERT_FALSE(g.calls.empty());
  EXPECT_EQ(g.calls.back().nr, static_cast<uint64_t>(HV_CALL_REGISTER));
  EXPECT_EQ(g.calls.back().As<hv_register>().syscall_entry,
            reinterpret_cast<uint64_t>(&hvrt_syscall));
  EXPECT_EQ(g.Count(HV_CALL_PANIC), 0);
}

TEST(BootTest, KeepsItsOwnCopy) {
  FakeGuest g;
  g.Boot();
  g.boot().uid = 0;
  std::memcpy(reinterpret_cast<char*>(g.boot().strings), "/evil", 6);
  EXPECT_EQ(hvrt::boot::Info().uid, 1000u);
  EXPECT_STREQ(hvrt::boot::AppPath(), "/bin/app");
}

TEST(BootTest, BadMagicPanics) {
  FakeGuest g;
  g.boot().magic = 1;
  EXPECT_NE(PanicOf(g).find("magic"), std::string::npos);
  EXPECT_EQ(g.Count(HV_CALL_REGISTER), 0);
}

TEST(BootTest, BadVersionAndSizePanic) {
  FakeGuest g;
  g.boot().abi_version = HV_ABI_VERSION + 1;
  EXPECT_NE(PanicOf(g).find("abi_version"), std::string::npos);
  FakeGuest h;
  h.boot().size = 100;
  EXPECT_NE(PanicOf(h).find("size"), std::string::npos);
}

TEST(BootTest, CheckRejectsBadRegions) {
  FakeGuest g;
  char msg[160];
  hv_boot_info bi = g.boot();
  EXPECT_EQ(hvrt::boot::Check(bi, msg, sizeof msg), nullptr);

  auto bad = [&](auto mutate, const char* word) {
    hv_boot_info b = g.boot();
    mutate(b);
    const char* why = hvrt::boot::Check(b, msg, sizeof msg);
    ASSERT_NE(why, nullptr) << word;
    EXPECT_NE(std::string(why).find(word), std::string::npos) << why;
  };
  bad([](hv_boot_info& b) { b.hypercall_entry = 0; }, "hypercall_entry");
  bad([](hv_boot_info& b) { b.free.size += 4096; }, "free region");
  bad([&](hv_boot_info& b) { b.free.start = g.boot().app.start; }, "overlaps");
  bad([](hv_boot_info& b) { b.stack_size = 0; }, "stack_size");
  bad([](hv_boot_info& b) { b.stack_size = b.free.size; }, "stack_size");
  bad([](hv_boot_info& b) { b.app_phent = 32; }, "app_phent");
  bad([](hv_boot_info& b) { b.argc = 0; }, "argc");
  bad([](hv_boot_info& b) { b.envc += 1; }, "fewer than");
  bad([](hv_boot_info& b) { b.strings_size -= 1; }, "fewer than");
  bad([](hv_boot_info& b) { b.strings = 0; }, "strings");
  bad([](hv_boot_info& b) { b.clock.shift = 64; }, "clock");
}

TEST(BootTest, NoRoomForTheStackPanics) {
  FakeGuest g;
  // Passes the check (smaller than free memory) but not the allocation: the
  // bitmap took a page.
  g.boot().stack_size = g.boot().free.size - 100;
  EXPECT_NE(PanicOf(g).find("no memory for the app's"), std::string::npos);
}

TEST(BootTest, ArgvTooBigForTheStackPanics) {
  hvrt_test::GuestOptions o;
  o.stack_size = 8192;
  o.argv = {"/bin/app", std::string(6000, 'a')};
  FakeGuest g(o);
  EXPECT_NE(PanicOf(g).find("do not fit"), std::string::npos);
}

}  // namespace
