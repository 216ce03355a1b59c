// File: elf_symbols_test.cc
#include "hvrun/elf/elf_symbols.h"

#include <elf.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "gtest/gtest.h"
#include "tests/unit/elf/elf_builder.h"

// Every operator new in this binary goes through here, so that a test can
// see how much FromImage asks for. While a ceiling is armed, allocations
// are added up and one that would pass the ceiling throws std::bad_alloc:
// a symbolizer without a bound then fails the test quickly instead of
// exhausting the machine's memory.
namespace {
std::atomic<bool> g_armed{false};
std::atomic<size_t> g_allocated{0};
size_t g_ceiling = 0;
}  // namespace

// Every unaligned form is replaced, so that no allocation made by one
// runtime (ASan's, libstdc++'s) is freed by another; noinline: GCC would
// otherwise inline free() into every delete and then warn that it frees
// what operator new returned (-Wmismatched-new-delete).
__attribute__((noinline)) void* operator new(size_t n) {
  if (g_armed.load(std::memory_order_relaxed) &&
      g_allocated.fetch_add(n, std::memory_order_relaxed) + n > g_ceiling) {
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return operator new(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return operator new(n, std::nothrow);
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { operator delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { operator delete(p); }

namespace hvrun {
namespace {

// Arms the allocation ceiling for its lifetime (one at a time).
class AllocationCeiling {
 public:
  explicit AllocationCeiling(size_t bytes) {
    g_ceiling = bytes;
    g_allocated = 0;
    g_armed = true;
  }
  ~AllocationCeiling() { g_armed = false; }
  // What operator new was asked for so far (freed memory included).
  size_t allocated() const { return g_allocated; }
};

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

// Replaces .symtab and .strtab of WithSymbols() with (count) symbols that
// all name the same (name_len)-byte string and each cover 16 bytes from
// 0x401000 up: a file of (count) * 24 bytes whose names, copied one by one,
// would take (count) * (name_len) bytes.
std::vector<uint8_t> ManySymbols(size_t count, size_t name_len) {
  std::vector<uint8_t> elf = WithSymbols().Build();
  const auto append = [&elf](const void* data, size_t size) {
    elf.resize((elf.size() + 7) & ~size_t{7});
    const uint64_t at = elf.size();
    elf.insert(elf.end(), static_cast<const uint8_t*>(data),
               static_cast<const uint8_t*>(data) + size);
    return at;
  };
  std::string strtab(1, '\0');
  strtab.append(name_len, 'n');
  strtab.push_back('\0');
  const uint64_t str_off = append(strtab.data(), strtab.size());
  std::vector<Elf64_Sym> syms(count + 1);  // symbol 0 is null
  for (size_t i = 1; i <= count; ++i) {
    syms[i] = Elf64_Sym{.st_name = 1,
                        .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
                        .st_shndx = 1,
                        .st_value = 0x401000 + 16 * (i - 1),
                        .st_size = 16};
  }
  const uint64_t sym_off = append(syms.data(), syms.size() * sizeof(Elf64_Sym));
  PatchShdr(elf, 1, [&](Elf64_Shdr& s) {
    s.sh_offset = sym_off;
    s.sh_size = syms.size() * sizeof(Elf64_Sym);
  });
  PatchShdr(elf, 2, [&](Elf64_Shdr& s) {
    s.sh_offset = str_off;
    s.sh_size = strtab.size();
  });
  return elf;
}

// Reads (image)'s symbols under a ceiling of (ceiling) bytes allocated.
// Fails the test if FromImage asked for more.
ElfSymbols FromImageBounded(const ElfImage& image, size_t ceiling) {
  ElfSymbols symbols;
  bool refused = false;
  size_t allocated = 0;
  {
    AllocationCeiling bound(ceiling);
    try {
      symbols = ElfSymbols::FromImage(image);
    } catch (const std::bad_alloc&) {
      refused = true;
    }
    allocated = bound.allocated();
  }
  EXPECT_FALSE(refused) << "FromImage asked for more than " << (ceiling >> 20) << " MiB ("
                        << (allocated >> 20) << " MiB so far) for a " << (image.bytes.size() >> 20)
                        << " MiB file";
  return symbols;
}

// A crafted .symtab whose entries all name one long string: every entry is
// 24 bytes of file, but copying its name costs 1 KiB. 300000 of them (7 MiB
// of file) asked for 300 MiB; a 1 GiB file would ask for 45 GB. Now the
// names kept are bounded, and the first symbols still have theirs.
TEST(ElfSymbolsTest, SharedLongNamesAreBounded) {
  const ElfImage image = MustParse(ManySymbols(300000, 1023));
  const ElfSymbols symbols = FromImageBounded(image, 128 << 20);
  EXPECT_EQ(symbols.size(), kMaxSymbolNameBytes / 1023);
  const Found found = symbols.Lookup(0x401004);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->first, std::string(1023, 'n'));
  EXPECT_EQ(found->second, 4u);
  const uint64_t last = 0x401000 + 16 * (symbols.size() - 1);
  EXPECT_TRUE(symbols.Lookup(last).has_value());
  EXPECT_EQ(symbols.Lookup(last + 16), std::nullopt);  // dropped
}

// More entries than kMaxSymbols: the first kMaxSymbols are kept.
TEST(ElfSymbolsTest, SymbolCountIsBounded) {
  const ElfImage image = MustParse(ManySymbols(kMaxSymbols + 1000, 1));
  const ElfSymbols symbols = FromImageBounded(image, 128 << 20);
  EXPECT_EQ(symbols.size(), kMaxSymbols);
  const uint64_t last = 0x401000 + 16 * (kMaxSymbols - 1);
  EXPECT_EQ(symbols.Lookup(last + 15), Found({"n", 15}));
  EXPECT_EQ(symbols.Lookup(last + 16), std::nullopt);  // dropped
}

// A .symtab that claims more than the file holds (huge sh_size or a huge
// offset) has no symbols, and reading it allocates next to nothing.
TEST(ElfSymbolsTest, HugeClaimsAllocateNothing) {
  for (uint64_t size : {uint64_t{1} << 40, ~uint64_t{0} - 8, uint64_t{24} << 30}) {
    std::vector<uint8_t> elf = WithSymbols().Build();
    PatchShdr(elf, 1, [size](Elf64_Shdr& s) { s.sh_size = size; });
    const ElfSymbols symbols = FromImageBounded(MustParse(elf), 1 << 20);
    EXPECT_TRUE(symbols.empty()) << size;
  }
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
