// File: elf_loader.h
//
// LoadElf places a parsed ElfImage in guest memory: it copies each PT_LOAD's
// file bytes to vaddr + bias, zeroes the rest of the segment (bss) and, when
// asked, applies the image's relative relocations for that bias. Everything is
// checked before the first byte is written, so a failed load leaves guest
// memory untouched.
//
// Which images need Relocate::kYes: the hvrun runtime image (freestanding
// static-pie, nothing in it relocates itself). A glibc static-pie app
// relocates itself in its startup code (_dl_relocate_static_pie), exactly as
// under the Linux kernel, so apps are loaded with Relocate::kNo.
//
// Example:
//   HV_ASSIGN_OR_RETURN(ElfImage rt, ReadElfFile(runtime_path));
//   HV_RETURN_IF_ERROR(LoadElf(rt, layout::kRuntimeBase - rt.min_vaddr, memory, Relocate::kYes));
#ifndef HVRUN_ELF_ELF_LOADER_H_
#define HVRUN_ELF_ELF_LOADER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "hvrun/elf/elf_image.h"
#include "vmm/base/guest_memory.h"

namespace hvrun {

// Whether LoadElf applies the image's relocations.
enum class Relocate { kNo, kYes };

// Loads (image) into (memory) at (bias): each segment's [vaddr, vaddr+memsz)
// goes to [vaddr+bias, ...), its first filesz bytes from the file and the
// rest zero. An ET_EXEC image must have bias 0; a static-pie's bias must be
// page-aligned. With Relocate::kYes, applies the relocations that PT_DYNAMIC
// names: DT_RELA (and DT_JMPREL) entries of type R_X86_64_RELATIVE
// (*place = bias + addend) and R_X86_64_NONE (ignored), and DT_RELR packed
// relative relocations (*place += bias).
//
// Returns, with guest memory untouched:
//   OutOfRangeError: a segment does not fit in guest memory (this includes
//     the null page), e.g. "ELF /x: segment [0x400000, +0x40000000) does not
//     fit in guest memory [0x1000, 0x20000000) (512 MiB)";
//   InvalidArgumentError: a bad bias, or a malformed dynamic section or
//     relocation table, or a relocation whose place is outside the image;
//   UnimplementedError: a relocation of any other type (named in the
//     message, with its offset), or DT_REL.
absl::Status LoadElf(const ElfImage& image, uint64_t bias, const GuestMemory& memory,
                     Relocate relocate);

}  // namespace hvrun

#endif  // HVRUN_ELF_ELF_LOADER_H_
