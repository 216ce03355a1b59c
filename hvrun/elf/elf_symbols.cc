// File: elf_symbols.cc
#include "hvrun/elf/elf_symbols.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>

namespace hvrun {
namespace {

using elf_internal::InBounds;
using elf_internal::ReadAt;

// Longer names are cut (C++ symbols can be long, but not this long).
constexpr size_t kMaxNameLength = 1024;
static_assert(kMaxSymbolNameBytes <= std::numeric_limits<uint32_t>::max(),
              "Symbol::name_offset is 32 bits");

// The bytes of section (sh) if they lie inside (file).
std::optional<std::span<const uint8_t>> SectionBytes(std::span<const uint8_t> file,
                                                     const Elf64_Shdr& sh) {
  if (!InBounds(sh.sh_offset, sh.sh_size, file.size())) return std::nullopt;
  return file.subspan(sh.sh_offset, sh.sh_size);
}

}  // namespace

ElfSymbols ElfSymbols::FromImage(const ElfImage& image) {
  const std::span<const uint8_t> file(image.bytes);
  ElfSymbols out;
  const std::optional<Elf64_Ehdr> eh = ReadAt<Elf64_Ehdr>(file, 0);
  // e_shnum 0 with e_shoff set is the extended numbering of >= 0xff00
  // sections: no program of ours has that many, so it is treated as none.
  if (!eh.has_value() || eh->e_shoff == 0 || eh->e_shnum == 0 ||
      eh->e_shentsize != sizeof(Elf64_Shdr) ||
      !InBounds(eh->e_shoff, uint64_t{eh->e_shnum} * sizeof(Elf64_Shdr), file.size())) {
    return out;
  }
  const auto section = [&](uint64_t i) {
    return ReadAt<Elf64_Shdr>(file, eh->e_shoff + i * sizeof(Elf64_Shdr));
  };
  std::optional<Elf64_Shdr> symtab;
  for (uint64_t i = 0; i < eh->e_shnum && !symtab.has_value(); ++i) {
    std::optional<Elf64_Shdr> sh = section(i);  // inside the file, checked above
    if (sh->sh_type == SHT_SYMTAB) symtab = sh;
  }
  if (!symtab.has_value() || symtab->sh_link >= eh->e_shnum) return out;
  const std::optional<Elf64_Shdr> strtab = section(symtab->sh_link);
  if (!strtab.has_value() || strtab->sh_type != SHT_STRTAB) return out;
  const auto syms = SectionBytes(file, *symtab);
  const auto strs = SectionBytes(file, *strtab);
  if (!syms.has_value() || !strs.has_value()) return out;

  // Calls (fn)(sym, name) for each symbol worth keeping, in .symtab order,
  // until (fn) returns false. The file's bytes are hvrun's own copy, so two
  // walks see the same symbols.
  const auto for_each = [&](auto fn) {
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= syms->size(); off += sizeof(Elf64_Sym)) {
      const Elf64_Sym sym = *ReadAt<Elf64_Sym>(*syms, off);
      const uint8_t type = ELF64_ST_TYPE(sym.st_info);
      if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC) continue;
      if (sym.st_shndx == SHN_UNDEF || sym.st_size == 0 ||
          sym.st_size > std::numeric_limits<uint64_t>::max() - sym.st_value ||
          sym.st_name >= strs->size()) {
        continue;
      }
      const char* name = reinterpret_cast<const char*>(strs->data()) + sym.st_name;
      const size_t max_len = std::min<uint64_t>(strs->size() - sym.st_name, kMaxNameLength);
      const size_t len = strnlen(name, max_len);
      if (len == 0) continue;
      if (!fn(sym, std::string_view(name, len))) return;
    }
  };
  // First what fits the bounds, so that each buffer is allocated once, at
  // its final size: the entries' own claims (sh_size, how many name one
  // string) never size an allocation.
  size_t count = 0;
  size_t name_bytes = 0;
  for_each([&](const Elf64_Sym&, std::string_view name) {
    if (count == kMaxSymbols || name.size() > kMaxSymbolNameBytes - name_bytes) return false;
    ++count;
    name_bytes += name.size();
    return true;
  });
  out.symbols_.reserve(count);
  out.names_.reserve(name_bytes);
  for_each([&](const Elf64_Sym& sym, std::string_view name) {
    if (out.symbols_.size() == count) return false;
    // Both fit in 32 bits: names_ never exceeds kMaxSymbolNameBytes.
    out.symbols_.push_back({.start = sym.st_value,
                            .end = sym.st_value + sym.st_size,
                            .name_offset = static_cast<uint32_t>(out.names_.size()),
                            .name_length = static_cast<uint32_t>(name.size())});
    out.names_.append(name);
    return true;
  });
  std::stable_sort(out.symbols_.begin(), out.symbols_.end(),
                   [](const Symbol& a, const Symbol& b) { return a.start < b.start; });
  out.max_end_.reserve(out.symbols_.size());
  uint64_t max_end = 0;
  for (const Symbol& s : out.symbols_) {
    max_end = std::max(max_end, s.end);
    out.max_end_.push_back(max_end);
  }
  return out;
}

std::optional<std::pair<std::string, uint64_t>> ElfSymbols::Lookup(uint64_t vaddr) const {
  // The first symbol starting after (vaddr); candidates are before it.
  auto it = std::upper_bound(symbols_.begin(), symbols_.end(), vaddr,
                             [](uint64_t v, const Symbol& s) { return v < s.start; });
  size_t i = static_cast<size_t>(it - symbols_.begin());
  std::optional<size_t> found;
  while (i > 0 && max_end_[i - 1] > vaddr) {
    --i;
    // Walking back, the first match has the latest start and wins; only its
    // aliases (equal start) are still looked at, so the first in .symtab
    // order is the one reported.
    if (found.has_value() && symbols_[i].start != symbols_[*found].start) break;
    if (vaddr < symbols_[i].end) found = i;
  }
  if (!found.has_value()) return std::nullopt;
  const Symbol& s = symbols_[*found];
  return std::make_pair(names_.substr(s.name_offset, s.name_length), vaddr - s.start);
}

}  // namespace hvrun
