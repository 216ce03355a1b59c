// brk, mmap and friends over one PageMap: see vm.h.
#include "runtime/mm/vm.h"

#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/mm/page_tables.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/shared_anon.h"

namespace hvrt::mm {
namespace {

struct Vm {
  PageMap pages;
  uint64_t brk_base = 0;
  uint64_t brk = 0;
  uint64_t app_lo = 0;  // the app image, page-rounded: mapped, but not ours to free
  uint64_t app_hi = 0;
  uint64_t interp_lo = 0;  // the dynamic linker's image, likewise (0, 0: none)
  uint64_t interp_hi = 0;
  uint64_t out_of_memory = 0;
  uint64_t peak_pages = 0;  // the most pages in use at once (ru_maxrss)
};

constinit Vm g;

// The GiBs of the address space the backend has made usable
// (HV_CALL_MEM_BACK: on kvm a memory slot each, made on first use; sim and
// xen have everything usable and just say yes). A GiB never backed was
// never written by the guest, so it reads as zero.
constexpr uint64_t kBackChunk = 1ull << 30;
constexpr uint64_t kBackChunks = 512;
constinit uint64_t g_backed[kBackChunks / 64] = {};

// Beyond 512 GiB there is no guest memory on any backend (the runtime's
// host-side unit tests run at host addresses there): nothing to back.
bool ChunkBacked(uint64_t gib) {
  return gib >= kBackChunks || ((g_backed[gib / 64] >> (gib % 64)) & 1) != 0;
}

// Makes [addr, addr + len) usable before it is handed out; false if the
// backend cannot (the caller then fails as out of memory).
bool Back(uint64_t addr, uint64_t len) {
  if (len == 0) return true;
  uint64_t first = addr / kBackChunk, last = (addr + len - 1) / kBackChunk;
  bool all = true;
  for (uint64_t c = first; c <= last && all; c++) all = ChunkBacked(c);
  if (all) return true;
  hv_buffer b = {addr, len};
  int64_t r = hv::Call(HV_CALL_MEM_BACK, &b);
  if (r < 0 && r != -abi::kENOSYS) return false;  // ENOSYS: a host with nothing to back
  for (uint64_t c = first; c <= last && c < kBackChunks; c++) g_backed[c / 64] |= 1ull << (c % 64);
  return true;
}

// Back() for a request the app made: a failure is counted as the app
// running out of memory.
bool BackForApp(uint64_t addr, uint64_t len) {
  if (Back(addr, len)) return true;
  g.out_of_memory++;
  return false;
}

// Whether (prot) makes pages usable at all (PROT_NONE does not: such pages
// are only address space, and on kvm get no memory slot until they are).
bool Usable(uint64_t prot) {
  return (prot & (abi::kPROT_READ | abi::kPROT_WRITE | abi::kPROT_EXEC)) != 0;
}

// Zeroes [addr, addr + len), page-aligned, keeping the invariant of vm.h.
void ZeroPages(uint64_t addr, uint64_t len) {
  if (len >= kDiscardMin) {
    hv_buffer b = {addr, len};
    if (hv::Call(HV_CALL_MEM_DISCARD, &b) >= 0) return;
    // The host could not discard: fall through and clear it ourselves.
  }
  // Only the backed GiBs: the others read as zero already (and on kvm
  // cannot be written at all).
  for (uint64_t p = addr; p < addr + len;) {
    uint64_t chunk_end = (p / kBackChunk + 1) * kBackChunk;
    uint64_t n = (chunk_end < addr + len ? chunk_end : addr + len) - p;
    if (ChunkBacked(p / kBackChunk)) Fill(reinterpret_cast<void*>(p), 0, n);
    p += n;
  }
}

// Makes [lo, hi) writable for the runtime's own stores (zeroing, copying)
// where a record says otherwise; the caller re-applies or unmaps after.
// True if it changed anything.
bool Writable(uint64_t lo, uint64_t hi) {
  if (protect::Allows(lo, hi, protect::kRead | protect::kWrite)) return false;
  protect::Apply(lo, hi, protect::kDefault);
  return true;
}

// Frees the pages of [addr, addr + len) (page-aligned, not wrapping) that
// are in use, zeroing them. Pages outside the managed range are left alone.
void Release(uint64_t addr, uint64_t len) {
  uint64_t lo = addr < g.pages.Base() ? g.pages.Base() : addr;
  uint64_t hi = addr + len > g.pages.End() ? g.pages.End() : addr + len;
  // Shared memory stops being shared here first (hvrun maps this process's
  // own pages back where they were a parent's), so that zeroing below never
  // reaches another process's pages; pinned pages stay as they are.
  if (lo < hi) shared_anon::Remove(lo, hi - lo);
  uint64_t p = lo;
  while (p < hi) {
    if (!g.pages.IsUsed(p)) {
      p += kPageSize;
      continue;
    }
    if (shared_anon::Pinned(p)) {  // kept as it is, but unmapped to the app
      uint64_t run = p;
      while (p < hi && g.pages.IsUsed(p) && shared_anon::Pinned(p)) p += kPageSize;
      protect::Unmapped(run, p);
      continue;
    }
    uint64_t run = p;
    while (p < hi && g.pages.IsUsed(p) && !shared_anon::Pinned(p)) p += kPageSize;
    Writable(run, p);
    ZeroPages(run, p - run);
    g.pages.SetFree(run, (p - run) / kPageSize);
    protect::Unmapped(run, p);
  }
}

// Zeroes the in-use pages of [addr, addr + len) and keeps them in use; not
// shared memory (MADV_DONTNEED leaves a shared mapping's data, as on Linux).
void Discard(uint64_t addr, uint64_t len) {
  uint64_t p = addr;
  uint64_t end = addr + len;
  auto plain = [](uint64_t q) {
    return g.pages.Contains(q, kPageSize) && g.pages.IsUsed(q) && !shared_anon::Contains(q) &&
           !shared_anon::Pinned(q);
  };
  while (p < end) {
    if (!plain(p)) {
      p += kPageSize;
      continue;
    }
    uint64_t run = p;
    while (p < end && plain(p)) p += kPageSize;
    protect::ScopedAccess access(run, p);
    ZeroPages(run, p - run);
  }
}

// Whether every page of [addr, addr + len) is mapped: in use, or part of the
// app or interpreter image (whose RELRO glibc mprotects at startup, and must
// succeed).
bool Mapped(uint64_t addr, uint64_t len) {
  for (uint64_t p = addr; p - addr < len; p += kPageSize) {
    if (p >= g.app_lo && p < g.app_hi) continue;
    if (p >= g.interp_lo && p < g.interp_hi) continue;
    if (!g.pages.Contains(p, kPageSize) || !g.pages.IsUsed(p)) return false;
  }
  // Pinned pages are in use, but the app unmapped them.
  return !shared_anon::PinnedIn(addr, addr + len);
}

// Marks [addr, addr + len) in use with (prot) (protect.h); false if the
// protection table is full (the pages stay free).
bool Take(uint64_t addr, uint64_t len, uint64_t prot) {
  // In use first: a page table split on kvm must not take one of these.
  g.pages.SetUsed(addr, len / kPageSize);
  if (g.pages.UsedPages() > g.peak_pages) g.peak_pages = g.pages.UsedPages();
  if (protect::Mapped(addr, addr + len, static_cast<uint32_t>(prot))) return true;
  g.pages.SetFree(addr, len / kPageSize);
  return false;
}

// Takes (npages) top-down, ending at or below (limit), with (prot): backed
// unless PROT_NONE. 0 (counted) if there is no such run.
uint64_t TakeTopDown(uint64_t npages, uint64_t limit = ~uint64_t{0},
                     uint64_t prot = protect::kDefault) {
  uint64_t a = g.pages.FindTopDown(npages, limit);
  if (a == 0) {
    g.out_of_memory++;
    return 0;
  }
  if (Usable(prot) && !BackForApp(a, npages * kPageSize)) return 0;
  if (!Take(a, npages * kPageSize, prot)) {
    g.out_of_memory++;
    return 0;
  }
  return a;
}

// A page for a split page table (page_tables.h): the runtime's for good.
// From the first GiB where there is one: a forked child's VM starts with
// only that GiB's memory slot (BackAgain makes the others), and the CPU
// must be able to walk its tables from the first instruction.
uint64_t TablePage() {
  uint64_t a = g.pages.FindTopDown(1, kBackChunk);
  if (a == 0) a = g.pages.FindTopDown(1);
  if (a == 0 || !Back(a, kPageSize)) return 0;
  g.pages.SetUsed(a, 1);  // free pages read as zero, and are read/write on kvm
  return a;
}

// Whether (len) is small enough to round up to pages without overflow and
// could ever fit.
bool Plausible(uint64_t len) { return len <= g.pages.End(); }

}  // namespace

bool Init(const hv_mem_region& free, const hv_mem_region& app, const hv_mem_region& interp) {
  g = Vm{};
  shared_anon::Reset();
  protect::Init();
  page_tables::SetTablePageSource(TablePage);
  uint64_t end = free.start + free.size;
  bool zeroed = (boot::Info().flags & HV_BOOT_ZEROED_MEMORY) != 0;
  if (end < free.start || !g.pages.Init(PageUp(free.start), PageDown(end), zeroed)) return false;
  protect::Unmapped(g.pages.Base(), g.pages.End());
  g.app_lo = PageDown(app.start);
  g.app_hi = PageUp(app.start + app.size);
  Fill(g_backed, 0, sizeof g_backed);
  // What hvrun loaded, and the page bitmap at the front of (free).
  if (!Back(g.app_lo, g.app_hi - g.app_lo) ||
      !Back(PageUp(free.start), g.pages.Base() - PageUp(free.start)))
    return false;
  if (interp.size != 0) {
    if (!Back(PageDown(interp.start), PageUp(interp.start + interp.size) - PageDown(interp.start)))
      return false;
    g.interp_lo = PageDown(interp.start);
    g.interp_hi = PageUp(interp.start + interp.size);
  }
  // Linux starts brk at the page after the app's bss; ours can start no lower
  // than the first managed page.
  g.brk_base = g.app_hi > g.pages.Base() ? g.app_hi : g.pages.Base();
  if (g.brk_base > g.pages.End()) g.brk_base = g.pages.End();
  g.brk = g.brk_base;
  return true;
}

void BackAgain() {
  for (uint64_t c = 0; c < kBackChunks; c++) {
    if (((g_backed[c / 64] >> (c % 64)) & 1) == 0) continue;
    hv_buffer b = {c * kBackChunk, kBackChunk};
    hv::Call(HV_CALL_MEM_BACK, &b);
  }
}

void DropDontFork() {
  uint64_t lo, hi;
  for (uint64_t p = 0; protect::NextWith(p, protect::kDontFork, &lo, &hi); p = hi)
    Munmap(lo, hi - lo);
}

void Reprotect() {
  if (protect::UnmappedEnforced()) {
    protect::Apply(g.pages.Base(), g.pages.End(), 0);
    for (uint64_t p = g.pages.Base(); p < g.pages.End();) {
      const uint64_t used = g.pages.NextUsed(p);
      if (used >= g.pages.End()) break;
      const uint64_t free = g.pages.NextFree(used);
      protect::Apply(used, free, protect::kDefault);
      p = free;
    }
  }
  protect::ApplyAll();
}

void ExecReset(const hv_mem_region& app, const hv_mem_region& interp, ForEachKept kept) {
  // The old program's protections go first (its images' too: the new
  // program is loaded there read/write/execute).
  protect::Reset();
  // The runtime's own extents are hidden for a moment, so that every page
  // still in use is the old program's: each such run is zeroed and freed.
  kept([](uint64_t a, uint64_t len) { g.pages.SetFree(a, PageUp(len) / kPageSize); });
  page_tables::ForEachTable([](uint64_t page) { g.pages.SetFree(page, 1); });
  for (uint64_t p = g.pages.Base(); p < g.pages.End();) {
    const uint64_t used = g.pages.NextUsed(p);
    if (used >= g.pages.End()) break;
    const uint64_t free = g.pages.NextFree(used);
    Release(used, free - used);
    p = free;
  }
  kept([](uint64_t a, uint64_t len) { g.pages.SetUsed(a, PageUp(len) / kPageSize); });
  page_tables::ForEachTable([](uint64_t page) { g.pages.SetUsed(page, 1); });
  g.app_lo = PageDown(app.start);
  g.app_hi = PageUp(app.start + app.size);
  g.interp_lo = interp.size != 0 ? PageDown(interp.start) : 0;
  g.interp_hi = interp.size != 0 ? PageUp(interp.start + interp.size) : 0;
  g.brk_base = g.app_hi > g.pages.Base() ? g.app_hi : g.pages.Base();
  if (g.brk_base > g.pages.End()) g.brk_base = g.pages.End();
  g.brk = g.brk_base;
}

uint64_t LimitBytes() {
  const hv_boot_info& bi = boot::Info();
  return bi.memory_limit != 0 ? bi.memory_limit : bi.memory.size;
}

uint64_t FreeBytes() {
  const uint64_t limit = LimitBytes();
  const uint64_t used = g.pages.UsedPages() * kPageSize;
  return used < limit ? limit - used : 0;
}

Range MainStack() {
  const uint64_t hi = Pages().End();
  const uint64_t bytes = PageUp(boot::Info().stack_size);
  return {bytes <= hi - Pages().Base() ? hi - bytes : hi, hi};
}

uint64_t AllocTopDown(uint64_t bytes) {
  if (bytes == 0 || !Plausible(bytes)) {
    g.out_of_memory++;
    return 0;
  }
  return TakeTopDown(PageUp(bytes) / kPageSize);
}

uint64_t AllocStack(uint64_t bytes) {
  if (bytes == 0 || !Plausible(bytes + kStackGuard)) {
    g.out_of_memory++;
    return 0;
  }
  const uint64_t lo = TakeTopDown((PageUp(bytes) + kStackGuard) / kPageSize);
  if (lo == 0) return 0;
  // The gap: in use (nothing else is placed there), no access.
  if (!protect::Set(lo, lo + kStackGuard, 0)) {
    Release(lo, PageUp(bytes) + kStackGuard);
    g.out_of_memory++;
    return 0;
  }
  return lo + kStackGuard;
}

// Brk implements Linux syscall brk(2): returns the new break, or the old one
// if it cannot move (glibc's sbrk sees that as failure). brk(0) queries.
int64_t Brk(uint64_t addr) {
  if (addr < g.brk_base) return static_cast<int64_t>(g.brk);
  if (addr > g.pages.End()) {
    g.out_of_memory++;
    return static_cast<int64_t>(g.brk);
  }
  uint64_t old_top = PageUp(g.brk);
  uint64_t new_top = PageUp(addr);
  if (new_top > old_top) {
    uint64_t n = (new_top - old_top) / kPageSize;
    if (!g.pages.AllFree(old_top, n)) {  // mmap got there first
      g.out_of_memory++;
      return static_cast<int64_t>(g.brk);
    }
    if (!BackForApp(old_top, new_top - old_top)) return static_cast<int64_t>(g.brk);
    if (!Take(old_top, new_top - old_top, protect::kDefault)) {
      g.out_of_memory++;
      return static_cast<int64_t>(g.brk);
    }
  } else if (new_top < old_top) {
    Release(new_top, old_top - new_top);
  }
  g.brk = addr;
  return static_cast<int64_t>(addr);
}

namespace {

// A new anonymous mapping at (addr) (or an error) of (bytes): a MAP_SHARED
// one is shared with children forked later (shared_anon.h). Returns (addr).
int64_t Shared(int64_t addr, uint64_t bytes, uint64_t flags) {
  if (addr < 0 || (flags & abi::kMAP_TYPE) == abi::kMAP_PRIVATE) return addr;
  if (int64_t r = shared_anon::Add(static_cast<uint64_t>(addr), bytes); r < 0) {
    Release(static_cast<uint64_t>(addr), bytes);
    return r;
  }
  return addr;
}

}  // namespace

// Mmap implements Linux syscall mmap(2) for anonymous memory. File-backed
// mappings are -ENODEV here: sys_mmap maps in-guest files itself (anonymous
// pages holding a copy) before it gets here.
int64_t Mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int64_t fd, uint64_t off) {
  if (len == 0 || (off & kPageMask) != 0) return -abi::kEINVAL;
  uint64_t type = flags & abi::kMAP_TYPE;
  if (type != abi::kMAP_SHARED && type != abi::kMAP_PRIVATE && type != abi::kMAP_SHARED_VALIDATE)
    return -abi::kEINVAL;
  if ((flags & abi::kMAP_ANONYMOUS) == 0) return -abi::kENODEV;
  if ((flags & abi::kMAP_HUGETLB) != 0) return -abi::kEINVAL;  // no huge pages to give
  if (!Plausible(len)) {
    g.out_of_memory++;
    return -abi::kENOMEM;
  }
  uint64_t bytes = PageUp(len);
  uint64_t npages = bytes / kPageSize;
  // A PROT_NONE reservation is only address space until mprotect makes
  // part of it usable (on kvm: no memory slot for it yet).
  bool reserve_only = !Usable(prot);

  if ((flags & (abi::kMAP_FIXED | abi::kMAP_FIXED_NOREPLACE)) != 0) {
    if ((addr & kPageMask) != 0) return -abi::kEINVAL;
    if (!g.pages.Contains(addr, bytes)) return -abi::kENOMEM;  // not memory we manage
    if ((flags & abi::kMAP_FIXED_NOREPLACE) != 0) {            // wins over MAP_FIXED, as in Linux
      if (!g.pages.AllFree(addr, npages)) return -abi::kEEXIST;
    }
    if (!reserve_only && !BackForApp(addr, bytes)) return -abi::kENOMEM;
    if ((flags & abi::kMAP_FIXED_NOREPLACE) == 0) {
      Release(addr, bytes);  // the new mapping's pages must read as zero
    }
    if (!Take(addr, bytes, prot)) return -abi::kENOMEM;
    return Shared(static_cast<int64_t>(addr), bytes, flags);
  }

  // A hint is honoured if that range is free, as Linux does.
  uint64_t hint = addr <= g.pages.End() ? PageUp(addr) : 0;
  if (hint != 0 && g.pages.Contains(hint, bytes) && g.pages.AllFree(hint, npages) &&
      (reserve_only || Back(hint, bytes)) && Take(hint, bytes, prot)) {
    return Shared(static_cast<int64_t>(hint), bytes, flags);
  }
  // MAP_32BIT: in the first 2 GiB, as Linux places it.
  uint64_t a =
      TakeTopDown(npages, (flags & abi::kMAP_32BIT) != 0 ? 1ull << 31 : ~uint64_t{0}, prot);
  return a == 0 ? -abi::kENOMEM : Shared(static_cast<int64_t>(a), bytes, flags);
}

// Munmap implements Linux syscall munmap(2). Any part of the range may be
// unmapped already (that is no error); parts outside the managed memory (the
// app image) are not unmapped.
int64_t Munmap(uint64_t addr, uint64_t len) {
  if ((addr & kPageMask) != 0 || len == 0 || !Plausible(len)) return -abi::kEINVAL;
  uint64_t bytes = PageUp(len);
  if (addr + bytes < addr) return -abi::kEINVAL;
  Release(addr, bytes);
  return 0;
}

// Mprotect implements Linux syscall mprotect(2): the range must be mapped
// (-ENOMEM if not), as Linux checks; protect.h records it and has the
// backend enforce it.
int64_t Mprotect(uint64_t addr, uint64_t len, uint64_t prot) {
  constexpr uint64_t kKnown = abi::kPROT_READ | abi::kPROT_WRITE | abi::kPROT_EXEC |
                              0x01000000 /* PROT_GROWSDOWN */ | 0x02000000 /* PROT_GROWSUP */;
  if ((addr & kPageMask) != 0 || (prot & ~kKnown) != 0) return -abi::kEINVAL;
  if (len == 0) return 0;
  if (!Plausible(len) || addr + PageUp(len) < addr) return -abi::kENOMEM;
  if (!Mapped(addr, PageUp(len))) return -abi::kENOMEM;
  // Made usable (a PROT_NONE reservation's part): backed from now on.
  if (Usable(prot) && !BackForApp(addr, PageUp(len))) return -abi::kENOMEM;
  if (!protect::SetProt(addr, addr + PageUp(len), static_cast<uint32_t>(prot)))
    return -abi::kENOMEM;  // Linux too, past vm.max_map_count
  return 0;
}

bool IsMapped(uint64_t addr, uint64_t len) {
  return (addr & kPageMask) == 0 && Plausible(len) && addr + PageUp(len) >= addr &&
         Mapped(addr, PageUp(len));
}

bool Accessible(uint64_t addr, uint64_t len, bool write) {
  if (len == 0) return true;
  const uint64_t lo = PageDown(addr);
  if (addr + len < addr || addr + len > ~kPageMask) return false;
  const uint64_t hi = PageUp(addr + len);
  const uint64_t mlo = lo > g.pages.Base() ? lo : g.pages.Base();
  const uint64_t mhi = hi < g.pages.End() ? hi : g.pages.End();
  if (mlo < mhi &&
      (!g.pages.AllUsed(mlo, (mhi - mlo) / kPageSize) || shared_anon::PinnedIn(mlo, mhi)))
    return false;
  return protect::Allows(lo, hi, write ? protect::kRead | protect::kWrite : protect::kRead);
}

// Madvise implements Linux syscall madvise(2). MADV_DONTNEED and MADV_FREE
// leave the in-use pages of the range reading as zero (the app image is left
// as it is); MADV_DONTFORK/DOFORK mark the range for fork (DropDontFork);
// every other advice is accepted and ignored.
int64_t Madvise(uint64_t addr, uint64_t len, uint64_t advice) {
  if ((addr & kPageMask) != 0) return -abi::kEINVAL;
  if (len == 0) return 0;
  if (!Plausible(len) || addr + PageUp(len) < addr) return -abi::kENOMEM;
  uint64_t bytes = PageUp(len);
  constexpr uint64_t kMADV_DONTFORK = 10, kMADV_DOFORK = 11;
  if (advice == kMADV_DONTFORK || advice == kMADV_DOFORK) {
    if (!Mapped(addr, bytes)) return -abi::kENOMEM;
    const bool dont = advice == kMADV_DONTFORK;
    return protect::Change(addr, addr + bytes, dont ? 0 : protect::kDontFork,
                           dont ? protect::kDontFork : 0)
               ? 0
               : -abi::kENOMEM;
  }
  if (advice != abi::kMADV_DONTNEED && advice != abi::kMADV_FREE) return 0;
  if (!Mapped(addr, bytes)) return -abi::kENOMEM;
  Discard(addr, bytes);
  return 0;
}

namespace {

// mremap's move: the bytes and their protection go from [from, +from_len)
// to the fresh (read/write) [to, +to_len); pages it grows by take the
// protection of the last old page, as Linux extends the mapping. Then the
// old range is unmapped.
void MoveContents(uint64_t from, uint64_t from_len, uint64_t to, uint64_t to_len) {
  const uint64_t n = from_len < to_len ? from_len : to_len;
  Writable(from, from + n);  // PROT_NONE pages move too; read them here
  Copy(reinterpret_cast<void*>(to), reinterpret_cast<const void*>(from), n);
  protect::Move(from, n, to);
  if (to_len > from_len)
    protect::Set(to + from_len, to + to_len, protect::At(from + from_len - kPageSize));
  Release(from, from_len);
}

}  // namespace

// Mremap implements Linux syscall mremap(2): shrink in place, grow in place
// when the pages above are free, else move (MREMAP_MAYMOVE) or place at
// (new_addr) (MREMAP_FIXED). Not supported: MREMAP_DONTUNMAP and
// old_len == 0 (duplicating a shared mapping): -EINVAL.
int64_t Mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
               uint64_t new_addr) {
  constexpr uint64_t kKnown = abi::kMREMAP_MAYMOVE | abi::kMREMAP_FIXED | abi::kMREMAP_DONTUNMAP;
  if ((flags & ~kKnown) != 0 || (flags & abi::kMREMAP_DONTUNMAP) != 0) return -abi::kEINVAL;
  if ((flags & abi::kMREMAP_FIXED) != 0 && (flags & abi::kMREMAP_MAYMOVE) == 0)
    return -abi::kEINVAL;
  if ((old_addr & kPageMask) != 0 || new_len == 0) return -abi::kEINVAL;
  // old_len 0 duplicates a shared mapping, which needs a shared mapping (not
  // kept here): in place there is no room (ENOMEM), else EINVAL.
  if (old_len == 0) return (flags & abi::kMREMAP_MAYMOVE) == 0 ? -abi::kENOMEM : -abi::kEINVAL;
  if (!Plausible(new_len)) {
    g.out_of_memory++;
    return -abi::kENOMEM;
  }
  if (!Plausible(old_len)) return -abi::kEFAULT;
  uint64_t old_bytes = PageUp(old_len);
  uint64_t new_bytes = PageUp(new_len);
  if (!g.pages.Contains(old_addr, old_bytes) || !g.pages.AllUsed(old_addr, old_bytes / kPageSize))
    return -abi::kEFAULT;
  // The bytes move or grow: usable (backed) from here on, even if they were
  // a PROT_NONE reservation.
  if (!BackForApp(old_addr, old_bytes)) return -abi::kENOMEM;

  if ((flags & abi::kMREMAP_FIXED) != 0) {
    if ((new_addr & kPageMask) != 0) return -abi::kEINVAL;
    if (!g.pages.Contains(new_addr, new_bytes)) return -abi::kENOMEM;
    if (new_addr < old_addr + old_bytes && old_addr < new_addr + new_bytes) return -abi::kEINVAL;
    if (!BackForApp(new_addr, new_bytes)) return -abi::kENOMEM;
    Release(new_addr, new_bytes);
    if (!Take(new_addr, new_bytes, protect::kDefault)) return -abi::kENOMEM;
    MoveContents(old_addr, old_bytes, new_addr, new_bytes);
    return static_cast<int64_t>(new_addr);
  }

  if (new_bytes <= old_bytes) {
    Release(old_addr + new_bytes, old_bytes - new_bytes);
    return static_cast<int64_t>(old_addr);
  }
  uint64_t tail = old_addr + old_bytes;
  uint64_t extra = new_bytes - old_bytes;
  if (g.pages.Contains(tail, extra) && g.pages.AllFree(tail, extra / kPageSize) &&
      Back(tail, extra) && Take(tail, extra, protect::At(tail - kPageSize) & protect::kDefault)) {
    return static_cast<int64_t>(old_addr);
  }
  // Cannot grow in place. Without MREMAP_MAYMOVE that is the app's answer,
  // not an exhaustion, so it is not counted.
  if ((flags & abi::kMREMAP_MAYMOVE) == 0) return -abi::kENOMEM;
  uint64_t a = TakeTopDown(new_bytes / kPageSize);
  if (a == 0) return -abi::kENOMEM;
  MoveContents(old_addr, old_bytes, a, new_bytes);
  return static_cast<int64_t>(a);
}

uint64_t OutOfMemoryCount() { return g.out_of_memory; }
uint64_t PeakBytes() {
  return g.peak_pages * kPageSize + (g.app_hi - g.app_lo) + (g.interp_hi - g.interp_lo);
}
const PageMap& Pages() { return g.pages; }
uint64_t BrkBase() { return g.brk_base; }
uint64_t BrkEnd() { return g.brk; }

}  // namespace hvrt::mm
