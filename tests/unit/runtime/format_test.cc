#include "runtime/lib/format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace {

std::string F(const char* fmt, auto... args) {
  char buf[128];
  size_t n = hvrt::Format(buf, sizeof buf, fmt, args...);
  EXPECT_EQ(n, std::string(buf).size());
  return buf;
}

TEST(FormatTest, Integers) {
  EXPECT_EQ(F("%d %i %u", -42, 7, 3000000000u), "-42 7 3000000000");
  EXPECT_EQ(F("%ld", INT64_MIN), "-9223372036854775808");
  EXPECT_EQ(F("%lu", UINT64_MAX), "18446744073709551615");
  EXPECT_EQ(F("%x %X %lx", 255u, 255u, 0x1234abcdULL), "ff FF 1234abcd");
  EXPECT_EQ(F("%zu", size_t{99}), "99");
  EXPECT_EQ(F("%o 0%lo", 8u, 02100000ul), "10 02100000");
  EXPECT_EQ(F("%hhu %hd", 0x1ff, 0x18000), "255 -32768");
}

TEST(FormatTest, WidthAndFlags) {
  EXPECT_EQ(F("[%5d]", 42), "[   42]");
  EXPECT_EQ(F("[%-5d]", 42), "[42   ]");
  EXPECT_EQ(F("[%05d]", -42), "[-0042]");
  EXPECT_EQ(F("[%016lx]", 0xbeefUL), "[000000000000beef]");
  EXPECT_EQ(F("[%4s]", "ab"), "[  ab]");
}

TEST(FormatTest, StringsPointersPercent) {
  EXPECT_EQ(F("%s=%c", "key", 'v'), "key=v");
  EXPECT_EQ(F("%s", static_cast<const char*>(nullptr)), "(null)");
  EXPECT_EQ(F("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
  EXPECT_EQ(F("100%%"), "100%");
}

TEST(FormatTest, TruncatesAndTerminates) {
  char buf[6];
  EXPECT_EQ(hvrt::Format(buf, sizeof buf, "%s", "hello world"), 5u);
  EXPECT_STREQ(buf, "hello");
  char one[1] = {'x'};
  EXPECT_EQ(hvrt::Format(one, 1, "abc"), 0u);
  EXPECT_EQ(one[0], '\0');
}

}  // namespace
