// File: runtime/mm/page_map.h
//
// PageMap: one bit per 4 KiB page of the free memory hvrun hands the runtime
// (boot_info.free); a set bit is a page in use. It allocates nothing itself:
// the bitmap lives in the first pages of the range it describes.
//
// Example:
//   PageMap pages;
//   pages.Init(free_start, free_end);
//   uint64_t a = pages.FindTopDown(4);   // 16 KiB, as high as possible
//   if (a != 0) pages.SetUsed(a, 4);
#ifndef HVRT_MM_PAGE_MAP_H_
#define HVRT_MM_PAGE_MAP_H_

#include <stdint.h>

namespace hvrt::mm {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPageMask = kPageSize - 1;

constexpr uint64_t PageDown(uint64_t x) { return x & ~kPageMask; }
// Rounds (x) up to a page; callers check that (x) is far below 2^64.
constexpr uint64_t PageUp(uint64_t x) { return (x + kPageMask) & ~kPageMask; }

class PageMap {
 public:
  constexpr PageMap() = default;

  // Takes over the pages of [start, end) (page-aligned). The bitmap is carved
  // from the front of the range and cleared; Base() is the first page after
  // it. Returns false if the range cannot hold the bitmap and one page.
  // (zeroed): the range reads as zero already, so the bitmap needs no clear.
  bool Init(uint64_t start, uint64_t end, bool zeroed = false);

  // The managed range [Base(), End()).
  uint64_t Base() const { return base_; }
  uint64_t End() const { return base_ + npages_ * kPageSize; }
  // Pages in use now.
  uint64_t UsedPages() const { return used_; }

  // True if [addr, addr + len) lies wholly inside [Base(), End()).
  bool Contains(uint64_t addr, uint64_t len) const {
    return addr >= base_ && addr <= End() && len <= End() - addr;
  }

  // Whether the page at (addr) is in use; (addr) must be inside.
  bool IsUsed(uint64_t addr) const;
  // Whether all (npages) pages from (addr) are free / in use; the range must
  // be inside.
  bool AllFree(uint64_t addr, uint64_t npages) const { return All(addr, npages, false); }
  bool AllUsed(uint64_t addr, uint64_t npages) const { return All(addr, npages, true); }

  // The first page at or above (addr) that is in use / free, or End() if
  // none is; (addr) must be page-aligned and in [Base(), End()].
  uint64_t NextUsed(uint64_t addr) const { return Next(addr, true); }
  uint64_t NextFree(uint64_t addr) const { return Next(addr, false); }

  // Marks (npages) pages from (addr) in use / free; the range must be inside.
  void SetUsed(uint64_t addr, uint64_t npages) { Set(addr, npages, true); }
  void SetFree(uint64_t addr, uint64_t npages) { Set(addr, npages, false); }

  // Returns the address of the highest run of (npages) free pages that ends
  // at or below (limit) (default: anywhere), or 0 if there is none.
  // Top-down, like Linux's mmap, so that brk below can grow.
  uint64_t FindTopDown(uint64_t npages, uint64_t limit = ~uint64_t{0}) const;

 private:
  bool All(uint64_t addr, uint64_t npages, bool used) const;
  uint64_t Next(uint64_t addr, bool used) const;
  void Set(uint64_t addr, uint64_t npages, bool used);
  uint64_t Index(uint64_t addr) const { return (addr - base_) / kPageSize; }

  uint64_t* bits_ = nullptr;
  uint64_t base_ = 0;
  uint64_t npages_ = 0;
  uint64_t used_ = 0;
};

}  // namespace hvrt::mm

#endif  // HVRT_MM_PAGE_MAP_H_
