// File: tests/e2e/elf_util.h
//
// Small helpers to read, inspect and patch ELF files in tests (host <elf.h>
// types; x86-64 ELF64 little-endian only). Used to check crash reports against
// a program's segments and to craft bad inputs for hvrun.
//
// Example:
//   std::string bytes = hvtest::ReadFile(path);
//   for (const Elf64_Phdr& ph : hvtest::ProgramHeaders(bytes)) ...
#ifndef TESTS_E2E_ELF_UTIL_H_
#define TESTS_E2E_ELF_UTIL_H_

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace hvtest {

// The whole file at (path), or "" if unreadable.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Writes (bytes) to (path) with mode (mode); returns success.
bool WriteFile(const std::string& path, const std::string& bytes, unsigned mode = 0755);

// The ELF64 header of (bytes), or nullptr if (bytes) is not ELF64.
inline const Elf64_Ehdr* ElfHeader(const std::string& bytes) {
  if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 ||
      bytes[EI_CLASS] != ELFCLASS64) {
    return nullptr;
  }
  return reinterpret_cast<const Elf64_Ehdr*>(bytes.data());
}

// The program headers of (bytes), copied; empty if malformed.
inline std::vector<Elf64_Phdr> ProgramHeaders(const std::string& bytes) {
  std::vector<Elf64_Phdr> out;
  const Elf64_Ehdr* eh = ElfHeader(bytes);
  if (!eh || eh->e_phentsize != sizeof(Elf64_Phdr)) return out;
  for (unsigned i = 0; i < eh->e_phnum; ++i) {
    size_t off = eh->e_phoff + i * sizeof(Elf64_Phdr);
    if (off + sizeof(Elf64_Phdr) > bytes.size()) return {};
    Elf64_Phdr ph;
    std::memcpy(&ph, bytes.data() + off, sizeof ph);
    out.push_back(ph);
  }
  return out;
}

// The file offset of program header (index) in (bytes).
inline size_t ProgramHeaderOffset(const std::string& bytes, unsigned index) {
  return ElfHeader(bytes)->e_phoff + index * sizeof(Elf64_Phdr);
}

// Whether (addr) lies in an executable PT_LOAD of (bytes), after adding
// (bias) to the segment addresses (0 for ET_EXEC).
inline bool InExecutableSegment(const std::string& bytes, uint64_t addr, uint64_t bias = 0) {
  for (const Elf64_Phdr& ph : ProgramHeaders(bytes)) {
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && addr >= ph.p_vaddr + bias &&
        addr < ph.p_vaddr + bias + ph.p_memsz) {
      return true;
    }
  }
  return false;
}

// One ELF note found in a PT_NOTE segment.
struct ElfNote {
  std::string name;
  uint32_t type = 0;
  size_t desc_offset = 0;  // file offset of the descriptor
  size_t desc_size = 0;
};

// All notes in the PT_NOTE segments of (bytes).
inline std::vector<ElfNote> Notes(const std::string& bytes) {
  std::vector<ElfNote> out;
  for (const Elf64_Phdr& ph : ProgramHeaders(bytes)) {
    if (ph.p_type != PT_NOTE || ph.p_offset + ph.p_filesz > bytes.size()) continue;
    size_t align = ph.p_align == 8 ? 8 : 4;
    size_t pos = ph.p_offset, end = ph.p_offset + ph.p_filesz;
    auto up = [align](size_t x) { return (x + align - 1) & ~(align - 1); };
    while (pos + sizeof(Elf64_Nhdr) <= end) {
      Elf64_Nhdr nh;
      std::memcpy(&nh, bytes.data() + pos, sizeof nh);
      size_t name_at = pos + sizeof nh;
      size_t desc_at = up(name_at + nh.n_namesz);
      size_t next = up(desc_at + nh.n_descsz);
      if (desc_at + nh.n_descsz > end) break;
      ElfNote note;
      note.name.assign(bytes.data() + name_at, nh.n_namesz ? nh.n_namesz - 1 : 0);
      note.type = nh.n_type;
      note.desc_offset = desc_at;
      note.desc_size = nh.n_descsz;
      out.push_back(note);
      pos = next;
    }
  }
  return out;
}

}  // namespace hvtest

#endif  // TESTS_E2E_ELF_UTIL_H_
