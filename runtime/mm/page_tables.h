// File: runtime/mm/page_tables.h
//
// kvm: page protection in the guest's own page tables. hvrun builds them
// identity-mapped (virtual = guest physical) with 1 GiB or 2 MiB pages above
// the first 2 MiB, and leaves them writable at CPL3 where the host emulates
// guest CPL0 (kvm_pvm); hv_boot_info.page_table_root says so. Protect()
// rewrites the entries of a range: not present for no access, read-only
// without PROT_WRITE; a large page that the range covers only in part is
// split into a fresh table first (built completely before the one entry
// that links it is written, so that a shadow MMU sees one write, not 512).
// Then tlb_flush_entry makes the CPU see it (at CPL0: an invlpg per page,
// or one CR3 reload for a large range, which a shadow MMU pays dearly for).
//
// PROT_EXEC is not enforced: hvrun does not turn on EFER.NXE.
// Tables made by splits come from the runtime's page allocator
// (SetTablePageSource) and are never given back: at most one 4 KiB table
// per 2 MiB of address space ever split, one per GiB for 1 GiB pages.
#ifndef HVRT_MM_PAGE_TABLES_H_
#define HVRT_MM_PAGE_TABLES_H_

#include <stdint.h>

namespace hvrt::mm::page_tables {

// Takes the tables rooted at (root) (a PML4) and the flush stub (flush:
// void f(uint64_t addr, uint64_t pages)). False if the root is not what
// hvrun builds.
bool Init(uint64_t root, uint64_t flush);

// Where split tables come from: a zeroed, backed page, or 0 if none is left
// (then the range keeps its large page's access).
using PageSource = uint64_t (*)();
void SetTablePageSource(PageSource source);
// At most this many split tables (then a range keeps its large page's
// access): 32 GiB of address space split to 4 KiB pages.
inline constexpr uint32_t kMaxTables = 16384;
// Calls (fn) with every table page made so far: they live as long as the
// process (execve must not free them: the tables still point at them).
void ForEachTable(void (*fn)(uint64_t page));

// Gives [lo, hi) (page-aligned, below 512 GiB) the access of (prot):
// Linux PROT_READ/WRITE/EXEC bits; 0 is no access. Without (flush), the
// caller flushes (FlushAll) once after a batch.
void Protect(uint64_t lo, uint64_t hi, uint32_t prot, bool flush = true);
// Makes the CPU drop every cached translation (one CR3 reload).
void FlushAll();

}  // namespace hvrt::mm::page_tables

#endif  // HVRT_MM_PAGE_TABLES_H_
