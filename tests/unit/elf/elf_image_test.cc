// File: elf_image_test.cc
#include "hvrun/elf/elf_image.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/elf/elf_builder.h"

namespace hvrun {
namespace {

using ::absl::StatusCode;
using testing::Bytes;
using testing::ElfBuilder;
using testing::HasError;
using testing::Note;
using testing::Patch;
using testing::PatchPhdr;

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// Program headers: 0 PT_PHDR, 1 header page, 2 text, 3 data + bss.
std::vector<uint8_t> StaticExec() {
  return ElfBuilder(ET_EXEC)
      .Headers(0x400000)
      .Load(0x401000, Bytes(0x80, 0x10), 0x80, PF_R | PF_X)
      .Load(0x403010, Bytes(0x20, 0x80), 0x2000, PF_R | PF_W)
      .Entry(0x401010)
      .Build();
}

absl::StatusOr<ElfImage> Parse(std::vector<uint8_t> bytes) {
  return ParseElf("/tmp/x", std::move(bytes));
}

TEST(ElfImageTest, StaticExec) {
  absl::StatusOr<ElfImage> image = Parse(StaticExec());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->path, "/tmp/x");
  EXPECT_EQ(image->kind, ElfKind::kExec);
  EXPECT_EQ(image->entry, 0x401010u);
  EXPECT_EQ(image->phnum, 4);
  EXPECT_EQ(image->phentsize, sizeof(Elf64_Phdr));
  EXPECT_EQ(image->phoff, sizeof(Elf64_Ehdr));
  EXPECT_EQ(image->phdr_vaddr, 0x400040u);
  EXPECT_EQ(image->min_vaddr, 0x400000u);
  EXPECT_EQ(image->max_vaddr, 0x406000u);  // 0x403010 + 0x2000, rounded up
  ASSERT_EQ(image->segments.size(), 3u);
  EXPECT_EQ(image->segments[2].vaddr, 0x403010u);
  EXPECT_EQ(image->segments[2].filesz, 0x20u);
  EXPECT_EQ(image->segments[2].memsz, 0x2000u);
  EXPECT_EQ(image->segments[2].offset % 0x1000, 0x10u);
  EXPECT_EQ(image->segments[2].flags, uint32_t{PF_R | PF_W});
  EXPECT_FALSE(image->has_dynamic);
  EXPECT_FALSE(image->hvrun_note.has_value());
}

TEST(ElfImageTest, PhdrFromCoveringLoadWithoutPtPhdr) {
  absl::StatusOr<ElfImage> image = Parse(ElfBuilder(ET_EXEC)
                                             .Headers(0x400000, /*pt_phdr=*/false)
                                             .Load(0x401000, Bytes(16), 16, PF_R | PF_X)
                                             .Entry(0x401000)
                                             .Build());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->phdr_vaddr, 0x400040u);
}

TEST(ElfImageTest, PhdrNotLoadedIsZero) {
  absl::StatusOr<ElfImage> image =
      Parse(ElfBuilder(ET_EXEC).Load(0x401000, Bytes(16), 16, PF_R | PF_X).Entry(0x401000).Build());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->phdr_vaddr, 0u);
}

TEST(ElfImageTest, StaticPie) {
  absl::StatusOr<ElfImage> image = Parse(ElfBuilder(ET_DYN)
                                             .Headers(0)
                                             .Load(0x1000, Bytes(0x40), 0x40, PF_R | PF_X)
                                             .Segment(PT_DYNAMIC, testing::Dynamic({}))
                                             .Entry(0x1000)
                                             .Build());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->kind, ElfKind::kPie);
  EXPECT_TRUE(image->has_dynamic);
  EXPECT_EQ(image->min_vaddr, 0u);
  EXPECT_EQ(image->max_vaddr, 0x2000u);
  EXPECT_EQ(image->phdr_vaddr, 0x40u);
}

TEST(ElfImageTest, HvrunNoteAfterOtherNotes) {
  std::vector<uint8_t> notes = Note("GNU", NT_GNU_BUILD_ID, Bytes(20));
  const std::vector<uint8_t> ours = testing::HvrunNote(HV_ABI_VERSION);
  notes.insert(notes.end(), ours.begin(), ours.end());
  absl::StatusOr<ElfImage> image = Parse(ElfBuilder(ET_DYN)
                                             .Headers(0)
                                             .Load(0x1000, Bytes(0x40), 0x40, PF_R | PF_X)
                                             .Segment(PT_NOTE, notes)
                                             .Entry(0x1000)
                                             .Build());
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_TRUE(image->hvrun_note.has_value());
  EXPECT_EQ(image->hvrun_note->abi_version, uint32_t{HV_ABI_VERSION});
  EXPECT_EQ(image->hvrun_note->flags, 0u);
}

TEST(ElfImageTest, XenPvhEntryNoteIsReadBesideTheHvrunNote) {
  std::vector<uint8_t> notes = testing::HvrunNote(HV_ABI_VERSION);
  const std::vector<uint8_t> xen = Note("Xen", 18, testing::AsBytes(uint32_t{0x1234}));
  notes.insert(notes.end(), xen.begin(), xen.end());
  absl::StatusOr<ElfImage> image = Parse(ElfBuilder(ET_DYN)
                                             .Headers(0)
                                             .Load(0x1000, Bytes(0x40), 0x40, PF_R | PF_X)
                                             .Segment(PT_NOTE, notes)
                                             .Entry(0x1000)
                                             .Build());
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_TRUE(image->hvrun_note.has_value());
  ASSERT_TRUE(image->pvh_entry.has_value());
  EXPECT_EQ(*image->pvh_entry, 0x1234u);
}

TEST(ElfImageTest, XenPvhEntryNoteWithAnOddSizeIsRejected) {
  const std::vector<uint8_t> xen = Note("Xen", 18, Bytes(3));
  absl::StatusOr<ElfImage> image = Parse(ElfBuilder(ET_DYN)
                                             .Headers(0)
                                             .Load(0x1000, Bytes(0x40), 0x40, PF_R | PF_X)
                                             .Segment(PT_NOTE, xen)
                                             .Entry(0x1000)
                                             .Build());
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("Xen PVH entry note"), std::string::npos)
      << image.status();
}

TEST(ElfImageTest, HvrunNoteInEightAlignedSegment) {
  // Like glibc's .note.gnu.property: 8-aligned, so the descriptor of a note
  // with a 4-byte name starts 4 bytes after the name, not 0.
  std::vector<uint8_t> notes = Note("GNU", NT_GNU_PROPERTY_TYPE_0, Bytes(16), 8);
  const std::vector<uint8_t> ours =
      Note(HV_NOTE_NAME, HV_NOTE_TYPE_ABI, testing::AsBytes(hv_runtime_note{7, 0}), 8);
  notes.insert(notes.end(), ours.begin(), ours.end());
  std::vector<uint8_t> elf = ElfBuilder(ET_EXEC)
                                 .Load(0x401000, Bytes(16), 16, PF_R | PF_X)
                                 .Segment(PT_NOTE, notes)
                                 .Entry(0x401000)
                                 .Build();
  PatchPhdr(elf, 1, [](Elf64_Phdr& p) { p.p_align = 8; });
  absl::StatusOr<ElfImage> image = Parse(elf);
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_TRUE(image->hvrun_note.has_value());
  EXPECT_EQ(image->hvrun_note->abi_version, 7u);
}

TEST(ElfImageTest, OtherNoteTypeOrNameIsIgnored) {
  std::vector<uint8_t> notes = Note("hvrun", 1, Bytes(8));
  const std::vector<uint8_t> other = Note("hvrunx", HV_NOTE_TYPE_ABI, Bytes(8));
  notes.insert(notes.end(), other.begin(), other.end());
  absl::StatusOr<ElfImage> image = Parse(ElfBuilder(ET_EXEC)
                                             .Load(0x401000, Bytes(16), 16, PF_R | PF_X)
                                             .Segment(PT_NOTE, notes)
                                             .Entry(0x401000)
                                             .Build());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_FALSE(image->hvrun_note.has_value());
}

TEST(ElfImageTest, ZeroSizeLoadIsSkipped) {
  std::vector<uint8_t> elf = StaticExec();
  PatchPhdr(elf, 3, [](Elf64_Phdr& ph) { ph.p_filesz = ph.p_memsz = 0; });
  absl::StatusOr<ElfImage> image = Parse(elf);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->segments.size(), 2u);
  EXPECT_EQ(image->max_vaddr, 0x402000u);
}

// One way to break a valid image, and what ParseElf must say about it.
struct Broken {
  std::string name;
  std::function<std::vector<uint8_t>()> make;
  StatusCode code;
  std::string message;
};
void PrintTo(const Broken& b, std::ostream* os) { *os << b.name; }

std::vector<uint8_t> Ehdr(std::function<void(Elf64_Ehdr&)> fn) {
  std::vector<uint8_t> elf = StaticExec();
  Patch<Elf64_Ehdr>(elf, 0, fn);
  return elf;
}
std::vector<uint8_t> Phdr(int i, std::function<void(Elf64_Phdr&)> fn) {
  std::vector<uint8_t> elf = StaticExec();
  PatchPhdr(elf, i, fn);
  return elf;
}
std::vector<uint8_t> WithSegment(uint16_t type, uint32_t seg_type, std::vector<uint8_t> contents) {
  return ElfBuilder(type)
      .Headers(type == ET_DYN ? 0 : 0x400000)
      .Segment(seg_type, std::move(contents))
      .Load(type == ET_DYN ? 0x1000 : 0x401000, Bytes(16), 16, PF_R | PF_X)
      .Entry(type == ET_DYN ? 0x1000 : 0x401000)
      .Build();
}
std::vector<uint8_t> Interp(const std::string& s) {
  return std::vector<uint8_t>(s.c_str(), s.c_str() + s.size() + 1);
}

class ElfImageBrokenTest : public ::testing::TestWithParam<Broken> {};

TEST_P(ElfImageBrokenTest, IsRejected) {
  EXPECT_TRUE(HasError(Parse(GetParam().make()).status(), GetParam().code, GetParam().message));
}

const StatusCode kInvalid = StatusCode::kInvalidArgument;
INSTANTIATE_TEST_SUITE_P(
    Hostile, ElfImageBrokenTest,
    ::testing::Values(
        Broken{"Empty", [] { return std::vector<uint8_t>(); }, kInvalid,
               "not an ELF file (bad magic)"},
        Broken{"TruncatedHeader",
               [] {
                 std::vector<uint8_t> elf = StaticExec();
                 elf.resize(40);
                 return elf;
               },
               kInvalid, "too small"},
        Broken{"TruncatedPhdrs",
               [] {
                 std::vector<uint8_t> elf = StaticExec();
                 elf.resize(sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr));
                 return elf;
               },
               kInvalid, "program header table [0x40, +0xe0) is outside the file (176 bytes)"},
        Broken{"BadMagic", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_ident[EI_MAG1] = 'X'; }); },
               kInvalid, "ELF /tmp/x: not an ELF file (bad magic)"},
        Broken{"Class32",
               [] { return Ehdr([](Elf64_Ehdr& e) { e.e_ident[EI_CLASS] = ELFCLASS32; }); },
               kInvalid, "EI_CLASS 1 is not ELFCLASS64"},
        Broken{"BigEndian",
               [] { return Ehdr([](Elf64_Ehdr& e) { e.e_ident[EI_DATA] = ELFDATA2MSB; }); },
               kInvalid, "EI_DATA 2 is not little-endian"},
        Broken{"BadVersion", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_version = 2; }); }, kInvalid,
               "is not EV_CURRENT"},
        Broken{"FreeBsdAbi",
               [] { return Ehdr([](Elf64_Ehdr& e) { e.e_ident[EI_OSABI] = ELFOSABI_FREEBSD; }); },
               kInvalid, "EI_OSABI 9"},
        Broken{"Aarch64", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_machine = EM_AARCH64; }); },
               kInvalid, "ELF /tmp/x: e_machine 183 is not x86-64 (62)"},
        Broken{"EtRel", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_type = ET_REL; }); }, kInvalid,
               "e_type 1 (ET_REL, a relocatable object) is not an executable"},
        Broken{"EtCore", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_type = ET_CORE; }); }, kInvalid,
               "e_type 4 (ET_CORE, a core dump)"},
        Broken{"BadPhentsize", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_phentsize = 32; }); },
               kInvalid, "e_phentsize 32 is not sizeof(Elf64_Phdr) (56)"},
        Broken{"NoPhdrs", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_phnum = 0; }); }, kInvalid,
               "no program headers"},
        Broken{"TooManyPhdrs", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_phnum = 1000; }); },
               kInvalid, "e_phnum 1000 exceeds the limit of 256"},
        Broken{"PhoffBeyondFile",
               [] { return Ehdr([](Elf64_Ehdr& e) { e.e_phoff = 1ull << 40; }); }, kInvalid,
               "program header table [0x10000000000, +0xe0) is outside the file"},
        Broken{"PhoffWraps", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_phoff = kMax - 8; }); },
               kInvalid, "is outside the file"},
        Broken{"FileszAboveMemsz",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_filesz = 0x3000; }); }, kInvalid,
               "PT_LOAD 3: p_filesz 0x3000 exceeds p_memsz 0x2000"},
        Broken{"OffsetBeyondFile",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_offset = 0x100010; }); }, kInvalid,
               "PT_LOAD 3: file range [0x100010, +0x20) is outside the file"},
        Broken{"OffsetWraps",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_offset = kMax - 0xf; }); }, kInvalid,
               "is outside the file"},
        Broken{"VaddrMemszOverflow",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_vaddr = 0xfffffffffffff010; }); },
               kInvalid, "PT_LOAD 3: p_vaddr 0xfffffffffffff010 + p_memsz 0x2000 overflows"},
        Broken{"AboveUserSpace",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_vaddr = 0x7ffffffff010; }); }, kInvalid,
               "ends above the 47-bit user address space"},
        Broken{"AlignNotPowerOfTwo",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_align = 0x3000; }); }, kInvalid,
               "p_align 0x3000 is not a power of two"},
        Broken{"VaddrOffsetIncongruent",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_vaddr = 0x403020; }); }, kInvalid,
               "differ modulo p_align 0x1000"},
        Broken{"OverlappingLoads",
               [] { return Phdr(3, [](Elf64_Phdr& p) { p.p_vaddr = 0x401010; }); }, kInvalid,
               "PT_LOAD [0x401010, +0x2000) overlaps PT_LOAD [0x401000, +0x80)"},
        Broken{"UnsortedLoads", [] { return Phdr(2, [](Elf64_Phdr& p) { p.p_vaddr = 0x405000; }); },
               kInvalid, "not sorted by p_vaddr (0x403010 after 0x405000)"},
        Broken{"EntryOutside", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_entry = 0x500000; }); },
               kInvalid, "entry point 0x500000 is not inside an executable PT_LOAD"},
        Broken{"EntryInData", [] { return Ehdr([](Elf64_Ehdr& e) { e.e_entry = 0x403010; }); },
               kInvalid, "entry point 0x403010"},
        Broken{"NoLoad",
               [] {
                 std::vector<uint8_t> elf = StaticExec();
                 for (int i = 1; i <= 3; ++i)
                   PatchPhdr(elf, i, [](Elf64_Phdr& p) { p.p_type = PT_NULL; });
                 return elf;
               },
               kInvalid, "no PT_LOAD segment"},
        Broken{"PtPhdrOutsideLoads",
               [] { return Phdr(0, [](Elf64_Phdr& p) { p.p_vaddr = 0x900000; }); }, kInvalid,
               "PT_PHDR [0x900000, +0xe0) is not inside the file bytes of any PT_LOAD"},
        Broken{"PtPhdrInBss", [] { return Phdr(0, [](Elf64_Phdr& p) { p.p_vaddr = 0x403100; }); },
               kInvalid, "PT_PHDR [0x403100, +0xe0) is not inside the file bytes"},
        Broken{"DynamicOutsideFile",
               [] {
                 std::vector<uint8_t> elf = WithSegment(ET_DYN, PT_DYNAMIC, testing::Dynamic({}));
                 PatchPhdr(elf, 2, [](Elf64_Phdr& p) { p.p_filesz = 1ull << 32; });
                 return elf;
               },
               kInvalid, "PT_DYNAMIC"},
        Broken{"NoteRunsPast",
               [] {
                 std::vector<uint8_t> note = Note("hvrun", HV_NOTE_TYPE_ABI, Bytes(8));
                 Patch<Elf64_Nhdr>(note, 0, [](Elf64_Nhdr& n) { n.n_descsz = 0xffffffff; });
                 return WithSegment(ET_EXEC, PT_NOTE, note);
               },
               kInvalid, "runs past its PT_NOTE"},
        Broken{
            "HvrunNoteWrongSize",
            [] { return WithSegment(ET_EXEC, PT_NOTE, Note("hvrun", HV_NOTE_TYPE_ABI, Bytes(4))); },
            kInvalid, "hvrun note descriptor is 4 bytes, want 8"},
        Broken{"InterpUnprintableAndUnterminated",
               [] { return WithSegment(ET_EXEC, PT_INTERP, std::vector<uint8_t>(1000, '\n')); },
               kInvalid, "is not one printable NUL-terminated path"},
        Broken{"InterpWithNulInside",
               [] {
                 std::vector<uint8_t> s = Interp("/lib/ld.so");
                 s[4] = 0;
                 return WithSegment(ET_EXEC, PT_INTERP, s);
               },
               kInvalid, "PT_INTERP (interpreter /lib)"},
        Broken{"InterpEmpty",
               [] { return WithSegment(ET_EXEC, PT_INTERP, std::vector<uint8_t>{0}); }, kInvalid,
               "is not one printable NUL-terminated path"},
        Broken{"InterpOutsideFile",
               [] {
                 std::vector<uint8_t> elf = WithSegment(ET_EXEC, PT_INTERP, Interp("/x"));
                 PatchPhdr(elf, 2, [](Elf64_Phdr& p) { p.p_offset = kMax; });
                 return elf;
               },
               kInvalid, "PT_INTERP [0xffffffffffffffff, +0x3) is outside the file"}),
    [](const ::testing::TestParamInfo<Broken>& info) { return info.param.name; });

// Real files on this machine, and file-level failures.

std::string TempPath(const std::string& name) {
  return absl::StrCat(::testing::TempDir(), "/elf_image_test_", getpid(), "_", name);
}

TEST(ElfImageFileTest, ReadsAFile) {
  const std::string path = TempPath("exec");
  const std::vector<uint8_t> bytes = StaticExec();
  FILE* f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  fclose(f);
  absl::StatusOr<ElfImage> image = ReadElfFile(path);
  unlink(path.c_str());
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ(image->path, path);
  EXPECT_EQ(image->bytes, bytes);
}

TEST(ElfImageFileTest, EmptyFile) {
  const std::string path = TempPath("empty");
  FILE* f = fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  fclose(f);
  absl::Status status = ReadElfFile(path).status();
  unlink(path.c_str());
  EXPECT_TRUE(HasError(status, kInvalid, "not an ELF file"));
}

TEST(ElfImageFileTest, TooLargeFileIsNotRead) {
  const std::string path = TempPath("huge");
  int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, kMaxElfFileSize + 1), 0);  // sparse: costs no disk
  close(fd);
  absl::Status status = ReadElfFile(path).status();
  unlink(path.c_str());
  EXPECT_TRUE(HasError(status, kInvalid, "more than the 1024 MiB hvrun reads"));
}

TEST(ElfImageFileTest, Fifo) {
  const std::string path = TempPath("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  absl::Status status = ReadElfFile(path).status();  // must not block
  unlink(path.c_str());
  EXPECT_TRUE(HasError(status, kInvalid, "is not a regular file"));
}

TEST(ElfImageFileTest, Directory) {
  EXPECT_TRUE(HasError(ReadElfFile("/").status(), kInvalid, "/: is a directory"));
}

TEST(ElfImageFileTest, Missing) {
  EXPECT_TRUE(HasError(ReadElfFile("/nonexistent/hvrun-app").status(), StatusCode::kNotFound,
                       "/nonexistent/hvrun-app: no such file"));
}

TEST(ElfImageFileTest, BinTrueIsDynamic) {
  ASSERT_EQ(access("/bin/true", R_OK), 0) << "Debian always has /bin/true";
  absl::StatusOr<ElfImage> image = ReadElfFile("/bin/true");
  ASSERT_TRUE(image.ok()) << image.status();
  ASSERT_TRUE(image->interp.has_value());
  EXPECT_EQ(*image->interp, "/lib64/ld-linux-x86-64.so.2");
  EXPECT_EQ(image->kind, ElfKind::kPie);
}

TEST(ElfImageTest, InterpIsKept) {
  for (uint16_t type : {ET_EXEC, ET_DYN}) {
    absl::StatusOr<ElfImage> image =
        ParseElf("/tmp/x", WithSegment(type, PT_INTERP, Interp("/lib/ld-musl-x86_64.so.1")));
    ASSERT_TRUE(image.ok()) << image.status();
    EXPECT_EQ(image->interp, "/lib/ld-musl-x86_64.so.1");
  }
}

TEST(ElfImageTest, TwoInterpsAreRefused) {
  std::vector<uint8_t> elf = WithSegment(ET_EXEC, PT_INTERP, Interp("/a"));
  PatchPhdr(elf, 1, [](Elf64_Phdr& p) { p.p_type = PT_INTERP; });
  EXPECT_FALSE(ParseElf("/tmp/x", elf).ok());
}

TEST(ElfImageFileTest, BusyboxIsStatic) {
  if (access("/bin/busybox", R_OK) != 0) GTEST_SKIP() << "no /bin/busybox";
  absl::StatusOr<ElfImage> image = ReadElfFile("/bin/busybox");
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_FALSE(image->segments.empty());
  EXPECT_NE(image->phdr_vaddr, 0u);  // AT_PHDR: glibc finds PT_TLS through it
  EXPECT_LT(image->min_vaddr, image->max_vaddr);
  EXPECT_EQ(image->min_vaddr % 4096, 0u);
  EXPECT_FALSE(image->hvrun_note.has_value());
  if (image->kind == ElfKind::kExec) {
    EXPECT_GE(image->min_vaddr, 0x10000u);
  }
}

}  // namespace
}  // namespace hvrun
