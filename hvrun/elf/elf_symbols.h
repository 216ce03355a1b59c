// File: elf_symbols.h
//
// ElfSymbols turns guest code addresses back into names, for crash reports
// and --verbose output ("fault at 0x401234 in main+0x14"). It reads the
// function and object symbols of an image's .symtab, found through the
// section headers. A stripped image, or one whose section headers or symbol
// table are malformed, simply has no symbols: symbolization is best effort
// and never an error.
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

class ElfSymbols {
 public:
  // No symbols.
  ElfSymbols() = default;

  // Reads (image)'s .symtab: every defined STT_FUNC, STT_OBJECT or
  // STT_GNU_IFUNC symbol with a non-zero size and a readable name. Returns an
  // empty ElfSymbols if there is no .symtab or anything about it is malformed.
  static ElfSymbols FromImage(const ElfImage& image);

  // Returns the name of the symbol whose [value, value+size) contains
  // (vaddr), an unbiased address, and (vaddr)'s offset from its start; or
  // nullopt. Where symbols nest, the one that starts last wins; among aliases
  // (same start), the one that comes first in .symtab.
  std::optional<std::pair<std::string, uint64_t>> Lookup(uint64_t vaddr) const;

  // The number of symbols read.
  size_t size() const { return symbols_.size(); }
  bool empty() const { return symbols_.empty(); }

 private:
  struct Symbol {
    uint64_t start = 0;
    uint64_t end = 0;  // exclusive
    std::string name;
  };

  // Sorted by start (stable, so aliases keep .symtab order).
  std::vector<Symbol> symbols_;
  // max_end_[i]: the largest end among symbols_[0..i]; lets Lookup stop
  // walking back as soon as no earlier symbol can reach (vaddr).
  std::vector<uint64_t> max_end_;
};

}  // namespace hvrun

#endif  // HVRUN_ELF_ELF_SYMBOLS_H_
