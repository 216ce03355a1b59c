// File: tests/fuzz/fuzz_elf.cc
//
// libFuzzer target for hvrun/elf on arbitrary files: the input is the whole
// ELF file, read both by ReadElfFile (from a memfd) and by ParseElf. Every
// input goes to the crash symbolizer (ElfSymbols reads any bytes, parsed or
// not, as hvrun does for the app and the runtime image); a file ParseElf
// accepts is also loaded into a small guest memory the way launch.cc loads
// the app (Relocate::kNo) and the runtime (Relocate::kYes).
//
// Beyond ASan and UBSan, the target checks the contracts callers rely on:
//   - ReadElfFile and ParseElf agree on the same bytes;
//   - ParseElf's facts hold (segments sorted, inside the file, below 2^47);
//   - a failed LoadElf leaves guest memory untouched (elf_loader.h);
//   - ReadDynamic (what library_dirs.cc reads of a dynamic app) returns
//     only NUL-free strings from inside the file, and PT_INTERP is kept as
//     one non-empty NUL-free path;
//   - ElfSymbols keeps at most kMaxSymbols symbols and every Lookup is
//     consistent with the address it was asked about.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hvrun/elf/elf_dynamic.h"
#include "hvrun/elf/elf_image.h"
#include "hvrun/elf/elf_loader.h"
#include "hvrun/elf/elf_symbols.h"
#include "tests/fuzz/fuzz_check.h"
#include "vmm/base/guest_memory.h"
#include "vmm/base/layout.h"
#include "vmm/base/unique_fd.h"

namespace hvrun {
namespace {

// Small enough to refill on every input, big enough that a small image
// linked at 0x400000 (the app's usual address) or 0x10000 fits.
constexpr uint64_t kMemorySize = 8ull << 20;
// What guest memory holds before each load: a failed load must leave it.
constexpr uint8_t kFill = 0xa5;

class Harness {
 public:
  Harness()
      : memory_(MustCreate()),
        pattern_(kMemorySize, kFill),
        file_(memfd_create("fuzz-elf", MFD_CLOEXEC)),
        file_path_("/proc/self/fd/" + std::to_string(file_.get())) {
    FUZZ_CHECK(file_.valid());
    Refill();
  }

  void Run(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    // The symbolizer takes any bytes: hvrun symbolizes whatever file it ran.
    Symbolize(ElfImage{.bytes = bytes});
    // hvrun reads the file with ReadElfFile: the same bytes from a file
    // must give the same answer as from memory.
    FUZZ_CHECK(ftruncate(file_.get(), 0) == 0);
    FUZZ_CHECK(pwrite(file_.get(), data, size, 0) == static_cast<ssize_t>(size));
    const absl::StatusOr<ElfImage> read = ReadElfFile(file_path_);
    absl::StatusOr<ElfImage> image = ParseElf(file_path_, std::move(bytes));
    FUZZ_CHECK(read.status() == image.status());
    if (!image.ok()) return;
    FUZZ_CHECK(read->bytes == image->bytes && read->entry == image->entry &&
               read->segments.size() == image->segments.size());
    CheckImage(*image);
    Symbolize(*image);
    Dynamic(*image);
    if (image->kind == ElfKind::kExec) {
      Load(*image, 0, Relocate::kNo);
    } else {
      // The app's bias, then the runtime image's (which is relocated), then
      // one that is not page-aligned (always refused).
      Load(*image, layout::kAppPieBase - image->min_vaddr, Relocate::kNo);
      Load(*image, layout::kRuntimeBase - image->min_vaddr, Relocate::kYes);
      FUZZ_CHECK(!LoadElf(*image, 1, memory_, Relocate::kYes).ok());
      FUZZ_CHECK(Untouched());
    }
  }

 private:
  // The dynamic section as library_dirs.cc reads it (DT_NEEDED, RPATH,
  // RUNPATH): any bytes, never a crash; what it returns lies in the file.
  static void Dynamic(const ElfImage& image) {
    absl::StatusOr<ElfDynamic> dyn = ReadDynamic(image);
    if (!dyn.ok()) return;
    FUZZ_CHECK(image.has_dynamic || (dyn->needed.empty() && dyn->rpath.empty()));
    for (const std::string& name : dyn->needed) {
      FUZZ_CHECK(name.size() < image.bytes.size() && name.find('\0') == std::string::npos);
    }
    if (image.interp.has_value()) {
      FUZZ_CHECK(!image.interp->empty() && image.interp->find('\0') == std::string::npos);
    }
  }

  static GuestMemory MustCreate() {
    absl::StatusOr<GuestMemory> memory = GuestMemory::Create(kMemorySize);
    FUZZ_CHECK(memory.ok());
    return *std::move(memory);
  }
  void Refill() { std::memset(memory_.host_base(), kFill, kMemorySize); }
  bool Untouched() const {
    return std::memcmp(memory_.host_base(), pattern_.data(), kMemorySize) == 0;
  }

  void Load(const ElfImage& image, uint64_t bias, Relocate relocate) {
    if (LoadElf(image, bias, memory_, relocate).ok()) {
      Refill();
    } else {
      FUZZ_CHECK(Untouched());
    }
  }

  static void CheckImage(const ElfImage& image) {
    FUZZ_CHECK(!image.segments.empty());
    FUZZ_CHECK(image.phnum >= 1 && image.phnum <= kMaxPhnum);
    FUZZ_CHECK(image.min_vaddr <= image.max_vaddr && image.max_vaddr <= kMaxElfVaddr);
    uint64_t end = 0;
    for (const ElfSegment& seg : image.segments) {
      FUZZ_CHECK(seg.memsz > 0 && seg.filesz <= seg.memsz);
      FUZZ_CHECK(elf_internal::InBounds(seg.offset, seg.filesz, image.bytes.size()));
      FUZZ_CHECK(seg.vaddr >= end);  // sorted, not overlapping
      end = seg.vaddr + seg.memsz;
      FUZZ_CHECK(end <= kMaxElfVaddr);
    }
  }

  static void Symbolize(const ElfImage& image) {
    const ElfSymbols symbols = ElfSymbols::FromImage(image);
    FUZZ_CHECK(symbols.size() <= kMaxSymbols);
    // Addresses worth asking about: the entry, the image's ends, and a few
    // taken from the file itself (symbol values are in there somewhere).
    std::vector<uint64_t> probes = {image.entry, image.min_vaddr, image.max_vaddr, 0, ~uint64_t{0}};
    for (size_t off = 0; off + 8 <= image.bytes.size() && probes.size() < 64; off += 97) {
      uint64_t v;
      std::memcpy(&v, image.bytes.data() + off, sizeof(v));
      probes.push_back(v);
    }
    for (uint64_t vaddr : probes) {
      auto found = symbols.Lookup(vaddr);
      if (!found.has_value()) continue;
      FUZZ_CHECK(!found->first.empty() && found->first.size() <= 1024);
      FUZZ_CHECK(found->second <= vaddr);
    }
  }

  GuestMemory memory_;
  const std::vector<uint8_t> pattern_;
  // The input as a file, for ReadElfFile (a memfd: no disk, no cleanup).
  UniqueFd file_;
  const std::string file_path_;
};

}  // namespace
}  // namespace hvrun

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static hvrun::Harness harness;  // one guest memory for the whole run
  harness.Run(data, size);
  return 0;
}
