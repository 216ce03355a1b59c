// File: elf_image.h
//
// ElfImage is a checked, in-memory x86-64 ELF executable: the file's bytes
// plus the facts hvrun needs to place it in guest memory (its PT_LOAD
// segments, entry point, program headers and the hvrun ABI note). ParseElf
// treats the file as hostile: every offset, size and address is checked, with
// overflow-safe arithmetic, before anything else looks at it, so the loader
// and the launcher can rely on an ElfImage without re-checking.
//
// hvrun runs ET_EXEC and ET_DYN executables, static (ET_DYN without
// PT_INTERP is what `gcc -static-pie` makes) or dynamically linked: a
// PT_INTERP names the dynamic linker (ElfImage::interp), which the launcher
// loads beside the program as Linux does.
//
// Example:
//   HV_ASSIGN_OR_RETURN(ElfImage app, ReadElfFile("/bin/busybox"));
//   uint64_t bias = app.kind == ElfKind::kPie ? layout::kAppPieBase - app.min_vaddr : 0;
//   HV_RETURN_IF_ERROR(LoadElf(app, bias, memory, Relocate::kNo));
#ifndef HVRUN_ELF_ELF_IMAGE_H_
#define HVRUN_ELF_ELF_IMAGE_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hv/abi.h"

namespace hvrun {

// What the image expects of its load address.
enum class ElfKind {
  kExec,  // ET_EXEC: must be loaded at its link addresses (bias 0)
  kPie,   // ET_DYN (static-pie, a PIE or a shared object): any page-aligned bias
};

// One PT_LOAD segment, with its link-time (unbiased) address.
struct ElfSegment {
  uint64_t vaddr = 0;   // p_vaddr
  uint64_t memsz = 0;   // p_memsz, > 0
  uint64_t filesz = 0;  // p_filesz, <= memsz; bytes past filesz are bss (zero)
  uint64_t offset = 0;  // p_offset; [offset, offset+filesz) lies inside the file
  uint32_t flags = 0;   // p_flags: PF_R | PF_W | PF_X
};

// A parsed and validated ELF executable. All addresses are unbiased: the
// loaded address of (x) is x + bias, where bias is what LoadElf was given.
struct ElfImage {
  std::string path;            // for messages
  std::vector<uint8_t> bytes;  // the whole file
  ElfKind kind = ElfKind::kExec;
  uint64_t entry = 0;  // e_entry; inside an executable PT_LOAD

  uint16_t phnum = 0;      // number of program headers, 1..kMaxPhnum
  uint16_t phentsize = 0;  // sizeof(Elf64_Phdr)
  uint64_t phoff = 0;      // file offset of the program header table
  // Where the program header table is in memory (AT_PHDR before bias): from
  // PT_PHDR (which must lie in a PT_LOAD's file bytes), else from the PT_LOAD
  // whose file bytes cover the table; 0 when no PT_LOAD covers it (the table
  // is then not in guest memory at all).
  uint64_t phdr_vaddr = 0;

  // Page-aligned extent of all PT_LOADs: the lowest vaddr rounded down and
  // the highest vaddr+memsz rounded up. Both are below 2^47.
  uint64_t min_vaddr = 0;
  uint64_t max_vaddr = 0;

  // The PT_LOADs with memsz > 0, sorted by vaddr and not overlapping.
  std::vector<ElfSegment> segments;

  // The descriptor of the first PT_NOTE note named HV_NOTE_NAME with type
  // HV_NOTE_TYPE_ABI (a runtime image carries one), if any.
  std::optional<hv_runtime_note> hvrun_note;
  // The first Xen XEN_ELFNOTE_PHYS32_ENTRY note's address (link-time, as
  // e_entry), if any: where a Xen PVH vCPU starts in 32-bit mode.
  std::optional<uint32_t> pvh_entry;

  bool has_dynamic = false;     // a PT_DYNAMIC is present (static-pie images have one)
  uint64_t dynamic_offset = 0;  // its file bytes, inside the file (elf_dynamic.h reads them)
  uint64_t dynamic_size = 0;

  // PT_INTERP's path (the dynamic linker, e.g. /lib64/ld-linux-x86-64.so.2):
  // checked to be one printable string without NULs; none for a static image.
  std::optional<std::string> interp;
};

// The most program headers hvrun accepts; real programs have about a dozen.
inline constexpr uint16_t kMaxPhnum = 256;
// The largest ELF file ReadElfFile reads.
inline constexpr uint64_t kMaxElfFileSize = 1ull << 30;
// PT_LOADs must end at or below this address: x86-64's 47-bit user half.
inline constexpr uint64_t kMaxElfVaddr = 1ull << 47;

// Parses and validates (bytes), the contents of the file at (path), which is
// used only in messages. Returns:
//   InvalidArgumentError: not ELF, not 64-bit little-endian x86-64, or
//     malformed in any way (headers or segments outside the file, overlapping
//     or unsorted PT_LOADs, an entry point outside executable code, a
//     PT_INTERP that is not one NUL-terminated printable path, ...).
// Every message starts "ELF (path): " and names the offending value.
absl::StatusOr<ElfImage> ParseElf(std::string path, std::vector<uint8_t> bytes);

// Reads the regular file at (path) (at most kMaxElfFileSize bytes) and
// returns ParseElf's result for it. A missing file is NotFoundError
// "(path): no such file"; a directory or another non-regular file, or a file
// that is too large, is InvalidArgumentError; other open/read failures carry
// their errno's code and name (path).
absl::StatusOr<ElfImage> ReadElfFile(const std::string& path);
// ReadElfFile for (path) inside the directory tree at (root) (an O_PATH
// directory fd), resolved as in a chroot (openat2 RESOLVE_IN_ROOT: "..",
// absolute paths and absolute symlinks stay inside): the app and its
// interpreter in a --rootfs.
absl::StatusOr<ElfImage> ReadElfFileInRoot(int root, const std::string& path);
// The same beneath directory fd (root) (openat2 RESOLVE_BENEATH: a -v mount).
absl::StatusOr<ElfImage> ReadElfFileBeneath(int root, const std::string& path);
// The same from an open fd (read with pread; the fd is not consumed).
absl::StatusOr<ElfImage> ReadElfFd(int fd, const std::string& path);

namespace elf_internal {

// Returns true if [offset, offset+len) lies inside a buffer of (size) bytes
// (overflow-safe).
constexpr bool InBounds(uint64_t offset, uint64_t len, uint64_t size) {
  return offset <= size && len <= size - offset;
}

// Copies a T out of (bytes) at (offset), or nullopt if it does not fit. The
// copy avoids unaligned and type-punned access to the file's bytes.
template <typename T>
std::optional<T> ReadAt(std::span<const uint8_t> bytes, uint64_t offset) {
  if (!InBounds(offset, sizeof(T), bytes.size())) return std::nullopt;
  T out;
  std::memcpy(&out, bytes.data() + offset, sizeof(T));
  return out;
}

}  // namespace elf_internal

}  // namespace hvrun

#endif  // HVRUN_ELF_ELF_IMAGE_H_
