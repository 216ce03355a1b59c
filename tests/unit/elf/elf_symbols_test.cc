// File: elf_symbols_test.cc
#include "hvrun/elf/elf_symbols.h"

#include <elf.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "tests/unit/elf/elf_builder.h"

namespace hvrun {
namespace {

using testing::Bytes;
using testing::ElfBuilder;
using testing::Patch;
using Found = std::optional<std::pair<std::string, uint64_t>>;

ElfBuilder WithSymbols() {
  ElfBuilder b(ET_EXEC);
  b.Load(0x401000, Bytes(0x80), 0x80, PF_R | PF_X)
      .Load(0x403000, Bytes(0x10), 0x100, PF_R | PF_W)
      .Entry(0x401000)
      .Symbol("main", 0x401000, 0x40)
      .Symbol("main_alias", 0x401000, 0x40)  // same start: "main" comes first
      .Symbol("inner", 0x401010, 0x8)        // nested in main: starts later, wins
      .Symbol("helper", 0x401040, 0x20)
      .Symbol("counter", 0x403008, 8, STT_OBJECT)
      .Symbol("label", 0x401070, 0x10, STT_NOTYPE)  // not a function or object
      .Symbol("empty", 0x401060, 0);                // no size: cannot contain anything
  return b;
}

ElfImage MustParse(std::vector<uint8_t> bytes) {
  absl::StatusOr<ElfImage> image = ParseElf("/tmp/x", std::move(bytes));
  EXPECT_TRUE(image.ok()) << image.status();
  return image.ok() ? *std::move(image) : ElfImage();
}

TEST(ElfSymbolsTest, Lookup) {
  ElfSymbols symbols = ElfSymbols::FromImage(MustParse(WithSymbols().Build()));
  EXPECT_EQ(symbols.size(), 5u);  // all but "label" and "empty"; aliases count
  EXPECT_EQ(symbols.Lookup(0x401000), Found({"main", 0}));
  EXPECT_EQ(symbols.Lookup(0x401014), Found({"inner", 4}));
  EXPECT_EQ(symbols.Lookup(0x401018), Found({"main", 0x18}));
  EXPECT_EQ(symbols.Lookup(0x40103f), Found({"main", 0x3f}));
  EXPECT_EQ(symbols.Lookup(0x401045), Found({"helper", 5}));
  EXPECT_EQ(symbols.Lookup(0x40300f), Found({"counter", 7}));
  EXPECT_EQ(symbols.Lookup(0x401060), std::nullopt);  // past helper; "empty" has no size
  EXPECT_EQ(symbols.Lookup(0x401070), std::nullopt);  // STT_NOTYPE is not read
  EXPECT_EQ(symbols.Lookup(0x400fff), std::nullopt);
  EXPECT_EQ(symbols.Lookup(0), std::nullopt);
  EXPECT_EQ(symbols.Lookup(~uint64_t{0}), std::nullopt);
}

TEST(ElfSymbolsTest, StrippedHasNone) {
  ElfSymbols symbols = ElfSymbols::FromImage(MustParse(
      ElfBuilder(ET_EXEC).Load(0x401000, Bytes(16), 16, PF_R | PF_X).Entry(0x401000).Build()));
  EXPECT_TRUE(symbols.empty());
  EXPECT_EQ(symbols.Lookup(0x401000), std::nullopt);
  EXPECT_TRUE(ElfSymbols().empty());
}

// Breaks the section headers of WithSymbols() with (fn) and expects no
// symbols (and no crash).
template <typename Fn>
void ExpectNoSymbols(Fn fn) {
  std::vector<uint8_t> elf = WithSymbols().Build();
  fn(elf);
  ElfSymbols symbols = ElfSymbols::FromImage(MustParse(elf));
  EXPECT_TRUE(symbols.empty());
  EXPECT_EQ(symbols.Lookup(0x401000), std::nullopt);
}

uint64_t Shoff(const std::vector<uint8_t>& elf) {
  Elf64_Ehdr eh;
  std::memcpy(&eh, elf.data(), sizeof(eh));
  return eh.e_shoff;
}
template <typename Fn>
void PatchShdr(std::vector<uint8_t>& elf, int i, Fn fn) {
  Patch<Elf64_Shdr>(elf, Shoff(elf) + i * sizeof(Elf64_Shdr), fn);
}

TEST(ElfSymbolsTest, MalformedSectionsGiveNoSymbols) {
  ExpectNoSymbols([](auto& elf) {
    Patch<Elf64_Ehdr>(elf, 0, [](Elf64_Ehdr& e) { e.e_shoff = ~uint64_t{0} - 8; });
  });
  ExpectNoSymbols(
      [](auto& elf) { Patch<Elf64_Ehdr>(elf, 0, [](Elf64_Ehdr& e) { e.e_shnum = 0xffff; }); });
  ExpectNoSymbols(
      [](auto& elf) { Patch<Elf64_Ehdr>(elf, 0, [](Elf64_Ehdr& e) { e.e_shentsize = 32; }); });
  ExpectNoSymbols([](auto& elf) { PatchShdr(elf, 1, [](Elf64_Shdr& s) { s.sh_link = 7; }); });
  ExpectNoSymbols([](auto& elf) { PatchShdr(elf, 1, [](Elf64_Shdr& s) { s.sh_link = 1; }); });
  ExpectNoSymbols(
      [](auto& elf) { PatchShdr(elf, 1, [](Elf64_Shdr& s) { s.sh_offset = 1ull << 40; }); });
  ExpectNoSymbols(
      [](auto& elf) { PatchShdr(elf, 2, [](Elf64_Shdr& s) { s.sh_size = ~uint64_t{0}; }); });
}

TEST(ElfSymbolsTest, NamesOutsideStrtabAreSkipped) {
  std::vector<uint8_t> elf = WithSymbols().Build();
  // Cut .strtab to "\0main\0": every other name now starts past its end.
  PatchShdr(elf, 2, [](Elf64_Shdr& s) { s.sh_size = 6; });
  ElfSymbols symbols = ElfSymbols::FromImage(MustParse(elf));
  EXPECT_EQ(symbols.size(), 1u);
  EXPECT_EQ(symbols.Lookup(0x401045), std::nullopt);
  EXPECT_EQ(symbols.Lookup(0x401018), Found({"main", 0x18}));
}

TEST(ElfSymbolsTest, BusyboxDoesNotCrash) {
  if (access("/bin/busybox", R_OK) != 0) GTEST_SKIP() << "no /bin/busybox";
  absl::StatusOr<ElfImage> image = ReadElfFile("/bin/busybox");
  ASSERT_TRUE(image.ok()) << image.status();
  ElfSymbols symbols = ElfSymbols::FromImage(*image);
  // Debian strips it; if not, its entry point is inside _start.
  if (!symbols.empty()) {
    auto found = symbols.Lookup(image->entry);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->first, "_start");
  }
}

}  // namespace
}  // namespace hvrun
