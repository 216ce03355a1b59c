// Checks the parts of the ABI that static_asserts cannot: values that the
// guest and host must agree on with Linux, and the call numbering.
#include <elf.h>
#include <sys/syscall.h>

#include <cstddef>

#include "gtest/gtest.h"
#include "hv/abi.h"

namespace {

TEST(AbiLayout, BootInfoFitsInItsPage) {
  EXPECT_LE(sizeof(hv_boot_info), 4096u);
  EXPECT_EQ(sizeof(hv_boot_info) % 8, 0u);
}

TEST(AbiLayout, CallNumbersAreDenseAndReservedZero) {
  EXPECT_EQ(HV_CALL_RESERVED, 0);
  EXPECT_EQ(HV_CALL_NOP, 1);
  EXPECT_EQ(HV_CALL_TIMERFD + 1, HV_CALL_MAX);
}

TEST(AbiLayout, SyscallFrameMatchesTheLinuxArgumentOrder) {
  // args[] is rdi, rsi, rdx, r10, r8, r9: argument i of syscall(2).
  hv_syscall_frame f{};
  f.args[3] = 4;
  EXPECT_EQ(offsetof(hv_syscall_frame, args) + 3 * 8, 32u);
  EXPECT_EQ(f.args[3], 4u);
}

TEST(AbiLayout, NativeAuxvTypeDoesNotCollideWithLinux) {
  // Linux's AT_* values are small; glibc's getauxval scans any type.
  EXPECT_GT(AT_HV_NATIVE, static_cast<unsigned long long>(AT_MINSIGSTKSZ));
  EXPECT_GT(AT_HV_NATIVE, 0xffffull);
}

TEST(AbiLayout, MagicsSpellTheirNames) {
  uint64_t native = HV_NATIVE_MAGIC;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&native), 8), "HVNATIVE");
  uint64_t boot = HV_BOOT_MAGIC;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&boot) + 2, 6), "HVBOOT");
}

}  // namespace
