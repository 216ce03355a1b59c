// File: runtime/mm/protect.h
//
// Page protection: what mprotect, PROT_NONE and munmap mean to the CPU.
// A table of page ranges whose access differs from the default of mapped
// memory (read, write, execute): PROT_NONE and read-only ranges, and file
// pages past the end of their file, where an access raises SIGBUS. The
// backend makes it real where it can (hv_boot_info: sim's host mprotect,
// kvm's page tables); xen only keeps the table, which still answers which
// app buffers a syscall may touch (user::RangeOk) and what a fault means.
//
// Pages nobody has mapped are the caller's (vm.cc) to make inaccessible
// with Apply(lo, hi, 0); they have no record here.
//
// Example:
//   protect::Set(a, a + 4096, kRead);       // mprotect(a, 4096, PROT_READ)
//   if (protect::At(a) & kBus) ...           // a fault there is SIGBUS
#ifndef HVRT_MM_PROTECT_H_
#define HVRT_MM_PROTECT_H_

#include <stdint.h>

namespace hvrt::mm::protect {

// A range's attributes: Linux's PROT_READ/WRITE/EXEC bits, and kBus.
inline constexpr uint32_t kRead = 1, kWrite = 2, kExec = 4;
inline constexpr uint32_t kDefault = kRead | kWrite | kExec;
inline constexpr uint32_t kBus = 8;  // a file page past EOF: SIGBUS on access
// MADV_DONTFORK: a forked child does not get the range (no access meaning).
inline constexpr uint32_t kDontFork = 16;
// Records the table can hold (Linux's default vm.max_map_count is 65530;
// records here are only the ranges that differ from read/write/execute).
inline constexpr int kMaxRanges = 16384;

// Reads the backend's means from boot info; forgets every record.
void Init();
// Whether the backend enforces protection (sim, kvm): else the table is
// bookkeeping only.
bool Enforced();

// Makes [lo, hi) (page-aligned) have (attr): recorded, and applied by the
// backend. False (nothing changed) if the table has no room left.
bool Set(uint64_t lo, uint64_t hi, uint32_t attr);
// Each page of [lo, hi) loses the attributes in (clear) and gains (set).
bool Change(uint64_t lo, uint64_t hi, uint32_t clear, uint32_t set);
// mprotect: as Set with (prot), but pages past EOF stay kBus.
bool SetProt(uint64_t lo, uint64_t hi, uint32_t prot);
// [lo, hi) was unmapped: its records go (the caller applies what unmapped
// pages are).
void Forget(uint64_t lo, uint64_t hi);
// mremap moved (len) bytes from (from) to (to): the records follow (the
// caller has Forgotten the target and forgets the source after).
bool Move(uint64_t from, uint64_t len, uint64_t to);

// The first range at or above (from) whose records all have (bit), as
// [*lo, *hi); false if there is none.
bool NextWith(uint64_t from, uint32_t bit, uint64_t* lo, uint64_t* hi);
// The next address above (addr) where the attributes may change (a record's
// start or end); ~0 if none.
uint64_t NextEdge(uint64_t addr);
// The attributes of the page at (addr): kDefault where nothing is recorded.
uint32_t At(uint64_t addr);
// Whether every page of [lo, hi) allows (need) (and none is kBus).
bool Allows(uint64_t lo, uint64_t hi, uint32_t need);

// What vm.cc calls as pages come and go. Where the backend makes that
// cheap (sim: one host mprotect), unmapped pages are no access, so that a
// stray pointer into them faults as on Linux; on kvm, where every change
// rewrites page tables and reloads CR3, they stay read/write (and read as
// zero), and only the ranges that had records are put back.
// [lo, hi) was just unmapped (its records go):
void Unmapped(uint64_t lo, uint64_t hi);
// [lo, hi) was just mapped with (prot); false if the table is full.
bool Mapped(uint64_t lo, uint64_t hi, uint32_t prot);
// Whether unmapped pages are no access (sim).
bool UnmappedEnforced();

// Applies (prot) to [lo, hi) on the backend only (no record), for a
// moment's access of the runtime's own (zeroing, copying) ...
void Apply(uint64_t lo, uint64_t hi, uint32_t prot);
// ... after which the records of [lo, hi) are applied again.
void Reapply(uint64_t lo, uint64_t hi);
// The runtime's own access to app pages, whatever their protection: opens
// [lo, hi) (widened to pages) for the scope where a record forbids reading
// or writing it, and applies the records again at its end.
class ScopedAccess {
 public:
  ScopedAccess(uint64_t lo, uint64_t hi);
  ~ScopedAccess();
  ScopedAccess(const ScopedAccess&) = delete;
  ScopedAccess& operator=(const ScopedAccess&) = delete;

 private:
  uint64_t lo_, hi_;
  bool opened_;
};

// A forked child's memory starts with no protection at all: applies every
// record again (vm.cc then applies its unmapped pages).
void ApplyAll();
// execve: every record goes and its pages are read/write/execute again.
void Reset();

// For tests and /proc/self/maps.
int Count();

}  // namespace hvrt::mm::protect

#endif  // HVRT_MM_PROTECT_H_
