// File: elf_image.cc
#include "hvrun/elf/elf_image.h"

#include <elf.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "vmm/base/layout.h"
#include "vmm/base/status_macros.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {
namespace {

using elf_internal::InBounds;
using elf_internal::ReadAt;

// Messages quote at most this much of an interpreter path.
constexpr size_t kMaxInterpChars = 4096;  // PATH_MAX, with its NUL

absl::Status Invalid(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("ELF ", path, ": ", what));
}

absl::string_view TypeName(uint16_t type) {
  switch (type) {
    case ET_NONE:
      return "ET_NONE";
    case ET_REL:
      return "ET_REL, a relocatable object";
    case ET_CORE:
      return "ET_CORE, a core dump";
    default:
      return "unknown";
  }
}

// The interpreter path of a PT_INTERP, for the message only: up to its NUL,
// at most kMaxInterpChars, with anything unprintable replaced by '?'.
std::string InterpreterName(std::span<const uint8_t> file, const Elf64_Phdr& ph) {
  std::string out;
  for (uint64_t i = 0; i < ph.p_filesz && out.size() < kMaxInterpChars; ++i) {
    const uint8_t c = file[ph.p_offset + i];
    if (c == 0) break;
    out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
  }
  return out;
}

// Xen's PVH entry note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY, a
// 32-bit entry address (xen/include/public/elfnote.h).
constexpr char kXenNoteName[] = "Xen";
constexpr uint32_t kXenElfnotePhys32Entry = 18;

// Walks the notes of PT_NOTE (ph), already known to lie inside (file), and
// records the first hvrun ABI note's descriptor and the first Xen PVH entry
// note in (image), where it has none yet. Notes are padded to 4 bytes, or
// to 8 where the segment is 8-aligned (.note.gnu.property, as in glibc's
// static binaries).
absl::Status ScanNotes(const std::string& path, std::span<const uint8_t> file, const Elf64_Phdr& ph,
                       ElfImage& image) {
  static constexpr char kName[] = HV_NOTE_NAME;  // compared with its NUL
  const std::span<const uint8_t> notes = file.subspan(ph.p_offset, ph.p_filesz);
  // Name and descriptor each start at the next multiple of the alignment,
  // counted from the start of the segment.
  const uint64_t align = ph.p_align == 8 ? 8 : 4;
  const auto up = [align](uint64_t n) { return (n + align - 1) & ~(align - 1); };
  uint64_t pos = 0;
  while (pos + sizeof(Elf64_Nhdr) <= notes.size()) {
    const Elf64_Nhdr nh = *ReadAt<Elf64_Nhdr>(notes, pos);
    const uint64_t name_at = pos + sizeof(Elf64_Nhdr);
    // namesz and descsz are 32-bit, so these sums cannot overflow.
    const uint64_t desc_at = up(name_at + nh.n_namesz);
    const uint64_t next = up(desc_at + nh.n_descsz);
    if (!InBounds(name_at, nh.n_namesz, notes.size()) ||
        !InBounds(desc_at, nh.n_descsz, notes.size())) {
      return Invalid(path, absl::StrFormat("note at file offset 0x%x runs past its PT_NOTE "
                                           "(namesz %d, descsz %d)",
                                           ph.p_offset + pos, nh.n_namesz, nh.n_descsz));
    }
    if (!image.hvrun_note.has_value() && nh.n_type == HV_NOTE_TYPE_ABI &&
        nh.n_namesz == sizeof(kName) &&
        std::memcmp(notes.data() + name_at, kName, sizeof(kName)) == 0) {
      if (nh.n_descsz != sizeof(hv_runtime_note)) {
        return Invalid(path, absl::StrFormat("hvrun note descriptor is %d bytes, want %d",
                                             nh.n_descsz, sizeof(hv_runtime_note)));
      }
      image.hvrun_note = ReadAt<hv_runtime_note>(notes, desc_at);
    }
    if (!image.pvh_entry.has_value() && nh.n_type == kXenElfnotePhys32Entry &&
        nh.n_namesz == sizeof(kXenNoteName) &&
        std::memcmp(notes.data() + name_at, kXenNoteName, sizeof(kXenNoteName)) == 0) {
      // Xen accepts a 4- or 8-byte descriptor; the address must fit 32 bits.
      uint64_t entry = 0;
      if (nh.n_descsz == 4) {
        entry = *ReadAt<uint32_t>(notes, desc_at);
      } else if (nh.n_descsz == 8) {
        entry = *ReadAt<uint64_t>(notes, desc_at);
      } else {
        return Invalid(path, absl::StrFormat("Xen PVH entry note descriptor is %d bytes, want 4",
                                             nh.n_descsz));
      }
      if (entry > UINT32_MAX) {
        return Invalid(path, absl::StrFormat("Xen PVH entry 0x%x is above 4 GiB", entry));
      }
      image.pvh_entry = entry;
    }
    pos = next;
  }
  return absl::OkStatus();
}

// Checks one PT_LOAD (index i) against (file_size).
absl::Status CheckLoad(const std::string& path, int i, const Elf64_Phdr& ph, uint64_t file_size) {
  if (ph.p_filesz > ph.p_memsz) {
    return Invalid(path, absl::StrFormat("PT_LOAD %d: p_filesz 0x%x exceeds p_memsz 0x%x", i,
                                         ph.p_filesz, ph.p_memsz));
  }
  if (!InBounds(ph.p_offset, ph.p_filesz, file_size)) {
    return Invalid(path, absl::StrFormat("PT_LOAD %d: file range [0x%x, +0x%x) is outside the "
                                         "file (%d bytes)",
                                         i, ph.p_offset, ph.p_filesz, file_size));
  }
  if (ph.p_memsz > std::numeric_limits<uint64_t>::max() - ph.p_vaddr) {
    return Invalid(path, absl::StrFormat("PT_LOAD %d: p_vaddr 0x%x + p_memsz 0x%x overflows", i,
                                         ph.p_vaddr, ph.p_memsz));
  }
  if (ph.p_vaddr + ph.p_memsz > kMaxElfVaddr) {
    return Invalid(path, absl::StrFormat("PT_LOAD %d: [0x%x, +0x%x) ends above the 47-bit user "
                                         "address space",
                                         i, ph.p_vaddr, ph.p_memsz));
  }
  if (ph.p_align > 1) {
    if ((ph.p_align & (ph.p_align - 1)) != 0) {
      return Invalid(
          path, absl::StrFormat("PT_LOAD %d: p_align 0x%x is not a power of two", i, ph.p_align));
    }
    // Unsigned wrap-around keeps this right modulo a power of two.
    if (((ph.p_vaddr - ph.p_offset) & (ph.p_align - 1)) != 0) {
      return Invalid(path, absl::StrFormat("PT_LOAD %d: p_vaddr 0x%x and p_offset 0x%x differ "
                                           "modulo p_align 0x%x",
                                           i, ph.p_vaddr, ph.p_offset, ph.p_align));
    }
  }
  return absl::OkStatus();
}

// Checks the file header; returns the image kind.
absl::StatusOr<ElfKind> CheckHeader(const std::string& path, const Elf64_Ehdr& eh,
                                    uint64_t file_size) {
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    return Invalid(path, "not an ELF file (bad magic)");
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return Invalid(path, absl::StrFormat("EI_CLASS %d is not ELFCLASS64 (%d): hvrun runs 64-bit "
                                         "programs only",
                                         eh.e_ident[EI_CLASS], ELFCLASS64));
  }
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return Invalid(path, absl::StrFormat("EI_DATA %d is not little-endian (ELFDATA2LSB, %d)",
                                         eh.e_ident[EI_DATA], ELFDATA2LSB));
  }
  if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT) {
    return Invalid(path, absl::StrFormat("ELF version %d/%d is not EV_CURRENT (%d)",
                                         eh.e_ident[EI_VERSION], eh.e_version, EV_CURRENT));
  }
  const uint8_t osabi = eh.e_ident[EI_OSABI];
  if (osabi != ELFOSABI_SYSV && osabi != ELFOSABI_GNU) {
    return Invalid(path,
                   absl::StrFormat("EI_OSABI %d is not System V (0) or GNU/Linux (3)", osabi));
  }
  if (eh.e_machine != EM_X86_64) {
    return Invalid(path,
                   absl::StrFormat("e_machine %d is not x86-64 (%d)", eh.e_machine, EM_X86_64));
  }
  ElfKind kind;
  if (eh.e_type == ET_EXEC) {
    kind = ElfKind::kExec;
  } else if (eh.e_type == ET_DYN) {
    kind = ElfKind::kPie;
  } else {
    return Invalid(path, absl::StrFormat("e_type %d (%s) is not an executable (ET_EXEC or ET_DYN)",
                                         eh.e_type, TypeName(eh.e_type)));
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return Invalid(path, absl::StrFormat("e_phentsize %d is not sizeof(Elf64_Phdr) (%d)",
                                         eh.e_phentsize, sizeof(Elf64_Phdr)));
  }
  if (eh.e_phnum == 0) return Invalid(path, "no program headers (e_phnum 0)");
  if (eh.e_phnum > kMaxPhnum) {
    return Invalid(path,
                   absl::StrFormat("e_phnum %d exceeds the limit of %d", eh.e_phnum, kMaxPhnum));
  }
  const uint64_t table_size = uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (!InBounds(eh.e_phoff, table_size, file_size)) {
    return Invalid(path, absl::StrFormat("program header table [0x%x, +0x%x) is outside the file "
                                         "(%d bytes)",
                                         eh.e_phoff, table_size, file_size));
  }
  return kind;
}

// Finds the unbiased address of the program header table (see ElfImage).
absl::StatusOr<uint64_t> FindPhdrVaddr(const std::string& path, const ElfImage& image,
                                       const Elf64_Phdr* pt_phdr) {
  const uint64_t table_size = uint64_t{image.phnum} * image.phentsize;
  if (pt_phdr != nullptr) {
    for (const ElfSegment& seg : image.segments) {
      // filesz, not memsz: the table must be among the bytes copied in.
      if (pt_phdr->p_vaddr >= seg.vaddr &&
          InBounds(pt_phdr->p_vaddr - seg.vaddr, table_size, seg.filesz)) {
        return pt_phdr->p_vaddr;
      }
    }
    return Invalid(
        path, absl::StrFormat("PT_PHDR [0x%x, +0x%x) is not inside the file bytes of any PT_LOAD",
                              pt_phdr->p_vaddr, table_size));
  }
  for (const ElfSegment& seg : image.segments) {
    if (image.phoff >= seg.offset && InBounds(image.phoff - seg.offset, table_size, seg.filesz)) {
      return seg.vaddr + (image.phoff - seg.offset);
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<ElfImage> ParseElf(std::string path, std::vector<uint8_t> bytes) {
  const std::span<const uint8_t> file(bytes);
  const std::optional<Elf64_Ehdr> eh = ReadAt<Elf64_Ehdr>(file, 0);
  // A short file that does not even start like an ELF is "not an ELF";
  // only a short one that does is a truncated ELF.
  if (file.size() < SELFMAG || std::memcmp(file.data(), ELFMAG, SELFMAG) != 0) {
    return Invalid(path, "not an ELF file (bad magic)");
  }
  if (!eh.has_value()) {
    return Invalid(path, absl::StrFormat("file is %d bytes, too small for an ELF header (%d)",
                                         file.size(), sizeof(Elf64_Ehdr)));
  }
  absl::StatusOr<ElfKind> kind = CheckHeader(path, *eh, file.size());
  if (!kind.ok()) return kind.status();

  std::vector<Elf64_Phdr> phdrs(eh->e_phnum);
  for (size_t i = 0; i < phdrs.size(); ++i) {
    phdrs[i] = *ReadAt<Elf64_Phdr>(file, eh->e_phoff + i * sizeof(Elf64_Phdr));
  }

  ElfImage image;
  // PT_INTERP: the program's dynamic linker, a path that must be one
  // NUL-terminated string filling the segment (as the kernel's
  // load_elf_binary demands), at most PATH_MAX bytes.
  for (const Elf64_Phdr& ph : phdrs) {
    if (ph.p_type != PT_INTERP) continue;
    if (!InBounds(ph.p_offset, ph.p_filesz, file.size())) {
      return Invalid(path, absl::StrFormat("PT_INTERP [0x%x, +0x%x) is outside the file",
                                           ph.p_offset, ph.p_filesz));
    }
    if (image.interp.has_value()) return Invalid(path, "more than one PT_INTERP");
    const std::string name = InterpreterName(file, ph);
    if (ph.p_filesz < 2 || ph.p_filesz > kMaxInterpChars ||
        file[ph.p_offset + ph.p_filesz - 1] != 0 ||
        std::memchr(file.data() + ph.p_offset, 0, ph.p_filesz - 1) != nullptr ||
        name.size() != ph.p_filesz - 1) {
      return Invalid(path, absl::StrCat("PT_INTERP (interpreter ", name,
                                        ") is not one printable NUL-terminated path of at most ",
                                        kMaxInterpChars - 1, " bytes"));
    }
    image.interp = name;
  }

  image.kind = *kind;
  image.entry = eh->e_entry;
  image.phnum = eh->e_phnum;
  image.phentsize = eh->e_phentsize;
  image.phoff = eh->e_phoff;
  const Elf64_Phdr* pt_phdr = nullptr;
  for (size_t i = 0; i < phdrs.size(); ++i) {
    const Elf64_Phdr& ph = phdrs[i];
    switch (ph.p_type) {
      case PT_LOAD: {
        absl::Status status = CheckLoad(path, static_cast<int>(i), ph, file.size());
        if (!status.ok()) return status;
        if (ph.p_memsz == 0) break;  // maps nothing
        image.segments.push_back({.vaddr = ph.p_vaddr,
                                  .memsz = ph.p_memsz,
                                  .filesz = ph.p_filesz,
                                  .offset = ph.p_offset,
                                  .flags = ph.p_flags});
        break;
      }
      case PT_DYNAMIC:
        if (!InBounds(ph.p_offset, ph.p_filesz, file.size())) {
          return Invalid(path, absl::StrFormat("PT_DYNAMIC [0x%x, +0x%x) is outside the file",
                                               ph.p_offset, ph.p_filesz));
        }
        image.has_dynamic = true;
        image.dynamic_offset = ph.p_offset;
        image.dynamic_size = ph.p_filesz;
        break;
      case PT_NOTE: {
        if (!InBounds(ph.p_offset, ph.p_filesz, file.size())) {
          return Invalid(path, absl::StrFormat("PT_NOTE [0x%x, +0x%x) is outside the file",
                                               ph.p_offset, ph.p_filesz));
        }
        HV_RETURN_IF_ERROR(ScanNotes(path, file, ph, image));
        break;
      }
      case PT_PHDR:
        pt_phdr = &ph;
        break;
      default:
        break;
    }
  }

  if (image.segments.empty()) return Invalid(path, "no PT_LOAD segment");
  for (size_t i = 1; i < image.segments.size(); ++i) {
    const ElfSegment& prev = image.segments[i - 1];
    const ElfSegment& seg = image.segments[i];
    if (seg.vaddr < prev.vaddr) {
      return Invalid(path, absl::StrFormat("PT_LOADs are not sorted by p_vaddr (0x%x after 0x%x)",
                                           seg.vaddr, prev.vaddr));
    }
    if (seg.vaddr < prev.vaddr + prev.memsz) {
      return Invalid(path, absl::StrFormat("PT_LOAD [0x%x, +0x%x) overlaps PT_LOAD [0x%x, +0x%x)",
                                           seg.vaddr, seg.memsz, prev.vaddr, prev.memsz));
    }
  }
  bool entry_ok = false;
  for (const ElfSegment& seg : image.segments) {
    if ((seg.flags & PF_X) != 0 && image.entry >= seg.vaddr &&
        image.entry - seg.vaddr < seg.memsz) {
      entry_ok = true;
    }
  }
  if (!entry_ok) {
    return Invalid(
        path, absl::StrFormat("entry point 0x%x is not inside an executable PT_LOAD", image.entry));
  }
  absl::StatusOr<uint64_t> phdr_vaddr = FindPhdrVaddr(path, image, pt_phdr);
  if (!phdr_vaddr.ok()) return phdr_vaddr.status();
  image.phdr_vaddr = *phdr_vaddr;
  // Both ends are below kMaxElfVaddr, so rounding up cannot overflow.
  image.min_vaddr = layout::PageDown(image.segments.front().vaddr);
  image.max_vaddr = layout::PageUp(image.segments.back().vaddr + image.segments.back().memsz);

  image.path = std::move(path);
  image.bytes = std::move(bytes);
  return image;
}

namespace {

// ReadElfFile's work once (fd) is open (or failed to open with errno).
absl::StatusOr<ElfImage> ReadOpened(UniqueFd fd, const std::string& path) {
  if (!fd.valid()) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::ErrnoToStatus(errno, absl::StrCat("opening ", path));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("fstat of ", path));
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, not an executable"));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is not a regular file"));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > kMaxElfFileSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("ELF %s: file is %d bytes, more than the %d MiB hvrun reads", path, size,
                        kMaxElfFileSize >> 20));
  }
  std::vector<uint8_t> bytes(size);
  uint64_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd.get(), bytes.data() + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("reading ", path));
    if (n == 0) break;  // the file shrank under us: parse what is there
    done += static_cast<uint64_t>(n);
  }
  bytes.resize(done);
  return ParseElf(path, std::move(bytes));
}

}  // namespace

absl::StatusOr<ElfImage> ReadElfFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not hang hvrun; it is refused below.
  return ReadOpened(UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)), path);
}

absl::StatusOr<ElfImage> ReadElfFileInRoot(int root, const std::string& path) {
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return ReadOpened(
      UniqueFd(static_cast<int>(::syscall(SYS_openat2, root, path.c_str(), &how, sizeof(how)))),
      path);
}

absl::StatusOr<ElfImage> ReadElfFileBeneath(int root, const std::string& path) {
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return ReadOpened(
      UniqueFd(static_cast<int>(::syscall(SYS_openat2, root, path.c_str(), &how, sizeof(how)))),
      path);
}

absl::StatusOr<ElfImage> ReadElfFd(int fd, const std::string& path) {
  return ReadOpened(UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 3)), path);
}

}  // namespace hvrun
