#include "hvrun/memory_size.h"

#include "gtest/gtest.h"

namespace hvrun {
namespace {

TEST(MemorySize, ParsesSuffixes) {
  EXPECT_EQ(*ParseMemorySize("512M"), 512ull << 20);
  EXPECT_EQ(*ParseMemorySize("512m"), 512ull << 20);
  EXPECT_EQ(*ParseMemorySize("1G"), 1ull << 30);
  EXPECT_EQ(*ParseMemorySize("1GiB"), 1ull << 30);
  EXPECT_EQ(*ParseMemorySize("65536K"), 64ull << 20);
  EXPECT_EQ(*ParseMemorySize("16777216"), 16ull << 20);
}

TEST(MemorySize, RoundsUpTo2MiB) {
  EXPECT_EQ(*ParseMemorySize("16777217"), 18ull << 20);
  EXPECT_EQ(*ParseMemorySize("17M"), 18ull << 20);
}

TEST(MemorySize, RejectsGarbageAndOutOfRange) {
  for (const char* bad : {"", "M", "abc", "12Q", "-5M", "1.5G", "99999999999999999999G"}) {
    auto r = ParseMemorySize(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("--memory"), std::string::npos) << bad;
  }
  EXPECT_NE(ParseMemorySize("1K").status().message().find("out of range"), std::string::npos);
  EXPECT_NE(ParseMemorySize("2T").status().message().find("out of range"), std::string::npos);
  EXPECT_TRUE(ParseMemorySize("1T").ok());
}

// Found by fuzz_manifest (tests/fuzz/corpus/manifest/regress-memory-ib):
// a bare "IB" made the suffix check read s[-1] (clang's UBSan:
// pointer-overflow; gcc's does not see it). A suffix alone is no size.
TEST(MemorySize, SuffixAloneIsNotASize) {
  for (const char* bad : {"IB", "iB", "ib", "B", "KB", "KiB"}) {
    EXPECT_EQ(ParseMemorySize(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace hvrun
