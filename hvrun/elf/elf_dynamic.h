// File: elf_dynamic.h
//
// ElfDynamic is what a dynamically linked ELF asks of the dynamic linker,
// read from its PT_DYNAMIC: the libraries it needs (DT_NEEDED) and where it
// says to look for them (DT_RPATH, DT_RUNPATH). hvrun reads it to learn
// which host library directories a dynamic app needs (library_dirs.h). The
// file is hostile input: every entry, string table offset and string is
// checked against the file before it is used.
//
// Example:
//   HV_ASSIGN_OR_RETURN(ElfImage app, ReadElfFile("/bin/ls"));
//   HV_ASSIGN_OR_RETURN(ElfDynamic dyn, ReadDynamic(app));
//   for (const std::string& lib : dyn.needed) ...   // "libselinux.so.1", "libc.so.6"
#ifndef HVRUN_ELF_ELF_DYNAMIC_H_
#define HVRUN_ELF_ELF_DYNAMIC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hvrun/elf/elf_image.h"

namespace hvrun {

struct ElfDynamic {
  std::vector<std::string> needed;  // DT_NEEDED, in order
  std::string rpath;                // DT_RPATH ("" if none): ':'-separated, may hold $ORIGIN
  std::string runpath;              // DT_RUNPATH ("" if none); wins over DT_RPATH
};

// Reads (image)'s PT_DYNAMIC. An image without one has no needs (an empty
// ElfDynamic). InvalidArgumentError for a dynamic section whose DT_STRTAB is
// not in the file's bytes, or a string that runs past it.
absl::StatusOr<ElfDynamic> ReadDynamic(const ElfImage& image);

}  // namespace hvrun

#endif  // HVRUN_ELF_ELF_DYNAMIC_H_
