// File: elf_dynamic.cc
#include "hvrun/elf/elf_dynamic.h"

#include <elf.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hvrun {
namespace {

using elf_internal::InBounds;
using elf_internal::ReadAt;

constexpr size_t kMaxString = 4096;  // PATH_MAX: no sane soname or path list is longer

// The file offset of the (len) bytes at link-time address (vaddr), if a
// PT_LOAD holds them among its file bytes.
std::optional<uint64_t> FileOffset(const ElfImage& image, uint64_t vaddr, uint64_t len) {
  for (const ElfSegment& seg : image.segments) {
    if (vaddr >= seg.vaddr && InBounds(vaddr - seg.vaddr, len, seg.filesz)) {
      return seg.offset + (vaddr - seg.vaddr);
    }
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<ElfDynamic> ReadDynamic(const ElfImage& image) {
  ElfDynamic out;
  if (!image.has_dynamic) return out;
  const std::span<const uint8_t> file(image.bytes);
  auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("ELF ", image.path, ": ", why));
  };
  std::optional<uint64_t> strtab, strsz;
  std::vector<uint64_t> needed;
  std::optional<uint64_t> rpath, runpath;
  const uint64_t count = image.dynamic_size / sizeof(Elf64_Dyn);
  for (uint64_t i = 0; i < count; ++i) {
    const std::optional<Elf64_Dyn> d =
        ReadAt<Elf64_Dyn>(file, image.dynamic_offset + i * sizeof(Elf64_Dyn));
    if (!d.has_value() || d->d_tag == DT_NULL) break;
    switch (d->d_tag) {
      case DT_STRTAB:
        strtab = d->d_un.d_ptr;
        break;
      case DT_STRSZ:
        strsz = d->d_un.d_val;
        break;
      case DT_NEEDED:
        if (needed.size() < 1024) needed.push_back(d->d_un.d_val);
        break;
      case DT_RPATH:
        rpath = d->d_un.d_val;
        break;
      case DT_RUNPATH:
        runpath = d->d_un.d_val;
        break;
      default:
        break;
    }
  }
  if (needed.empty() && !rpath && !runpath) return out;
  if (!strtab || !strsz) return bad("PT_DYNAMIC names strings but has no DT_STRTAB/DT_STRSZ");
  const std::optional<uint64_t> table = FileOffset(image, *strtab, *strsz);
  if (!table) {
    return bad(absl::StrFormat("DT_STRTAB [0x%x, +0x%x) is not in the file's loaded bytes", *strtab,
                               *strsz));
  }
  auto string_at = [&](uint64_t off) -> absl::StatusOr<std::string> {
    if (off >= *strsz) return bad(absl::StrFormat("string offset 0x%x is past DT_STRSZ", off));
    const uint8_t* start = file.data() + *table + off;
    const uint64_t room = std::min<uint64_t>(*strsz - off, kMaxString);
    const void* nul = std::memchr(start, 0, room);
    if (nul == nullptr) return bad(absl::StrFormat("string at 0x%x is not terminated", off));
    return std::string(reinterpret_cast<const char*>(start),
                       static_cast<const uint8_t*>(nul) - start);
  };
  for (uint64_t off : needed) {
    absl::StatusOr<std::string> name = string_at(off);
    if (!name.ok()) return name.status();
    out.needed.push_back(*std::move(name));
  }
  if (rpath) {
    absl::StatusOr<std::string> s = string_at(*rpath);
    if (!s.ok()) return s.status();
    out.rpath = *std::move(s);
  }
  if (runpath) {
    absl::StatusOr<std::string> s = string_at(*runpath);
    if (!s.ok()) return s.status();
    out.runpath = *std::move(s);
  }
  return out;
}

}  // namespace hvrun
