// File: elf_loader_test.cc
#include "hvrun/elf/elf_loader.h"

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "gtest/gtest.h"
#include "hvrun/elf/elf_symbols.h"
#include "tests/unit/elf/elf_builder.h"

namespace hvrun {
namespace {

using ::absl::StatusCode;
using testing::AsBytes;
using testing::Bytes;
using testing::Dynamic;
using testing::ElfBuilder;
using testing::HasError;
using testing::Rela;

constexpr uint64_t kMemory = 16ull << 20;
constexpr uint64_t kBias = 0x400000;

ElfImage MustParse(std::vector<uint8_t> bytes) {
  absl::StatusOr<ElfImage> image = ParseElf("/tmp/x", std::move(bytes));
  EXPECT_TRUE(image.ok()) << image.status();
  return image.ok() ? *std::move(image) : ElfImage();
}

GuestMemory MustCreate() {
  absl::StatusOr<GuestMemory> memory = GuestMemory::Create(kMemory);
  EXPECT_TRUE(memory.ok()) << memory.status();
  return *std::move(memory);
}

uint64_t Word(const GuestMemory& memory, uint64_t gva) {
  absl::StatusOr<uint64_t> v = memory.Read<uint64_t>(gva);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.value_or(0xdeadbeef);
}

bool AllZero(const GuestMemory& memory, uint64_t gva, uint64_t len) {
  absl::StatusOr<std::span<uint8_t>> span = memory.Span(gva, len);
  return span.ok() && std::all_of(span->begin(), span->end(), [](uint8_t b) { return b == 0; });
}

std::vector<uint8_t> StaticExec(uint64_t data_memsz = 0x2000) {
  return ElfBuilder(ET_EXEC)
      .Headers(0x400000)
      .Load(0x401000, Bytes(0x80, 0x10), 0x80, PF_R | PF_X)
      .Load(0x403010, Bytes(0x20, 0x80), data_memsz, PF_R | PF_W)
      .Entry(0x401010)
      .Build();
}

// A static-pie linked at 0: text at 0x1000, data at 0x2000 (0x1000 bytes
// in memory, 0x200 in the file) whose first words are (words) and which
// holds (table) at 0x2100; PT_DYNAMIC holds (dynamic).
std::vector<uint8_t> Pie(const std::vector<uint64_t>& words, const std::vector<uint8_t>& table,
                         const std::vector<std::pair<int64_t, uint64_t>>& dynamic) {
  std::vector<uint8_t> data(0x200);
  if (!words.empty()) std::memcpy(data.data(), words.data(), words.size() * sizeof(uint64_t));
  std::copy(table.begin(), table.end(), data.begin() + 0x100);
  return ElfBuilder(ET_DYN)
      .Headers(0)
      .Load(0x1000, Bytes(0x40), 0x40, PF_R | PF_X)
      .Load(0x2000, data, 0x1000, PF_R | PF_W)
      .Segment(PT_DYNAMIC, Dynamic(dynamic))
      .Entry(0x1000)
      .Build();
}

std::vector<uint8_t> Concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A pie with one RELA table of (relas) (each from Rela()).
std::vector<uint8_t> PieWithRela(std::vector<uint8_t> relas) {
  const uint64_t size = relas.size();
  return Pie({0, 0, 0x5555}, relas, {{DT_RELA, 0x2100}, {DT_RELASZ, size}, {DT_RELAENT, 24}});
}

TEST(ElfLoaderTest, CopiesSegmentsAndZeroesBss) {
  ElfImage image = MustParse(StaticExec());
  GuestMemory memory = MustCreate();
  // Dirty the bss first: the loader must zero it, not rely on fresh memory.
  ASSERT_TRUE(memory.WriteBytes(0x403030, std::vector<uint8_t>(0x1000, 0xff)).ok());
  ASSERT_TRUE(LoadElf(image, 0, memory, Relocate::kNo).ok());

  absl::StatusOr<std::span<uint8_t>> header = memory.Span(0x400000, 4);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(std::memcmp(header->data(), ELFMAG, SELFMAG), 0);
  absl::StatusOr<std::span<uint8_t>> text = memory.Span(0x401000, 0x80);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(std::vector<uint8_t>(text->begin(), text->end()), Bytes(0x80, 0x10));
  absl::StatusOr<std::span<uint8_t>> data = memory.Span(0x403010, 0x20);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(std::vector<uint8_t>(data->begin(), data->end()), Bytes(0x20, 0x80));
  EXPECT_TRUE(AllZero(memory, 0x403030, 0x2000 - 0x20));
}

TEST(ElfLoaderTest, ExecNeedsZeroBias) {
  ElfImage image = MustParse(StaticExec());
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, 0x1000, memory, Relocate::kNo), StatusCode::kInvalidArgument,
                       "ET_EXEC must load at its link address, not with bias 0x1000"));
}

TEST(ElfLoaderTest, BiasMustBePageAligned) {
  ElfImage image = MustParse(PieWithRela({}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias + 8, memory, Relocate::kYes),
                       StatusCode::kInvalidArgument, "load bias 0x400008 is not page-aligned"));
}

TEST(ElfLoaderTest, AppliesRelativeRelocationsAtBias) {
  ElfImage image = MustParse(PieWithRela(
      Concat({Rela(0x2000, R_X86_64_RELATIVE, 0x1010), Rela(0x2008, R_X86_64_RELATIVE, 0x2040),
              Rela(0x2010, R_X86_64_NONE, 0x7777)})));
  GuestMemory memory = MustCreate();
  ASSERT_TRUE(LoadElf(image, kBias, memory, Relocate::kYes).ok());
  EXPECT_EQ(Word(memory, kBias + 0x2000), kBias + 0x1010);
  EXPECT_EQ(Word(memory, kBias + 0x2008), kBias + 0x2040);
  EXPECT_EQ(Word(memory, kBias + 0x2010), 0x5555u);  // R_X86_64_NONE: untouched
  absl::StatusOr<std::span<uint8_t>> text = memory.Span(kBias + 0x1000, 0x40);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(std::vector<uint8_t>(text->begin(), text->end()), Bytes(0x40));
}

TEST(ElfLoaderTest, RelocateNoLeavesPlacesAlone) {
  ElfImage image = MustParse(PieWithRela(Rela(0x2000, R_X86_64_RELATIVE, 0x1010)));
  GuestMemory memory = MustCreate();
  ASSERT_TRUE(LoadElf(image, kBias, memory, Relocate::kNo).ok());
  EXPECT_EQ(Word(memory, kBias + 0x2000), 0u);
}

TEST(ElfLoaderTest, AppliesRelrRelocations) {
  // An address entry for 0x2000, then a bitmap for 0x2008 (bit 0) and
  // 0x2018 (bit 2); 0x2010 (bit 1 clear) stays as it is.
  const std::vector<uint8_t> relr = Concat({AsBytes(uint64_t{0x2000}), AsBytes(uint64_t{0xb})});
  ElfImage image = MustParse(Pie({0x1111, 0x2222, 0x4444, 0x3333}, relr,
                                 {{DT_RELR, 0x2100}, {DT_RELRSZ, 16}, {DT_RELRENT, 8}}));
  GuestMemory memory = MustCreate();
  ASSERT_TRUE(LoadElf(image, kBias, memory, Relocate::kYes).ok());
  EXPECT_EQ(Word(memory, kBias + 0x2000), kBias + 0x1111);
  EXPECT_EQ(Word(memory, kBias + 0x2008), kBias + 0x2222);
  EXPECT_EQ(Word(memory, kBias + 0x2010), 0x4444u);
  EXPECT_EQ(Word(memory, kBias + 0x2018), kBias + 0x3333);
}

TEST(ElfLoaderTest, RelrBitmapFirstIsRejected) {
  ElfImage image = MustParse(
      Pie({}, AsBytes(uint64_t{0xb}), {{DT_RELR, 0x2100}, {DT_RELRSZ, 8}, {DT_RELRENT, 8}}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes), StatusCode::kInvalidArgument,
                       "DT_RELR starts with a bitmap"));
}

TEST(ElfLoaderTest, UnsupportedRelocationTypeWritesNothing) {
  ElfImage image = MustParse(
      PieWithRela(Concat({Rela(0x2000, R_X86_64_RELATIVE, 0x1010), Rela(0x2008, R_X86_64_64, 0)})));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes), StatusCode::kUnimplemented,
                       "ELF /tmp/x: R_X86_64_64 at offset 0x2008 is not supported"));
  EXPECT_TRUE(AllZero(memory, kBias, 0x3000));
}

TEST(ElfLoaderTest, JmprelIreativeIsUnsupported) {
  ElfImage image = MustParse(Pie({}, Rela(0x2000, R_X86_64_IRELATIVE, 0x1000),
                                 {{DT_JMPREL, 0x2100}, {DT_PLTRELSZ, 24}, {DT_PLTREL, DT_RELA}}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes), StatusCode::kUnimplemented,
                       "R_X86_64_IRELATIVE at offset 0x2000"));
}

TEST(ElfLoaderTest, RelocationOutsideImage) {
  for (uint64_t place : {uint64_t{0x9000}, uint64_t{0x2ffc}, ~uint64_t{0}}) {
    ElfImage image = MustParse(PieWithRela(Rela(place, R_X86_64_RELATIVE, 0)));
    GuestMemory memory = MustCreate();
    EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes),
                         StatusCode::kInvalidArgument, "is outside the loaded image"))
        << place;
    EXPECT_TRUE(AllZero(memory, kBias, 0x3000));
  }
}

TEST(ElfLoaderTest, RelaTableMustBeInTheFile) {
  // 0x2800 is in the data segment's bss: there are no file bytes behind it.
  ElfImage image = MustParse(Pie({}, {}, {{DT_RELA, 0x2800}, {DT_RELASZ, 24}, {DT_RELAENT, 24}}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes), StatusCode::kInvalidArgument,
                       "DT_RELA table [0x2800, +0x18) is not in the file-backed part"));
}

TEST(ElfLoaderTest, BadRelaEntrySize) {
  ElfImage image = MustParse(Pie({}, {}, {{DT_RELA, 0x2100}, {DT_RELASZ, 48}, {DT_RELAENT, 16}}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes), StatusCode::kInvalidArgument,
                       "entries of 16 bytes, want 24"));
}

TEST(ElfLoaderTest, DtRelIsUnsupported) {
  ElfImage image = MustParse(Pie({}, {}, {{DT_REL, 0x2100}, {DT_RELSZ, 16}}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, kBias, memory, Relocate::kYes), StatusCode::kUnimplemented,
                       "DT_REL"));
}

TEST(ElfLoaderTest, TooLargeForMemoryWritesNothing) {
  ElfImage image = MustParse(StaticExec(/*data_memsz=*/32ull << 20));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, 0, memory, Relocate::kNo), StatusCode::kOutOfRange,
                       "ELF /tmp/x: segment [0x403010, +0x2000000) does not fit in guest memory "
                       "[0x1000, 0x1000000) (16 MiB)"));
  EXPECT_TRUE(AllZero(memory, 0x400000, 0x2000));
}

TEST(ElfLoaderTest, NullPageIsRejected) {
  ElfImage image = MustParse(PieWithRela({}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, 0, memory, Relocate::kNo), StatusCode::kOutOfRange,
                       "segment [0x0, +0x1000) does not fit"));
}

TEST(ElfLoaderTest, BeyondEndIsRejected) {
  ElfImage image = MustParse(
      ElfBuilder(ET_EXEC).Load(0xfff000, Bytes(16), 0x2000, PF_R | PF_X).Entry(0xfff000).Build());
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, 0, memory, Relocate::kNo), StatusCode::kOutOfRange,
                       "segment [0xfff000, +0x2000) does not fit"));
}

TEST(ElfLoaderTest, BiasThatWrapsIsRejected) {
  ElfImage image = MustParse(PieWithRela({}));
  GuestMemory memory = MustCreate();
  EXPECT_TRUE(HasError(LoadElf(image, ~uint64_t{0xfff}, memory, Relocate::kNo),
                       StatusCode::kOutOfRange, "does not fit in guest memory"));
}

// Hostile input in bulk: corrupt valid images at random (mostly in the
// headers, where every byte matters) and run everything on them. Whatever
// ParseElf accepts must load or fail cleanly; under HV_SANITIZE this also
// proves no out-of-bounds access.
TEST(ElfLoaderTest, RandomCorruptionIsHandled) {
  const std::vector<uint8_t> seeds[] = {
      StaticExec(),
      PieWithRela(Concat(
          {Rela(0x2000, R_X86_64_RELATIVE, 0x1010), Rela(0x2008, R_X86_64_RELATIVE, 0x2040)})),
      ElfBuilder(ET_EXEC)
          .Headers(0x400000)
          .Load(0x401000, Bytes(0x80), 0x80, PF_R | PF_X)
          .Segment(PT_NOTE, testing::HvrunNote(HV_ABI_VERSION))
          .Entry(0x401000)
          .Symbol("main", 0x401000, 0x40)
          .Build(),
  };
  GuestMemory memory = MustCreate();
  std::mt19937_64 rng(42);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> elf = seeds[round % 3];
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      // Three times in four, hit the ELF header and program headers.
      const uint64_t limit = rng() % 4 != 0 ? 0x200 : elf.size();
      elf[rng() % limit] = static_cast<uint8_t>(rng());
    }
    if (rng() % 8 == 0) elf.resize(rng() % elf.size());
    absl::StatusOr<ElfImage> image = ParseElf("/fuzz", std::move(elf));
    if (!image.ok()) {
      EXPECT_NE(image.status().code(), StatusCode::kUnknown) << image.status();
      continue;
    }
    ++accepted;
    const uint64_t bias = image->kind == ElfKind::kPie ? kBias : 0;
    (void)LoadElf(*image, bias, memory, Relocate::kYes);
    (void)ElfSymbols::FromImage(*image).Lookup(image->entry);
  }
  EXPECT_GT(accepted, 0);  // some corruptions hit bytes that do not matter
}

TEST(ElfLoaderTest, LoadsBusybox) {
  if (access("/bin/busybox", R_OK) != 0) GTEST_SKIP() << "no /bin/busybox";
  absl::StatusOr<ElfImage> image = ReadElfFile("/bin/busybox");
  ASSERT_TRUE(image.ok()) << image.status();
  const uint64_t bias = image->kind == ElfKind::kPie ? kBias - image->min_vaddr : 0;
  GuestMemory memory = MustCreate();
  ASSERT_TRUE(LoadElf(*image, bias, memory, Relocate::kNo).ok());
  const ElfSegment& first = image->segments.front();
  absl::StatusOr<std::span<uint8_t>> bytes = memory.Span(first.vaddr + bias, first.filesz);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::memcmp(bytes->data(), image->bytes.data() + first.offset, first.filesz), 0);
}

}  // namespace
}  // namespace hvrun
