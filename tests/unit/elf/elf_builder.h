// File: elf_builder.h
//
// ElfBuilder assembles small x86-64 ELF files in memory for the ELF unit
// tests, so they need no compiler and no files. The layout is fixed and
// simple: the ELF header and program header table fill the first page of the
// file; each segment's bytes follow, PT_LOADs at file offsets congruent to
// their vaddr modulo 4096; a .symtab, if any, and the section headers come
// last. Tests then break the result with Patch() to check one fault at a time,
// and check the outcome with HasError().
//
// Example:
//   std::vector<uint8_t> elf = ElfBuilder(ET_EXEC)
//                                  .Headers(0x400000)
//                                  .Load(0x401000, Bytes(0x80, 0xcc), 0x80, PF_R | PF_X)
//                                  .Entry(0x401000)
//                                  .Build();
//   Patch<Elf64_Ehdr>(elf, 0, [](Elf64_Ehdr& eh) { eh.e_machine = EM_AARCH64; });
#ifndef TESTS_UNIT_ELF_ELF_BUILDER_H_
#define TESTS_UNIT_ELF_ELF_BUILDER_H_

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "hv/abi.h"

namespace hvrun::testing {

inline constexpr uint64_t kHeaderBytes = 0x1000;  // ELF header + program headers

// Succeeds if (status) has (code) and its message contains (substr).
// Use: EXPECT_TRUE(HasError(ParseElf(...).status(), kInvalidArgument, "magic"));
inline ::testing::AssertionResult HasError(const absl::Status& status, absl::StatusCode code,
                                           absl::string_view substr) {
  if (status.code() == code && absl::StrContains(status.message(), substr)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << status << "; want code " << absl::StatusCodeToString(code)
         << " and a message containing \"" << substr << "\"";
}

// (n) bytes counting up from (first), so copies are easy to recognize.
inline std::vector<uint8_t> Bytes(size_t n, uint8_t first = 1) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(first + i);
  return out;
}

// The raw bytes of (value).
template <typename T>
std::vector<uint8_t> AsBytes(const T& value) {
  std::vector<uint8_t> out(sizeof(T));
  std::memcpy(out.data(), &value, sizeof(T));
  return out;
}

// Copies a T out of (bytes) at (offset), lets (fn) change it, writes it back.
template <typename T, typename Fn>
void Patch(std::vector<uint8_t>& bytes, uint64_t offset, Fn fn) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  fn(value);
  std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

// Patches program header (i) of an image built by ElfBuilder.
template <typename Fn>
void PatchPhdr(std::vector<uint8_t>& bytes, int i, Fn fn) {
  Patch<Elf64_Phdr>(bytes, sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), fn);
}

// One ELF note, its name and descriptor each padded to (align) bytes (4, or
// 8 in an 8-aligned PT_NOTE).
inline std::vector<uint8_t> Note(const std::string& name, uint32_t type,
                                 const std::vector<uint8_t>& desc, size_t align = 4) {
  Elf64_Nhdr nh{.n_namesz = static_cast<uint32_t>(name.size() + 1),
                .n_descsz = static_cast<uint32_t>(desc.size()),
                .n_type = type};
  std::vector<uint8_t> out = AsBytes(nh);
  out.insert(out.end(), name.begin(), name.end());
  out.resize((out.size() + 1 + align - 1) & ~(align - 1));  // NUL, then padding
  out.insert(out.end(), desc.begin(), desc.end());
  out.resize((out.size() + align - 1) & ~(align - 1));
  return out;
}

// The hvrun ABI note of a runtime image.
inline std::vector<uint8_t> HvrunNote(uint32_t abi_version) {
  return Note(HV_NOTE_NAME, HV_NOTE_TYPE_ABI, AsBytes(hv_runtime_note{abi_version, 0}));
}

// A dynamic section: (tag, value) pairs, then DT_NULL.
inline std::vector<uint8_t> Dynamic(const std::vector<std::pair<int64_t, uint64_t>>& entries) {
  std::vector<uint8_t> out;
  for (auto [tag, val] : entries) {
    const std::vector<uint8_t> d = AsBytes(Elf64_Dyn{.d_tag = tag, .d_un = {.d_val = val}});
    out.insert(out.end(), d.begin(), d.end());
  }
  const std::vector<uint8_t> end = AsBytes(Elf64_Dyn{.d_tag = DT_NULL, .d_un = {.d_val = 0}});
  out.insert(out.end(), end.begin(), end.end());
  return out;
}

// One Elf64_Rela.
inline std::vector<uint8_t> Rela(uint64_t offset, uint32_t type, int64_t addend) {
  return AsBytes(
      Elf64_Rela{.r_offset = offset, .r_info = ELF64_R_INFO(0, type), .r_addend = addend});
}

class ElfBuilder {
 public:
  explicit ElfBuilder(uint16_t type = ET_EXEC) : type_(type) {}

  ElfBuilder& Entry(uint64_t entry) {
    entry_ = entry;
    return *this;
  }

  // Maps the header page (file [0, kHeaderBytes)) read-only at (vaddr), as
  // the first PT_LOAD, preceded by a PT_PHDR when (pt_phdr).
  ElfBuilder& Headers(uint64_t vaddr, bool pt_phdr = true) {
    if (pt_phdr) {
      segments_.push_back({.phdr = {.p_type = PT_PHDR,
                                    .p_flags = PF_R,
                                    .p_offset = sizeof(Elf64_Ehdr),
                                    .p_vaddr = vaddr + sizeof(Elf64_Ehdr),
                                    .p_align = 8},
                           .is_phdr_table = true});
    }
    segments_.push_back({.phdr = {.p_type = PT_LOAD,
                                  .p_flags = PF_R,
                                  .p_offset = 0,
                                  .p_vaddr = vaddr,
                                  .p_filesz = kHeaderBytes,
                                  .p_memsz = kHeaderBytes,
                                  .p_align = 0x1000},
                         .is_header_page = true});
    return *this;
  }

  // Adds a PT_LOAD at (vaddr) holding (contents), (memsz) bytes in memory.
  ElfBuilder& Load(uint64_t vaddr, std::vector<uint8_t> contents, uint64_t memsz, uint32_t flags) {
    segments_.push_back({.phdr = {.p_type = PT_LOAD,
                                  .p_flags = flags,
                                  .p_vaddr = vaddr,
                                  .p_filesz = contents.size(),
                                  .p_memsz = memsz,
                                  .p_align = 0x1000},
                         .contents = std::move(contents)});
    return *this;
  }

  // Adds a segment of another type (PT_NOTE, PT_INTERP, PT_DYNAMIC, ...)
  // whose (contents) are stored in the file.
  ElfBuilder& Segment(uint32_t type, std::vector<uint8_t> contents, uint64_t vaddr = 0) {
    segments_.push_back({.phdr = {.p_type = type,
                                  .p_flags = PF_R,
                                  .p_vaddr = vaddr,
                                  .p_filesz = contents.size(),
                                  .p_memsz = contents.size(),
                                  .p_align = type == PT_NOTE ? 4u : 8u},
                         .contents = std::move(contents)});
    return *this;
  }

  // Adds a defined symbol to .symtab (created on first use).
  ElfBuilder& Symbol(const std::string& name, uint64_t value, uint64_t size,
                     uint8_t type = STT_FUNC) {
    symbols_.push_back({name, value, size, type});
    return *this;
  }

  std::vector<uint8_t> Build() const {
    std::vector<uint8_t> out(kHeaderBytes);
    std::vector<Elf64_Phdr> phdrs;
    for (const Seg& seg : segments_) {
      Elf64_Phdr ph = seg.phdr;
      if (seg.is_phdr_table) {
        ph.p_filesz = ph.p_memsz = segments_.size() * sizeof(Elf64_Phdr);
      } else if (!seg.is_header_page) {
        uint64_t off = out.size();
        if (ph.p_type == PT_LOAD) {
          off += (ph.p_vaddr - off) & 0xfff;  // congruent to vaddr mod 4096
        } else {
          off = (off + 7) & ~uint64_t{7};
        }
        ph.p_offset = off;
        out.resize(off);
        out.insert(out.end(), seg.contents.begin(), seg.contents.end());
      }
      phdrs.push_back(ph);
    }
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh.e_type = type_;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry_;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(phdrs.size());
    eh.e_shentsize = sizeof(Elf64_Shdr);
    if (!symbols_.empty()) AddSymtab(out, eh);
    std::memcpy(out.data(), &eh, sizeof(eh));
    std::memcpy(out.data() + sizeof(eh), phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr));
    return out;
  }

 private:
  struct Seg {
    Elf64_Phdr phdr{};
    std::vector<uint8_t> contents;
    bool is_header_page = false;  // file [0, kHeaderBytes)
    bool is_phdr_table = false;   // PT_PHDR
  };
  struct Sym {
    std::string name;
    uint64_t value, size;
    uint8_t type;
  };

  // Appends .strtab, .symtab and the section headers
  // [null, .symtab, .strtab] to (out), and points (eh) at them.
  void AddSymtab(std::vector<uint8_t>& out, Elf64_Ehdr& eh) const {
    std::vector<uint8_t> strtab(1, 0);
    std::vector<uint8_t> symtab(sizeof(Elf64_Sym), 0);  // symbol 0 is null
    for (const Sym& s : symbols_) {
      Elf64_Sym sym{.st_name = static_cast<uint32_t>(strtab.size()),
                    .st_info = ELF64_ST_INFO(STB_GLOBAL, s.type),
                    .st_shndx = 1,  // any defined section
                    .st_value = s.value,
                    .st_size = s.size};
      strtab.insert(strtab.end(), s.name.begin(), s.name.end());
      strtab.push_back(0);
      const std::vector<uint8_t> b = AsBytes(sym);
      symtab.insert(symtab.end(), b.begin(), b.end());
    }
    const auto append = [&out](const std::vector<uint8_t>& b) {
      out.resize((out.size() + 7) & ~size_t{7});
      const uint64_t off = out.size();
      out.insert(out.end(), b.begin(), b.end());
      return off;
    };
    const uint64_t str_off = append(strtab);
    const uint64_t sym_off = append(symtab);
    const Elf64_Shdr shdrs[3] = {
        {},
        {.sh_type = SHT_SYMTAB,
         .sh_offset = sym_off,
         .sh_size = symtab.size(),
         .sh_link = 2,
         .sh_info = 1,
         .sh_addralign = 8,
         .sh_entsize = sizeof(Elf64_Sym)},
        {.sh_type = SHT_STRTAB, .sh_offset = str_off, .sh_size = strtab.size(), .sh_addralign = 1},
    };
    eh.e_shoff = append(std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(shdrs),
                                             reinterpret_cast<const uint8_t*>(shdrs + 3)));
    eh.e_shnum = 3;
  }

  uint16_t type_;
  uint64_t entry_ = 0;
  std::vector<Seg> segments_;
  std::vector<Sym> symbols_;
};

}  // namespace hvrun::testing

#endif  // TESTS_UNIT_ELF_ELF_BUILDER_H_
