// File: elf_loader.cc
#include "hvrun/elf/elf_loader.h"

#include <elf.h>

#include <cstring>
#include <limits>
#include <optional>
#include <span>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "vmm/base/layout.h"

namespace hvrun {
namespace {

using elf_internal::InBounds;
using elf_internal::ReadAt;

std::string SizeText(uint64_t n) {
  if (n % (1ull << 20) == 0) return absl::StrFormat("%d MiB", n >> 20);
  return absl::StrFormat("%d bytes", n);
}

std::string RelocName(uint32_t type) {
  switch (type) {
    case R_X86_64_64:
      return "R_X86_64_64";
    case R_X86_64_COPY:
      return "R_X86_64_COPY";
    case R_X86_64_GLOB_DAT:
      return "R_X86_64_GLOB_DAT";
    case R_X86_64_JUMP_SLOT:
      return "R_X86_64_JUMP_SLOT";
    case R_X86_64_DTPMOD64:
      return "R_X86_64_DTPMOD64";
    case R_X86_64_TPOFF64:
      return "R_X86_64_TPOFF64";
    case R_X86_64_IRELATIVE:
      return "R_X86_64_IRELATIVE";
    default:
      return absl::StrCat("relocation type ", type);
  }
}

// One relocation to apply: *place = bias + addend, or, for a RELR entry
// (no addend), *place += bias. (place) is unbiased.
struct Fixup {
  uint64_t place = 0;
  std::optional<uint64_t> addend;
};

// The relocation tables that an image's PT_DYNAMIC names, located in the
// file's bytes (not guest memory, which a loaded guest could change).
class Relocations {
 public:
  explicit Relocations(const ElfImage& image) : image_(image) {}

  // Reads PT_DYNAMIC and finds the tables; an image without one has none.
  absl::Status Parse();

  // Checks every relocation and calls (fn)(const Fixup&) for each one that
  // must be applied; stops at the first error from either.
  template <typename Fn>
  absl::Status ForEach(Fn fn) const;

 private:
  absl::Status Invalid(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("ELF ", image_.path, ": ", what));
  }
  // The file bytes behind unbiased [vaddr, vaddr+size), if one PT_LOAD's
  // file-backed part holds them all.
  std::optional<std::span<const uint8_t>> FileRange(uint64_t vaddr, uint64_t size) const;
  // Whether the 8 bytes at unbiased (place) are inside one loaded segment.
  bool InImage(uint64_t place) const;
  absl::Status Table(absl::string_view name, uint64_t vaddr, uint64_t size, uint64_t entsize,
                     uint64_t want_entsize, std::span<const uint8_t>* out) const;
  template <typename Fn>
  absl::Status ForEachRela(std::span<const uint8_t> table, Fn& fn) const;
  template <typename Fn>
  absl::Status ForEachRelr(std::span<const uint8_t> table, Fn& fn) const;

  const ElfImage& image_;
  std::span<const uint8_t> rela_, jmprel_, relr_;
};

std::optional<std::span<const uint8_t>> Relocations::FileRange(uint64_t vaddr,
                                                               uint64_t size) const {
  for (const ElfSegment& seg : image_.segments) {
    if (vaddr >= seg.vaddr && InBounds(vaddr - seg.vaddr, size, seg.filesz)) {
      return std::span<const uint8_t>(image_.bytes).subspan(seg.offset + (vaddr - seg.vaddr), size);
    }
  }
  return std::nullopt;
}

bool Relocations::InImage(uint64_t place) const {
  for (const ElfSegment& seg : image_.segments) {
    if (place >= seg.vaddr && InBounds(place - seg.vaddr, sizeof(uint64_t), seg.memsz)) {
      return true;
    }
  }
  return false;
}

absl::Status Relocations::Table(absl::string_view name, uint64_t vaddr, uint64_t size,
                                uint64_t entsize, uint64_t want_entsize,
                                std::span<const uint8_t>* out) const {
  if (size == 0) return absl::OkStatus();
  if (entsize != want_entsize || size % want_entsize != 0) {
    return Invalid(absl::StrFormat("%s table of 0x%x bytes with entries of %d bytes, want %d", name,
                                   size, entsize, want_entsize));
  }
  std::optional<std::span<const uint8_t>> range = FileRange(vaddr, size);
  if (!range.has_value()) {
    return Invalid(
        absl::StrFormat("%s table [0x%x, +0x%x) is not in the file-backed part of "
                        "any PT_LOAD",
                        name, vaddr, size));
  }
  *out = *range;
  return absl::OkStatus();
}

absl::Status Relocations::Parse() {
  std::optional<Elf64_Phdr> dynamic;
  for (uint64_t i = 0; i < image_.phnum; ++i) {
    std::optional<Elf64_Phdr> ph =
        ReadAt<Elf64_Phdr>(image_.bytes, image_.phoff + i * sizeof(Elf64_Phdr));
    if (!ph.has_value()) return Invalid("program header table is outside the file");
    if (ph->p_type == PT_DYNAMIC) dynamic = ph;
  }
  if (!dynamic.has_value()) return absl::OkStatus();
  if (!InBounds(dynamic->p_offset, dynamic->p_filesz, image_.bytes.size())) {
    return Invalid("PT_DYNAMIC is outside the file");
  }
  uint64_t rela = 0, relasz = 0, relaent = sizeof(Elf64_Rela);
  uint64_t jmprel = 0, pltrelsz = 0, pltrel = DT_RELA;
  uint64_t relr = 0, relrsz = 0, relrent = sizeof(Elf64_Relr);
  for (uint64_t off = 0; off + sizeof(Elf64_Dyn) <= dynamic->p_filesz; off += sizeof(Elf64_Dyn)) {
    const Elf64_Dyn d = *ReadAt<Elf64_Dyn>(image_.bytes, dynamic->p_offset + off);
    if (d.d_tag == DT_NULL) break;
    const uint64_t v = d.d_un.d_val;
    switch (d.d_tag) {
      // clang-format off
      case DT_RELA: rela = v; break;
      case DT_RELASZ: relasz = v; break;
      case DT_RELAENT: relaent = v; break;
      case DT_JMPREL: jmprel = v; break;
      case DT_PLTRELSZ: pltrelsz = v; break;
      case DT_PLTREL: pltrel = v; break;
      case DT_RELR: relr = v; break;
      case DT_RELRSZ: relrsz = v; break;
      case DT_RELRENT: relrent = v; break;
      // clang-format on
      case DT_REL:
      case DT_RELSZ:
        // x86-64 always uses RELA; a REL table means a broken toolchain.
        return absl::UnimplementedError(absl::StrCat(
            "ELF ", image_.path, ": has DT_REL relocations; x86-64 images use DT_RELA"));
      default:
        break;
    }
  }
  if (pltrelsz != 0 && pltrel != DT_RELA) {
    return Invalid(absl::StrFormat("DT_PLTREL %d is not DT_RELA (%d)", pltrel, DT_RELA));
  }
  absl::Status s = Table("DT_RELA", rela, relasz, relaent, sizeof(Elf64_Rela), &rela_);
  if (s.ok())
    s = Table("DT_JMPREL", jmprel, pltrelsz, sizeof(Elf64_Rela), sizeof(Elf64_Rela), &jmprel_);
  if (s.ok()) s = Table("DT_RELR", relr, relrsz, relrent, sizeof(Elf64_Relr), &relr_);
  return s;
}

template <typename Fn>
absl::Status Relocations::ForEachRela(std::span<const uint8_t> table, Fn& fn) const {
  for (uint64_t off = 0; off < table.size(); off += sizeof(Elf64_Rela)) {
    const Elf64_Rela r = *ReadAt<Elf64_Rela>(table, off);
    const uint32_t type = ELF64_R_TYPE(r.r_info);
    if (type == R_X86_64_NONE) continue;
    if (type != R_X86_64_RELATIVE) {
      return absl::UnimplementedError(absl::StrFormat(
          "ELF %s: %s at offset 0x%x is not supported; hvrun applies only R_X86_64_RELATIVE",
          image_.path, RelocName(type), r.r_offset));
    }
    if (!InImage(r.r_offset)) {
      return Invalid(absl::StrFormat("R_X86_64_RELATIVE at offset 0x%x is outside the loaded image",
                                     r.r_offset));
    }
    absl::Status s = fn(Fixup{.place = r.r_offset, .addend = static_cast<uint64_t>(r.r_addend)});
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

// DT_RELR (the packed format of `ld -z pack-relative-relocs`): an even entry
// is the address of one place; an odd entry is a bitmap whose bit i (from 1)
// marks the place at base + (i-1)*8, where base follows the last place an
// address entry named and advances by 63 words per bitmap.
template <typename Fn>
absl::Status Relocations::ForEachRelr(std::span<const uint8_t> table, Fn& fn) const {
  std::optional<uint64_t> base;
  const auto one = [&](uint64_t place) -> absl::Status {
    if (!InImage(place)) {
      return Invalid(absl::StrFormat("DT_RELR place 0x%x is outside the loaded image", place));
    }
    return fn(Fixup{.place = place});
  };
  for (uint64_t off = 0; off < table.size(); off += sizeof(Elf64_Relr)) {
    const uint64_t entry = *ReadAt<Elf64_Relr>(table, off);
    if ((entry & 1) == 0) {
      absl::Status s = one(entry);
      if (!s.ok()) return s;
      base = entry + sizeof(uint64_t);  // entry is in the image, so below 2^47
      continue;
    }
    if (!base.has_value()) return Invalid("DT_RELR starts with a bitmap, not an address");
    uint64_t bits = entry >> 1;
    for (uint64_t place = *base; bits != 0; bits >>= 1, place += sizeof(uint64_t)) {
      if ((bits & 1) == 0) continue;
      absl::Status s = one(place);
      if (!s.ok()) return s;
    }
    // At most 2^27 entries (the file is at most 1 GiB) of 504 bytes each,
    // from below 2^47: base cannot overflow.
    *base += 63 * sizeof(uint64_t);
  }
  return absl::OkStatus();
}

template <typename Fn>
absl::Status Relocations::ForEach(Fn fn) const {
  absl::Status s = ForEachRela(rela_, fn);
  if (s.ok()) s = ForEachRela(jmprel_, fn);
  if (s.ok()) s = ForEachRelr(relr_, fn);
  return s;
}

}  // namespace

absl::Status LoadElf(const ElfImage& image, uint64_t bias, const GuestMemory& memory,
                     Relocate relocate) {
  if (image.kind == ElfKind::kExec && bias != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "ELF %s: ET_EXEC must load at its link address, not with bias 0x%x", image.path, bias));
  }
  if (bias % layout::kPageSize != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ELF %s: load bias 0x%x is not page-aligned", image.path, bias));
  }
  // Check everything first: a failed load must leave guest memory untouched.
  for (const ElfSegment& seg : image.segments) {
    if (seg.filesz > seg.memsz || !InBounds(seg.offset, seg.filesz, image.bytes.size())) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "ELF %s: segment at 0x%x does not match the file's bytes", image.path, seg.vaddr));
    }
    const bool wraps = bias > std::numeric_limits<uint64_t>::max() - seg.vaddr;
    if (wraps || !memory.Contains(seg.vaddr + bias, seg.memsz)) {
      return absl::OutOfRangeError(absl::StrFormat(
          "ELF %s: segment [0x%x, +0x%x) does not fit in guest memory [0x%x, 0x%x) (%s)",
          image.path, seg.vaddr + bias, seg.memsz, memory.start(), memory.size(),
          SizeText(memory.size())));
    }
  }
  Relocations relocations(image);
  if (relocate == Relocate::kYes) {
    absl::Status s = relocations.Parse();
    if (s.ok()) s = relocations.ForEach([](const Fixup&) { return absl::OkStatus(); });
    if (!s.ok()) return s;
  }

  for (const ElfSegment& seg : image.segments) {
    absl::StatusOr<std::span<uint8_t>> dst = memory.Span(seg.vaddr + bias, seg.memsz);
    if (!dst.ok()) return dst.status();
    std::memcpy(dst->data(), image.bytes.data() + seg.offset, seg.filesz);
    std::memset(dst->data() + seg.filesz, 0, seg.memsz - seg.filesz);
  }
  if (relocate == Relocate::kNo) return absl::OkStatus();
  return relocations.ForEach([&](const Fixup& f) -> absl::Status {
    uint64_t value = bias;
    if (f.addend.has_value()) {
      value += *f.addend;
    } else {
      absl::StatusOr<uint64_t> old = memory.Read<uint64_t>(f.place + bias);
      if (!old.ok()) return old.status();
      value += *old;
    }
    return memory.Write<uint64_t>(f.place + bias, value);
  });
}

}  // namespace hvrun
