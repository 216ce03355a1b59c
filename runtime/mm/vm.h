// File: runtime/mm/vm.h
//
// The app's address space inside boot_info.free: brk grows up from the bottom,
// mmap allocates top-down, both from one PageMap. Guest memory is already
// mapped read/write/execute (hvrun maps it all once), so "mapping" is
// bookkeeping (which pages are in use) plus protection (protect.h): what
// mprotect and PROT_NONE say, and on sim no access to unmapped pages.
//
// Invariant: a free page is all zero. Fresh guest memory is zero, and every
// page is zeroed when it is freed (munmap, brk shrink, MAP_FIXED over it) or
// discarded (MADV_DONTNEED): with memset below 64 KiB, and with
// HV_CALL_MEM_DISCARD (the host zeroes and frees the backing memory) for
// larger ranges. So allocation never has to clear memory.
//
// Each function implements the Linux call of the same name and returns what
// it returns (an address, or -errno). A request that cannot be satisfied for
// lack of free pages is counted in OutOfMemoryCount(), which hvrun reports
// at exit (hv_exit.out_of_memory).
//
// Example:
//   hvrt::mm::Init(boot.free, boot.app, boot.interp);
//   int64_t a = hvrt::mm::Mmap(0, 8192, PROT_READ | PROT_WRITE,
//                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#ifndef HVRT_MM_VM_H_
#define HVRT_MM_VM_H_

#include <stdint.h>

#include "hv/abi.h"
#include "runtime/mm/page_map.h"

namespace hvrt::mm {

// Ranges of at least this many bytes are zeroed with HV_CALL_MEM_DISCARD.
inline constexpr uint64_t kDiscardMin = 64 << 10;

// Takes over (free) (rounded inward to pages). (app) is the app image: brk
// starts above it, and mprotect/madvise accept it as mapped; so is
// (interp), the dynamic linker's image (size 0: none). Returns false
// if (free) is too small to manage.
bool Init(const hv_mem_region& free, const hv_mem_region& app, const hv_mem_region& interp);

// A forked child's backend starts with only the first GiB usable: asks it
// for every GiB the parent had backed (the copy holds their contents).
void BackAgain();
// A forked child: its memory is a copy, but not its protection (a sim child
// maps guest memory read/write/execute): applies it all again.
void Reprotect();
// A forked child: unmaps what the parent marked MADV_DONTFORK. (The caller
// drops the runtime's other knowledge of those ranges first.)
void DropDontFork();
// execve in place: frees every page the old program held, keeping what
// (kept) names (it calls its argument with each extent the runtime keeps:
// tmpfs file data, the new argv), and takes (app) and (interp) as the new
// images (below Base(), where hvrun loads them). brk starts over.
using ExtentFn = void (*)(uint64_t addr, uint64_t len);
using ForEachKept = void (*)(ExtentFn fn);
void ExecReset(const hv_mem_region& app, const hv_mem_region& interp, ForEachKept kept);
// Allocates (bytes) top-down for the runtime's own use (the app's main
// stack). Returns the address or 0 (counted as out of memory).
uint64_t AllocTopDown(uint64_t bytes);
// The app's main stack: AllocTopDown(bytes) with a guard gap of
// kStackGuard below it, PROT_NONE (as Linux's stack_guard_gap), so that an
// overflow faults instead of running into what is mapped below. Returns
// the stack's low end, or 0.
inline constexpr uint64_t kStackGuard = 1 << 20;
uint64_t AllocStack(uint64_t bytes);

// The main thread's stack, [lo, hi): the first top-down allocation at boot,
// so the top stack_size bytes of the managed memory.
struct Range {
  uint64_t lo, hi;
};
Range MainStack();

int64_t Brk(uint64_t addr);
int64_t Mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int64_t fd, uint64_t off);
int64_t Munmap(uint64_t addr, uint64_t len);
int64_t Mprotect(uint64_t addr, uint64_t len, uint64_t prot);
// Whether every page of [addr, addr + len) (addr page-aligned, len rounded
// up) is mapped, as mprotect would check, without changing anything.
bool IsMapped(uint64_t addr, uint64_t len);
// Whether the app may read (and, with (write), write) every byte of
// [addr, addr + len): no unmapped page of the managed memory, and nothing
// protect.h forbids. (len) 0 is always allowed.
bool Accessible(uint64_t addr, uint64_t len, bool write);
int64_t Madvise(uint64_t addr, uint64_t len, uint64_t advice);
int64_t Mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
               uint64_t new_addr);

// The memory the guest may use (--memory; all guest memory without one),
// and how much of it is not handed out: what sysinfo, /proc/meminfo and
// tmpfs's statfs report.
uint64_t LimitBytes();
uint64_t FreeBytes();

// How many memory requests failed for lack of free pages.
uint64_t OutOfMemoryCount();
// The most memory the process has had in use: its images and the peak of
// pages handed out (Linux's ru_maxrss counts resident pages; here every
// page handed out counts, touched or not).
uint64_t PeakBytes();

// For tests and diagnostics.
const PageMap& Pages();
uint64_t BrkBase();
// The current break (brk(0)'s answer), for /proc/self/maps.
uint64_t BrkEnd();

}  // namespace hvrt::mm

#endif  // HVRT_MM_VM_H_
