// The address space (runtime/mm/vm.h) through the syscalls that reach it.
#include "runtime/mm/vm.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>

#include "runtime/mm/protect.h"
#include "tests/unit/runtime/fake_guest.h"

namespace {

using hvrt_test::FakeGuest;
constexpr uint64_t kPage = 4096;

class VmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    launch_ = g_.Boot();
    oom0_ = hvrt::mm::OutOfMemoryCount();
  }

  int64_t Mmap(uint64_t addr, uint64_t len, uint64_t flags = MAP_PRIVATE | MAP_ANONYMOUS) {
    return g_.Syscall(SYS_mmap, addr, len, PROT_READ | PROT_WRITE, flags, -1ull, 0);
  }
  bool Used(uint64_t addr) { return hvrt::mm::Pages().IsUsed(addr); }
  static bool Zero(uint64_t addr, uint64_t len) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(addr);
    for (uint64_t i = 0; i < len; i++) {
      if (p[i] != 0) return false;
    }
    return true;
  }
  static void Scribble(uint64_t addr, uint64_t len, uint8_t v = 0xcc) {
    std::memset(reinterpret_cast<void*>(addr), v, len);
  }
  uint64_t End() { return hvrt::mm::Pages().End(); }
  // The lowest page of the run in use from the top at boot: the app's stack
  // and, below it, the boot-time pages of the in-guest filesystem.
  uint64_t BootLow() {
    uint64_t p = End();
    while (p > hvrt::mm::Pages().Base() && Used(p - kPage)) p -= kPage;
    return p;
  }
  uint64_t StackLo() { return End() - g_.boot().stack_size; }

  FakeGuest g_;
  hvrt::boot::Launch launch_{};
  uint64_t oom0_ = 0;
};

TEST_F(VmTest, StackIsAtTheTopAndMmapGoesDownFromIt) {
  EXPECT_GT(launch_.sp, StackLo());
  EXPECT_LT(launch_.sp, End());
  EXPECT_TRUE(Used(StackLo()));
  EXPECT_TRUE(Used(End() - kPage));  // the stack comes first, at the very top
  uint64_t low = BootLow();
  int64_t a = Mmap(0, 3 * kPage);
  EXPECT_EQ(a, static_cast<int64_t>(low - 3 * kPage));
  int64_t b = Mmap(0, 100);  // rounds up to one page
  EXPECT_EQ(b, a - static_cast<int64_t>(kPage));
  EXPECT_TRUE(Zero(b, kPage));
}

TEST_F(VmTest, FreeHintIsHonoured) {
  uint64_t hint = hvrt::mm::BrkBase() + 64 * kPage;
  EXPECT_EQ(Mmap(hint, kPage), static_cast<int64_t>(hint));
  EXPECT_NE(Mmap(hint, kPage), static_cast<int64_t>(hint));  // taken: placed elsewhere
}

TEST_F(VmTest, BrkGrowsUpAndShrinkZeroes) {
  int64_t base = g_.Syscall(SYS_brk, 0);
  EXPECT_EQ(base, static_cast<int64_t>(hvrt::mm::BrkBase()));
  EXPECT_GE(base, static_cast<int64_t>(g_.boot().app.start + g_.boot().app.size));
  EXPECT_EQ(g_.Syscall(SYS_brk, base + 10000), base + 10000);
  EXPECT_TRUE(Used(base) && Used(base + 2 * kPage));
  EXPECT_FALSE(Used(base + 3 * kPage));
  Scribble(base, 10000);
  // Shrink to one page: pages 1 and 2 are freed and read as zero again.
  EXPECT_EQ(g_.Syscall(SYS_brk, base + 100), base + 100);
  EXPECT_FALSE(Used(base + kPage));
  EXPECT_TRUE(Zero(base + kPage, 2 * kPage));
  EXPECT_EQ(*g_.At<uint8_t>(base), 0xcc);  // the page still in use keeps its bytes
  // Below the base is a query.
  EXPECT_EQ(g_.Syscall(SYS_brk, base - kPage), base + 100);
}

TEST_F(VmTest, BrkFailsWhenMmapIsInTheWay) {
  int64_t base = g_.Syscall(SYS_brk, 0);
  ASSERT_EQ(Mmap(base + 4 * kPage, kPage, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED),
            base + 4 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_brk, base + 8 * kPage), base);  // unchanged: failure
  EXPECT_EQ(hvrt::mm::OutOfMemoryCount(), oom0_ + 1);
  EXPECT_EQ(g_.Syscall(SYS_brk, base + 4 * kPage), base + 4 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_brk, static_cast<int64_t>(End()) + 1), base + 4 * kPage);
}

TEST_F(VmTest, MapFixedReplacesWithZeroPages) {
  int64_t a = Mmap(0, 4 * kPage);
  Scribble(a, 4 * kPage);
  EXPECT_EQ(Mmap(a + kPage, 2 * kPage, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), a + kPage);
  EXPECT_TRUE(Zero(a + kPage, 2 * kPage));
  EXPECT_EQ(*g_.At<uint8_t>(a), 0xcc);
  EXPECT_EQ(*g_.At<uint8_t>(a + 3 * kPage), 0xcc);
  EXPECT_TRUE(Used(a + kPage));
}

TEST_F(VmTest, MapFixedNoReplaceAndBadFixed) {
  int64_t a = Mmap(0, 2 * kPage);
  EXPECT_EQ(Mmap(a + kPage, kPage, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE), -EEXIST);
  EXPECT_EQ(Mmap(a - 5 * kPage, kPage, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE),
            a - static_cast<int64_t>(5 * kPage));
  EXPECT_EQ(Mmap(a + 1, kPage, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), -EINVAL);
  EXPECT_EQ(Mmap(g_.boot().app.start, kPage, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), -ENOMEM);
}

TEST_F(VmTest, BadArguments) {
  EXPECT_EQ(Mmap(0, 0), -EINVAL);
  EXPECT_EQ(Mmap(0, kPage, MAP_ANONYMOUS), -EINVAL);  // neither shared nor private
  EXPECT_EQ(g_.Syscall(SYS_mmap, 0, kPage, PROT_READ, MAP_PRIVATE, 3, 0), -EBADF);  // not open
  EXPECT_EQ(g_.Syscall(SYS_mmap, 0, kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1ull, 1),
            -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_munmap, 1, kPage), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_munmap, kPage, 0), -EINVAL);
  EXPECT_EQ(hvrt::mm::OutOfMemoryCount(), oom0_);
}

TEST_F(VmTest, SharedAnonymousWorks) {
  int64_t a = Mmap(0, kPage, MAP_SHARED | MAP_ANONYMOUS);
  EXPECT_GT(a, 0);
  EXPECT_TRUE(Used(a));
}

TEST_F(VmTest, PartialMunmapFreesAndZeroesOnlyTheMiddle) {
  int64_t a = Mmap(0, 5 * kPage);
  Scribble(a, 5 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_munmap, a + kPage, 3 * kPage - 5), 0);  // rounds up to 3 pages
  EXPECT_TRUE(Used(a));
  EXPECT_FALSE(Used(a + kPage) || Used(a + 2 * kPage) || Used(a + 3 * kPage));
  EXPECT_TRUE(Used(a + 4 * kPage));
  EXPECT_TRUE(Zero(a + kPage, 3 * kPage));
  EXPECT_EQ(*g_.At<uint8_t>(a + 4 * kPage), 0xcc);
  // Unmapping what is not mapped is no error.
  EXPECT_EQ(g_.Syscall(SYS_munmap, a + kPage, kPage), 0);
  // The freed hole is reused by a fitting request... top-down, so the hole
  // is found before any lower free page.
  EXPECT_EQ(Mmap(0, 3 * kPage), a + static_cast<int64_t>(kPage));
}

TEST_F(VmTest, ExhaustionIsENOMEMAndCounted) {
  uint64_t free_bytes = End() - hvrt::mm::Pages().Base();
  EXPECT_EQ(Mmap(0, free_bytes), -ENOMEM);  // the stack is already taken
  EXPECT_EQ(hvrt::mm::OutOfMemoryCount(), oom0_ + 1);
  EXPECT_EQ(Mmap(0, ~0ull - 100), -ENOMEM);  // absurd sizes are failures too
  EXPECT_EQ(hvrt::mm::OutOfMemoryCount(), oom0_ + 2);
  // Take everything that is left, then one more page fails.
  int64_t rest = Mmap(0, BootLow() - hvrt::mm::Pages().Base());
  EXPECT_EQ(rest, static_cast<int64_t>(hvrt::mm::Pages().Base()));
  EXPECT_EQ(Mmap(0, kPage), -ENOMEM);
  EXPECT_EQ(hvrt::mm::OutOfMemoryCount(), oom0_ + 3);
  // exit reports the count.
  try {
    g_.Syscall(SYS_exit_group, 0);
    FAIL() << "exit_group returned";
  } catch (const hvrt_test::GuestExit& e) {
    EXPECT_EQ(e.exit.out_of_memory, oom0_ + 3);
  }
}

TEST_F(VmTest, LargeFreesUseMemDiscard) {
  int64_t a = Mmap(0, 32 * kPage);  // 128 KiB
  Scribble(a, 32 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_munmap, a, 32 * kPage), 0);
  ASSERT_EQ(g_.Count(HV_CALL_MEM_DISCARD), 1);
  hv_buffer b = g_.Last(HV_CALL_MEM_DISCARD)->As<hv_buffer>();
  EXPECT_EQ(b.data, static_cast<uint64_t>(a));
  EXPECT_EQ(b.len, 32 * kPage);
  EXPECT_TRUE(Zero(a, 32 * kPage));
  // Small frees clear with memset, no hypercall.
  int64_t c = Mmap(0, 2 * kPage);
  Scribble(c, 2 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_munmap, c, 2 * kPage), 0);
  EXPECT_EQ(g_.Count(HV_CALL_MEM_DISCARD), 1);
  EXPECT_TRUE(Zero(c, 2 * kPage));
}

TEST_F(VmTest, DiscardFailureFallsBackToMemset) {
  g_.discard_result = -ENOSYS;
  int64_t a = Mmap(0, 32 * kPage);
  Scribble(a, 32 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_munmap, a, 32 * kPage), 0);
  EXPECT_EQ(g_.Count(HV_CALL_MEM_DISCARD), 1);
  EXPECT_TRUE(Zero(a, 32 * kPage));
}

TEST_F(VmTest, MadviseDontneedZeroesButKeepsMapped) {
  int64_t a = Mmap(0, 20 * kPage);
  Scribble(a, 20 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_madvise, a, 2 * kPage, MADV_DONTNEED), 0);
  EXPECT_TRUE(Zero(a, 2 * kPage));
  EXPECT_EQ(*g_.At<uint8_t>(a + 2 * kPage), 0xcc);
  EXPECT_EQ(g_.Count(HV_CALL_MEM_DISCARD), 0);
  EXPECT_EQ(g_.Syscall(SYS_madvise, a + 2 * kPage, 18 * kPage, MADV_FREE), 0);
  EXPECT_EQ(g_.Count(HV_CALL_MEM_DISCARD), 1);  // 72 KiB >= 64 KiB
  EXPECT_TRUE(Zero(a, 20 * kPage));
  EXPECT_TRUE(Used(a) && Used(a + 19 * kPage));
  EXPECT_EQ(g_.Syscall(SYS_madvise, a, kPage, MADV_WILLNEED), 0);
  EXPECT_EQ(g_.Syscall(SYS_madvise, a + 1, kPage, MADV_DONTNEED), -EINVAL);
  EXPECT_EQ(g_.Syscall(SYS_madvise, a - 4 * kPage, 8 * kPage, MADV_DONTNEED), -ENOMEM);
}

TEST_F(VmTest, MprotectChecksMapping) {
  int64_t a = Mmap(0, 2 * kPage);
  EXPECT_EQ(g_.Syscall(SYS_mprotect, a, 2 * kPage, PROT_READ), 0);
  EXPECT_EQ(g_.Syscall(SYS_mprotect, a - kPage, 2 * kPage, PROT_READ), -ENOMEM);
  EXPECT_EQ(g_.Syscall(SYS_mprotect, a + 1, kPage, PROT_READ), -EINVAL);
  // The app image (glibc protects its RELRO at start) counts as mapped.
  EXPECT_EQ(g_.Syscall(SYS_mprotect, g_.boot().app.start, 3 * kPage, PROT_READ), 0);
}

TEST_F(VmTest, MremapShrinkGrowMove) {
  int64_t a = Mmap(0, 4 * kPage);
  Scribble(a, 4 * kPage, 0x11);
  // Shrink in place: the tail is freed and zeroed.
  EXPECT_EQ(g_.Syscall(SYS_mremap, a, 4 * kPage, 2 * kPage, 0, 0), a);
  EXPECT_FALSE(Used(a + 2 * kPage));
  EXPECT_TRUE(Zero(a + 2 * kPage, 2 * kPage));
  // Grow in place into the pages just freed.
  EXPECT_EQ(g_.Syscall(SYS_mremap, a, 2 * kPage, 3 * kPage, 0, 0), a);
  EXPECT_TRUE(Used(a + 2 * kPage));
  // The stack sits right above (a + 4 pages): no room without moving.
  EXPECT_EQ(g_.Syscall(SYS_mremap, a, 3 * kPage, 8 * kPage, 0, 0), -ENOMEM);
  int64_t m = g_.Syscall(SYS_mremap, a, 3 * kPage, 8 * kPage, MREMAP_MAYMOVE, 0);
  ASSERT_GT(m, 0);
  EXPECT_NE(m, a);
  EXPECT_EQ(*g_.At<uint8_t>(m), 0x11);
  EXPECT_EQ(*g_.At<uint8_t>(m + 2 * kPage - 1), 0x11);
  EXPECT_FALSE(Used(a));
  EXPECT_TRUE(Zero(a, 3 * kPage));
  EXPECT_EQ(g_.Syscall(SYS_mremap, a, kPage, 2 * kPage, MREMAP_MAYMOVE, 0), -EFAULT);  // unmapped
  EXPECT_EQ(g_.Syscall(SYS_mremap, m, kPage, kPage, MREMAP_FIXED, a), -EINVAL);
}

TEST_F(VmTest, MremapFixed) {
  int64_t a = Mmap(0, kPage);
  *g_.At<uint32_t>(a) = 0xfeedf00d;
  uint64_t dst = hvrt::mm::BrkBase() + 100 * kPage;
  EXPECT_EQ(g_.Syscall(SYS_mremap, a, kPage, 2 * kPage, MREMAP_MAYMOVE | MREMAP_FIXED, dst),
            static_cast<int64_t>(dst));
  EXPECT_EQ(*g_.At<uint32_t>(dst), 0xfeedf00du);
  EXPECT_TRUE(Used(dst + kPage));
  EXPECT_FALSE(Used(a));
}

}  // namespace

// ---- Page protection records (runtime/mm/protect.h) ---------------------------
// The fake guest has no backend to enforce them: these check the table, which
// RangeOk and the fault classification rely on everywhere.

namespace prot = hvrt::mm::protect;

TEST_F(VmTest, ProtectionRecordsSplitMergeAndMove) {
  int64_t a = Mmap(0, 8 * kPage);
  ASSERT_GT(a, 0);
  const uint64_t b = static_cast<uint64_t>(a);
  const int before = prot::Count();
  // Linux keeps PROT_EXEC apart only where a backend enforces it; here
  // read/write memory is the default and has no record.
  EXPECT_TRUE(prot::Allows(b, b + 8 * kPage, prot::kRead | prot::kWrite));
  ASSERT_EQ(g_.Syscall(SYS_mprotect, b + 2 * kPage, 2 * kPage, PROT_READ), 0);
  ASSERT_EQ(g_.Syscall(SYS_mprotect, b + 4 * kPage, kPage, PROT_READ), 0);
  EXPECT_EQ(prot::Count(), before + 1) << "adjacent equal records merge";
  EXPECT_FALSE(prot::Allows(b, b + 8 * kPage, prot::kWrite));
  EXPECT_TRUE(prot::Allows(b + 5 * kPage, b + 8 * kPage, prot::kRead | prot::kWrite));
  EXPECT_EQ(prot::At(b + 3 * kPage) & prot::kWrite, 0u);
  // PROT_NONE in the middle splits the record in three.
  ASSERT_EQ(g_.Syscall(SYS_mprotect, b + 3 * kPage, kPage, PROT_NONE), 0);
  EXPECT_EQ(prot::Count(), before + 3);
  EXPECT_EQ(prot::At(b + 3 * kPage) & prot::kDefault, 0u);
  EXPECT_FALSE(hvrt::mm::Accessible(b + 3 * kPage + 5, 1, /*write=*/false));
  EXPECT_TRUE(hvrt::mm::Accessible(b + 2 * kPage, 8, /*write=*/false));
  EXPECT_FALSE(hvrt::mm::Accessible(b + 2 * kPage, 8, /*write=*/true));
  // A file page past EOF stays one through mprotect.
  ASSERT_TRUE(prot::Change(b + 6 * kPage, b + 7 * kPage, 0, prot::kBus));
  ASSERT_EQ(g_.Syscall(SYS_mprotect, b + 6 * kPage, kPage, PROT_READ | PROT_WRITE), 0);
  EXPECT_NE(prot::At(b + 6 * kPage) & prot::kBus, 0u);
  // mremap moves the records with the bytes; munmap drops them.
  int64_t moved = g_.Syscall(SYS_mremap, b, 8 * kPage, 16 * kPage, MREMAP_MAYMOVE, 0);
  ASSERT_GT(moved, 0);
  const uint64_t m = static_cast<uint64_t>(moved);
  EXPECT_EQ(prot::At(m + 3 * kPage) & prot::kDefault, 0u);
  EXPECT_EQ(prot::At(m + 2 * kPage) & prot::kWrite, 0u);
  EXPECT_NE(prot::At(m + 6 * kPage) & prot::kBus, 0u);
  EXPECT_EQ(prot::At(b + 3 * kPage), prot::kDefault) << "the old range keeps no record";
  ASSERT_EQ(g_.Syscall(SYS_munmap, m, 16 * kPage), 0);
  EXPECT_EQ(prot::Count(), before);
  EXPECT_FALSE(hvrt::mm::Accessible(m, 1, false)) << "unmapped pages are no buffer";
}

TEST_F(VmTest, MprotectOfUnmappedMemoryIsEnomemAndRecordsNothing) {
  const int before = prot::Count();
  int64_t a = Mmap(0, 2 * kPage);
  ASSERT_GT(a, 0);
  ASSERT_EQ(g_.Syscall(SYS_munmap, a, 2 * kPage), 0);
  EXPECT_EQ(g_.Syscall(SYS_mprotect, a, kPage, PROT_READ), -ENOMEM);
  EXPECT_EQ(prot::Count(), before);
}

// The protection table against a page-by-page model: random Set, Change,
// Forget and Move over a 64-page window, checked after each step (At,
// Allows, NextEdge, and that adjacent records never share attributes).
TEST(ProtectTableTest, MatchesAPageModel) {
  FakeGuest guest;
  guest.Boot();
  const uint64_t base = 0x7000000000ull;  // outside the fake guest's memory: records only
  constexpr int kPages = 64;
  uint32_t model[kPages];
  for (uint32_t& a : model) a = prot::kDefault;
  uint64_t seed = 12345;
  auto next = [&seed](uint64_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (seed >> 33) % n;
  };
  // Where execute is not enforced (as in this fake guest: no backend), a
  // readable or writable page is executable too.
  ASSERT_FALSE(prot::Enforced());
  auto norm = [](uint32_t a) { return (a & prot::kDefault) != 0 ? a | prot::kExec : a; };
  const int before = prot::Count();
  for (int step = 0; step < 4000; step++) {
    uint64_t lo = next(kPages), hi = lo + 1 + next(kPages - lo);
    const uint32_t attrs[] = {0,
                              prot::kRead,
                              prot::kRead | prot::kWrite,
                              prot::kDefault,
                              prot::kRead | prot::kBus,
                              prot::kDefault | prot::kDontFork};
    const uint32_t attr = attrs[next(6)];
    switch (next(4)) {
      case 0:
        ASSERT_TRUE(prot::Set(base + lo * kPage, base + hi * kPage, attr));
        for (uint64_t p = lo; p < hi; p++) model[p] = norm(attr);
        break;
      case 1: {
        const uint32_t clear = attrs[next(6)], set = attrs[next(6)];
        ASSERT_TRUE(prot::Change(base + lo * kPage, base + hi * kPage, clear, set));
        for (uint64_t p = lo; p < hi; p++) model[p] = norm((model[p] & ~clear) | set);
        break;
      }
      case 2:
        prot::Forget(base + lo * kPage, base + hi * kPage);
        for (uint64_t p = lo; p < hi; p++) model[p] = prot::kDefault;
        break;
      default: {  // move [lo, hi) to a disjoint place, then forget the source
        const uint64_t len = hi - lo;
        uint64_t to = next(kPages - len + 1);
        if (to < hi && lo < to + len) break;  // overlapping: mremap never does that
        prot::Forget(base + to * kPage, base + (to + len) * kPage);
        for (uint64_t p = to; p < to + len; p++) model[p] = prot::kDefault;
        ASSERT_TRUE(prot::Move(base + lo * kPage, len * kPage, base + to * kPage));
        for (uint64_t i = 0; i < len; i++) model[to + i] = model[lo + i];
        prot::Forget(base + lo * kPage, base + hi * kPage);
        for (uint64_t p = lo; p < hi; p++) model[p] = prot::kDefault;
        break;
      }
    }
    for (int p = 0; p < kPages; p++) {
      ASSERT_EQ(prot::At(base + p * kPage), model[p]) << "step " << step << " page " << p;
      const bool rw = (model[p] & prot::kBus) == 0 &&
                      (model[p] & (prot::kRead | prot::kWrite)) == (prot::kRead | prot::kWrite);
      ASSERT_EQ(prot::Allows(base + p * kPage, base + (p + 1) * kPage, prot::kRead | prot::kWrite),
                rw)
          << "step " << step << " page " << p;
      // NextEdge never skips a change of attributes.
      const uint64_t edge = prot::NextEdge(base + p * kPage);
      for (int q = p + 1; q < kPages && base + q * kPage < edge; q++) {
        ASSERT_EQ(model[q], model[p]) << "step " << step << " edge past page " << q;
      }
    }
  }
  prot::Forget(base, base + kPages * kPage);
  EXPECT_EQ(prot::Count(), before);
}
