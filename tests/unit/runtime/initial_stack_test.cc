// The app's initial stack and auxv as boot::Prepare builds them.
#include "runtime/boot/initial_stack.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "runtime/hv/cpu_fake.h"
#include "runtime/mm/vm.h"
#include "runtime/vdso/vdso.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;
using hvrt_test::GuestOptions;

struct Parsed {
  uint64_t argc = 0;
  std::vector<std::string> argv, envp;
  std::vector<std::pair<uint64_t, uint64_t>> auxv;  // in order, AT_NULL included
  std::map<uint64_t, uint64_t> aux;
};

Parsed Parse(uint64_t sp) {
  Parsed p;
  const uint64_t* w = reinterpret_cast<const uint64_t*>(sp);
  p.argc = *w++;
  for (uint64_t i = 0; i < p.argc; i++) p.argv.emplace_back(reinterpret_cast<const char*>(*w++));
  EXPECT_EQ(*w++, 0u) << "argv NULL";
  while (*w != 0) p.envp.emplace_back(reinterpret_cast<const char*>(*w++));
  w++;
  for (;;) {
    uint64_t k = *w++, v = *w++;
    p.auxv.emplace_back(k, v);
    p.aux[k] = v;
    if (k == AT_NULL) break;
  }
  return p;
}

TEST(InitialStackTest, LayoutMatchesLinux) {
  FakeGuest g;
  hvrt::boot::Launch l = g.Boot();
  uint64_t hi = hvrt::mm::Pages().End();
  uint64_t lo = hi - g.boot().stack_size;
  EXPECT_EQ(l.sp % 16, 0u);
  EXPECT_GT(l.sp, lo);
  EXPECT_EQ(l.entry, g.boot().app_entry);

  Parsed p = Parse(l.sp);
  EXPECT_EQ(p.argc, 2u);
  EXPECT_EQ(p.argv, (std::vector<std::string>{"/bin/app", "--flag"}));
  EXPECT_EQ(p.envp, (std::vector<std::string>{"HOME=/", "LANG=C"}));
  // The strings are copies on the new stack, not the boot strings.
  const uint64_t* w = reinterpret_cast<const uint64_t*>(l.sp);
  for (int i = 1; i <= 2; i++) EXPECT_GT(w[i], l.sp) << i;
  for (int i = 1; i <= 2; i++) EXPECT_LT(w[i], hi) << i;

  EXPECT_EQ(p.aux[AT_PHDR], g.boot().app_phdr);
  EXPECT_EQ(p.aux[AT_PHENT], 56u);
  EXPECT_EQ(p.aux[AT_PHNUM], 4u);
  EXPECT_EQ(p.aux[AT_PAGESZ], 4096u);
  EXPECT_EQ(p.aux[AT_BASE], 0u);
  EXPECT_EQ(p.aux[AT_FLAGS], 0u);
  EXPECT_EQ(p.aux[AT_ENTRY], g.boot().app_entry);
  EXPECT_EQ(p.aux[AT_UID], 1000u);
  EXPECT_EQ(p.aux[AT_EUID], 1000u);
  EXPECT_EQ(p.aux[AT_GID], 100u);
  EXPECT_EQ(p.aux[AT_EGID], 100u);
  EXPECT_EQ(p.aux[AT_SECURE], 0u);
  EXPECT_EQ(p.aux[AT_HWCAP], g.boot().hwcap);
  EXPECT_EQ(p.aux[AT_HWCAP2], 2u);
  EXPECT_EQ(p.aux[AT_CLKTCK], 100u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.aux[AT_PLATFORM])), "x86_64");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(p.aux[AT_EXECFN])), "/bin/app");
  EXPECT_NE(p.aux[AT_EXECFN], w[1]);  // its own copy, at the top like Linux's
  EXPECT_EQ(std::memcmp(reinterpret_cast<const void*>(p.aux[AT_RANDOM]), g.boot().random, 16), 0);
  EXPECT_EQ(p.aux[AT_SYSINFO_EHDR], hvrt::vdso::Image());  // the runtime's vDSO
  EXPECT_EQ(p.aux[AT_SYSINFO_EHDR] % 4096, 0u);
  // 732 + 15 + (832 + 4) + 112 + 63 = 1758, rounded up to 16.
  EXPECT_EQ(p.aux[AT_MINSIGSTKSZ], 1760u);

  const auto* native = reinterpret_cast<const hv_native*>(p.aux[AT_HV_NATIVE]);
  ASSERT_NE(native, nullptr);
  EXPECT_EQ(native->magic, HV_NATIVE_MAGIC);
  EXPECT_EQ(native->abi_version, static_cast<uint32_t>(HV_ABI_VERSION));
  EXPECT_EQ(native->backend, static_cast<uint32_t>(HV_BACKEND_SIM));
  EXPECT_NE(native->hypercall, 0u);
  EXPECT_NE(native->monotonic_ns, 0u);
  EXPECT_NE(native->get_stats, 0u);

  EXPECT_EQ(p.auxv.size(), static_cast<size_t>(hvrt::boot::kAuxvPairs));
  EXPECT_EQ(p.auxv.back().first, static_cast<uint64_t>(AT_NULL));
  // Everything lies between sp and the stack top, with 8 zero bytes at the top.
  EXPECT_EQ(*reinterpret_cast<const uint64_t*>(hi - 8), 0u);
  EXPECT_LT(p.aux[AT_EXECFN], hi - 8);
  EXPECT_GT(p.aux[AT_RANDOM], l.sp);
}

// Both parities of the table's word count must end 16-byte aligned.
TEST(InitialStackTest, AlignedForOddAndEvenCounts) {
  for (int envc = 0; envc < 4; envc++) {
    GuestOptions o;
    o.envp.clear();
    for (int i = 0; i < envc; i++) o.envp.push_back("V" + std::to_string(i) + "=x");
    FakeGuest g(o);
    hvrt::boot::Launch l = g.Boot();
    EXPECT_EQ(l.sp % 16, 0u) << envc;
    Parsed p = Parse(l.sp);
    EXPECT_EQ(p.envp.size(), static_cast<size_t>(envc));
    EXPECT_EQ(p.argv.size(), 2u);
  }
}

TEST(InitialStackTest, NativeFunctionsWork) {
  FakeGuest g;
  hvrt::boot::Launch l = g.Boot();
  const auto* native = reinterpret_cast<const hv_native*>(Parse(l.sp).aux[AT_HV_NATIVE]);
  auto hypercall = reinterpret_cast<int64_t (*)(uint64_t, uint64_t)>(native->hypercall);
  auto monotonic = reinterpret_cast<uint64_t (*)()>(native->monotonic_ns);
  auto get_stats = reinterpret_cast<void (*)(hv_stats*)>(native->get_stats);
  hv_stats before;
  get_stats(&before);
  EXPECT_EQ(hypercall(HV_CALL_NOP, 0), 0);
  hv_stats after;
  get_stats(&after);
  EXPECT_EQ(after.hypercalls, before.hypercalls + 1);
  EXPECT_EQ(after.per_call[HV_CALL_NOP], before.per_call[HV_CALL_NOP] + 1);
  hvrt::cpu::g_fake.tsc = FakeGuest::kBaseTsc + 777;
  EXPECT_EQ(monotonic(), FakeGuest::kBaseNs + 777);
}

TEST(InitialStackTest, MinSigStackSizeWithoutXsave) {
  hvrt::cpu::g_fake = {};
  hvrt::cpu::g_fake.max_leaf = 0xb;  // no leaf 0xD: FXSAVE's 512 bytes
  EXPECT_EQ(hvrt::boot::MinSigStackSize(), 1440u);
  hvrt::cpu::g_fake.max_leaf = 0xd;
  // AMX (XCR0 0x600e7): Linux 6.18 on such a CPU reports 11952; this
  // formula (6.1-era sizes) gives 11936.
  hvrt::cpu::g_fake.xsave_size = 11008;
  EXPECT_EQ(hvrt::boot::MinSigStackSize(), 11936u);
}

TEST(InitialStackTest, TooSmallStackIsRefused) {
  FakeGuest g;
  g.Boot();
  const hv_boot_info& bi = g.boot();
  uint64_t lo = g.scratch();
  EXPECT_EQ(hvrt::boot::BuildInitialStack(bi, lo, lo + 4096, {0, 0}), 0u);
  EXPECT_NE(hvrt::boot::BuildInitialStack(bi, lo, lo + 3 * 4096, {0, 0}), 0u);
}

}  // namespace
