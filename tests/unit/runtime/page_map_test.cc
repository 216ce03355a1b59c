#include "runtime/mm/page_map.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstdint>

namespace {

using hvrt::mm::kPageSize;
using hvrt::mm::PageMap;

class PageMapTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kPages = 1000;
  void SetUp() override {
    mem_ = mmap(nullptr, kPages * kPageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    ASSERT_NE(mem_, MAP_FAILED);
    start_ = reinterpret_cast<uint64_t>(mem_);
    ASSERT_TRUE(map_.Init(start_, start_ + kPages * kPageSize));
  }
  void TearDown() override { munmap(mem_, kPages * kPageSize); }
  uint64_t Page(uint64_t i) const { return map_.Base() + i * kPageSize; }
  uint64_t Managed() const { return (map_.End() - map_.Base()) / kPageSize; }

  void* mem_ = nullptr;
  uint64_t start_ = 0;
  PageMap map_;
};

TEST_F(PageMapTest, BitmapIsCarvedFromTheFront) {
  // 1000 pages need 125 bytes of bitmap: one page.
  EXPECT_EQ(map_.Base(), start_ + kPageSize);
  EXPECT_EQ(map_.End(), start_ + kPages * kPageSize);
  EXPECT_FALSE(map_.Contains(start_, kPageSize));
  EXPECT_TRUE(map_.AllFree(map_.Base(), Managed()));
}

TEST_F(PageMapTest, TooSmallRangeIsRefused) {
  PageMap m;
  EXPECT_FALSE(m.Init(start_, start_ + kPageSize));  // only room for the bitmap
  EXPECT_FALSE(m.Init(start_, start_));
}

TEST_F(PageMapTest, SetAndTestAcrossWords) {
  map_.SetUsed(Page(60), 10);  // bits 60..69 span two words
  EXPECT_TRUE(map_.AllUsed(Page(60), 10));
  EXPECT_FALSE(map_.AllUsed(Page(59), 2));
  EXPECT_FALSE(map_.AllFree(Page(69), 2));
  EXPECT_TRUE(map_.AllFree(Page(70), 100));
  EXPECT_TRUE(map_.IsUsed(Page(64)));
  map_.SetFree(Page(62), 3);
  EXPECT_FALSE(map_.IsUsed(Page(63)));
  EXPECT_TRUE(map_.IsUsed(Page(61)));
  EXPECT_TRUE(map_.IsUsed(Page(65)));
}

TEST_F(PageMapTest, FindTopDownTakesTheHighestRun) {
  EXPECT_EQ(map_.FindTopDown(1), Page(Managed() - 1));
  EXPECT_EQ(map_.FindTopDown(3), Page(Managed() - 3));
  map_.SetUsed(Page(Managed() - 2), 1);
  EXPECT_EQ(map_.FindTopDown(1), Page(Managed() - 1));
  EXPECT_EQ(map_.FindTopDown(2), Page(Managed() - 4));
}

TEST_F(PageMapTest, FindTopDownSkipsWholeWords) {
  uint64_t n = Managed();
  map_.SetUsed(Page(0), n);
  map_.SetFree(Page(100), 130);  // free run 100..229 crosses full free words 128..191
  EXPECT_EQ(map_.FindTopDown(130), Page(100));
  EXPECT_EQ(map_.FindTopDown(64), Page(229 - 63));
  EXPECT_EQ(map_.FindTopDown(131), 0u);
  map_.SetUsed(Page(150), 1);
  EXPECT_EQ(map_.FindTopDown(79), Page(151));
  EXPECT_EQ(map_.FindTopDown(80), 0u);
}

TEST_F(PageMapTest, ExhaustionReturnsZero) {
  EXPECT_EQ(map_.FindTopDown(Managed() + 1), 0u);
  EXPECT_EQ(map_.FindTopDown(0), 0u);
  uint64_t a = map_.FindTopDown(Managed());
  EXPECT_EQ(a, map_.Base());
  map_.SetUsed(a, Managed());
  EXPECT_EQ(map_.FindTopDown(1), 0u);
}

}  // namespace
