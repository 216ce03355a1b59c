#include "vmm/base/guest_memory.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace hvrun {
namespace {

constexpr uint64_t kSize = 1 << 20;

TEST(GuestMemory, CreateRejectsUnalignedSizes) {
  EXPECT_FALSE(GuestMemory::Create(0).ok());
  EXPECT_FALSE(GuestMemory::Create(4097).ok());
}

TEST(GuestMemory, ContainsIsOverflowSafe) {
  auto mem = GuestMemory::Create(kSize);
  ASSERT_TRUE(mem.ok());
  EXPECT_TRUE(mem->Contains(4096, kSize - 4096));
  EXPECT_TRUE(mem->Contains(kSize, 0));
  EXPECT_FALSE(mem->Contains(0, 1)) << "the null page is never guest memory";
  EXPECT_FALSE(mem->Contains(4095, 2));
  EXPECT_FALSE(mem->Contains(kSize - 8, 9));
  EXPECT_FALSE(mem->Contains(kSize + 1, 0));
  EXPECT_FALSE(mem->Contains(8192, std::numeric_limits<uint64_t>::max()));
  EXPECT_FALSE(mem->Contains(std::numeric_limits<uint64_t>::max(), 2));
}

TEST(GuestMemory, SpanAndReadWriteRoundTrip) {
  auto mem = GuestMemory::Create(kSize);
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->Write<uint64_t>(0x2000, 0x1122334455667788).ok());
  auto v = mem->Read<uint64_t>(0x2000);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 0x1122334455667788u);
  auto span = mem->Span(0x2000, 8);
  ASSERT_TRUE(span.ok());
  EXPECT_EQ((*span)[0], 0x88);
  EXPECT_EQ(mem->Span(kSize - 4, 8).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_FALSE(mem->Read<uint64_t>(kSize - 4).ok());
  EXPECT_FALSE(mem->Write<uint64_t>(0, 1).ok());
}

TEST(GuestMemory, DiscardZeroesPagesAndChecksAlignment) {
  auto mem = GuestMemory::Create(kSize);
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->Write<uint32_t>(0x3000, 0xdeadbeef).ok());
  ASSERT_TRUE(mem->Write<uint32_t>(0x5000, 0xfeedface).ok());
  ASSERT_TRUE(mem->Discard(0x3000, 0x2000).ok());
  EXPECT_EQ(*mem->Read<uint32_t>(0x3000), 0u);
  EXPECT_EQ(*mem->Read<uint32_t>(0x5000), 0xfeedfaceu) << "outside the range is untouched";
  EXPECT_EQ(mem->Discard(0x3001, 0x1000).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mem->Discard(0x3000, 0x800).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mem->Discard(kSize - 0x1000, 0x2000).code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace hvrun
