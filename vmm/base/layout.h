// File: layout.h
//
// Magic addresses and sizes that lay out guest memory, for every backend.
// Guest virtual addresses equal guest physical addresses: one address space,
// mapped once at boot (DESIGN.md contract 4).
//
//   0x0000_0000  null page, never mapped
//   0x0000_1000  boot info (struct hv_boot_info), one page
//   0x0000_2000  backend pages: hypercall page, sim mailbox, CPU tables/stubs
//   0x0001_0000  argv/envp strings
//   0x0004_0000  kvm: page tables (PML4, PDPT, one PT, one PD per GiB)
//   0x0008_0000  runtime boot stack (grows down from 0x10_0000)
//   0x0010_0000  runtime image (static-pie, placed here by hvrun)
//   0x0040_0000  app image (ET_EXEC links here; static-pie apps are placed here)
//   app end ...  the dynamic linker (a dynamically linked app), then free
//                memory the runtime manages: brk, mmap, stacks
//   mem_size     end of the guest's address space (kAddressSpace on sim and
//                kvm, of which only what is touched costs memory; --memory
//                on xen, which populates it all)
#ifndef VMM_BASE_LAYOUT_H_
#define VMM_BASE_LAYOUT_H_

#include <cstdint>

namespace hvrun::layout {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kBootInfo = 0x1000;
inline constexpr uint64_t kBackendPages = 0x2000;
inline constexpr uint64_t kBackendPagesEnd = 0x10000;
inline constexpr uint64_t kStrings = 0x10000;
inline constexpr uint64_t kStringsEnd = 0x40000;
inline constexpr uint64_t kPageTables = 0x40000;
inline constexpr uint64_t kPageTablesEnd = 0x80000;
inline constexpr uint64_t kRuntimeStackTop = 0x100000;
inline constexpr uint64_t kRuntimeBase = 0x100000;
inline constexpr uint64_t kRuntimeEnd = 0x400000;  // the runtime image must end below
inline constexpr uint64_t kAppPieBase = 0x400000;
// Programs (the app and its interpreter) live in [kRuntimeEnd, kImageAreaEnd)
// on elastic backends, below the runtime's free memory, so that execve can
// load a larger program in place without meeting the runtime's own pages.
// Untouched pages cost nothing.
inline constexpr uint64_t kImageAreaEnd = 0x10000000;  // 256 MiB
inline constexpr uint64_t kAppStackSize = 8ull << 20;  // RLIMIT_STACK's usual 8 MiB

inline constexpr uint64_t kMinMemory = 16ull << 20;
// The largest --memory (a limit on memory used on sim and kvm).
inline constexpr uint64_t kMaxMemory = 1ull << 40;
// The guest's address space on sim and kvm: a memfd that only costs what the
// guest touches, so reservations of GiBs (thread stacks, Go/Java/V8 heaps,
// PROT_NONE) cost nothing. At most kMaxAddressSpace (one PDPT of 1 GiB
// pages on kvm; far below a host PIE's mappings on sim), at least --memory.
inline constexpr uint64_t kAddressSpace = 128ull << 30;
inline constexpr uint64_t kMaxAddressSpace = 512ull << 30;
// Where the page tables have no 1 GiB pages, 2 MiB pages in one page
// directory per GiB between kPageTables and kPageTablesEnd map this much
// (xen)...
inline constexpr uint64_t kMaxAddressSpace2M = 61ull << 30;
// ...or, with the directories in this much at the top of guest memory, kept
// from the runtime (Backend::ReservedTop), up to kMaxAddressSpace (kvm).
inline constexpr uint64_t kTopTablesSize = 2ull << 20;
// Guest memory comes in whole 2 MiB pages (the KVM page tables map 2 MiB pages).
inline constexpr uint64_t kMemoryGranule = 2ull << 20;
// Xen populates all of guest memory: its default size (--memory not given).
inline constexpr uint64_t kDefaultXenMemory = 512ull << 20;

constexpr uint64_t PageDown(uint64_t x) { return x & ~(kPageSize - 1); }
constexpr uint64_t PageUp(uint64_t x) { return (x + kPageSize - 1) & ~(kPageSize - 1); }

}  // namespace hvrun::layout

#endif  // VMM_BASE_LAYOUT_H_
