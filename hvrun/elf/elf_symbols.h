// File: elf_symbols.h
//
// ElfSymbols turns guest code addresses back into names, for crash reports
// and --verbose output ("fault at 0x401234 in main+0x14"). It reads the
// function and object symbols of an image's .symtab, found through the
// section headers. A stripped image, or one whose section headers or symbol
// table are malformed, simply has no symbols: symbolization is best effort
// and never an error.
//
// The image is hostile, so what FromImage keeps is bounded whatever the file
// claims: at most kMaxSymbols symbols and kMaxSymbolNameBytes of names, the
// first ones in .symtab order; the rest are dropped. Without the bound, a
// .symtab whose 24-byte entries all name one 1 KiB string would make hvrun
// copy 1 KiB per entry: 45 GB for a 1 GiB file. With it, FromImage
// allocates at most about 76 MiB (32 MiB of names, 24 MiB of symbols, 12
// for stable_sort's buffer, 8 for max_end_), and a crash report still gets
// the names a real program has.
//
// Example:
//   ElfSymbols symbols = ElfSymbols::FromImage(app);
//   if (auto sym = symbols.Lookup(rip - bias)) {
//     absl::StrAppendFormat(&msg, " in %s+0x%x", sym->first, sym->second);
//   }
#ifndef HVRUN_ELF_ELF_SYMBOLS_H_
#define HVRUN_ELF_ELF_SYMBOLS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hvrun/elf/elf_image.h"

namespace hvrun {

// The most symbols ElfSymbols keeps; large static C++ programs have a few
// hundred thousand functions and objects.
inline constexpr size_t kMaxSymbols = size_t{1} << 20;
// The most bytes of names ElfSymbols keeps (each name is cut to 1 KiB).
inline constexpr size_t kMaxSymbolNameBytes = size_t{32} << 20;

class ElfSymbols {
 public:
  // No symbols.
  ElfSymbols() = default;

  // Reads (image)'s .symtab: every defined STT_FUNC, STT_OBJECT or
  // STT_GNU_IFUNC symbol with a non-zero size and a readable name, up to
  // kMaxSymbols of them and kMaxSymbolNameBytes of names (the first in
  // .symtab order). Returns an empty ElfSymbols if there is no .symtab or
  // anything about it is malformed.
  static ElfSymbols FromImage(const ElfImage& image);

  // Returns the name of the symbol whose [value, value+size) contains
  // (vaddr), an unbiased address, and (vaddr)'s offset from its start; or
  // nullopt. Where symbols nest, the one that starts last wins; among aliases
  // (same start), the one that comes first in .symtab.
  std::optional<std::pair<std::string, uint64_t>> Lookup(uint64_t vaddr) const;

  // The number of symbols read (at most kMaxSymbols).
  size_t size() const { return symbols_.size(); }
  bool empty() const { return symbols_.empty(); }

 private:
  // 24 bytes, so that kMaxSymbols of them stay small. The name is
  // names_[name_offset, name_offset + name_length).
  struct Symbol {
    uint64_t start = 0;
    uint64_t end = 0;  // exclusive
    uint32_t name_offset = 0;
    uint32_t name_length = 0;
  };

  // Sorted by start (stable, so aliases keep .symtab order).
  std::vector<Symbol> symbols_;
  // Every kept name, one after another (at most kMaxSymbolNameBytes).
  std::string names_;
  // max_end_[i]: the largest end among symbols_[0..i]; lets Lookup stop
  // walking back as soon as no earlier symbol can reach (vaddr).
  std::vector<uint64_t> max_end_;
};

}  // namespace hvrun

#endif  // HVRUN_ELF_ELF_SYMBOLS_H_
