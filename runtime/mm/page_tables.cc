// kvm page protection in the guest's identity page tables: see page_tables.h.
#include "runtime/mm/page_tables.h"

#include "runtime/mm/protect.h"

namespace hvrt::mm::page_tables {
namespace {

constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4, kLarge = 0x80;
constexpr uint64_t kAddrMask = 0x000ffffffffff000ull;
constexpr uint64_t k4K = 1ull << 12, k2M = 1ull << 21, k1G = 1ull << 30;
constexpr uint64_t kTop = 512 * k1G;  // what PML4 entry 0 maps

constinit uint64_t* g_pdpt = nullptr;
using FlushFn = void (*)(uint64_t addr, uint64_t pages);
constinit FlushFn g_flush = nullptr;
constinit PageSource g_source = nullptr;
// Every table Split made, for ForEachTable.
constinit uint64_t g_tables[kMaxTables] = {};
constinit uint32_t g_table_count = 0;

uint64_t* TableOf(uint64_t entry) { return reinterpret_cast<uint64_t*>(entry & kAddrMask); }

// A leaf entry for the page(s) at (addr): not present for no access. The
// address stays in a non-present entry (the CPU ignores it), and so does
// kLarge, so that the entry can still be told apart from a table pointer.
uint64_t Leaf(uint64_t addr, uint32_t prot, uint64_t large) {
  if ((prot & protect::kDefault) == 0) return addr | large;
  return addr | kPresent | kUser | ((prot & protect::kWrite) != 0 ? kWritable : 0) | large;
}

// Replaces the large leaf (*entry), which maps (size) bytes at its address,
// with a table of (size / 512)-byte leaves of the same access; the table is
// complete before the entry points at it. False if no page is left.
bool Split(uint64_t* entry, uint64_t size) {
  if (g_source == nullptr || g_table_count == kMaxTables) return false;
  const uint64_t page = g_source();
  if (page == 0) return false;
  g_tables[g_table_count++] = page;
  uint64_t* table = reinterpret_cast<uint64_t*>(page);
  const uint64_t base = *entry & kAddrMask & ~(size - 1);
  const uint64_t step = size / 512;
  // Same flags; 4 KiB leaves have no kLarge (bit 7 is PAT there).
  const uint64_t flags = (*entry & ~kAddrMask) & (step == k4K ? ~kLarge : ~0ull);
  for (uint64_t i = 0; i < 512; i++) table[i] = (base + i * step) | flags;
  *entry = page | kPresent | kWritable | kUser;
  return true;
}

// What Protect does at an upper-level entry (*e), which maps (size) bytes
// around (p): nothing there, or no page left to split it into (kSkip); a
// large page [p, hi) covers whole, now with (prot) (kDone); or a table to go
// down into, perhaps just split from a large page (kDescend).
enum class Step { kSkip, kDone, kDescend };
Step Upper(uint64_t* e, uint64_t size, uint64_t p, uint64_t hi, uint32_t prot) {
  if ((*e & (kPresent | kLarge)) == 0) return Step::kSkip;
  if ((*e & kLarge) == 0) return Step::kDescend;
  if (p % size == 0 && hi - p >= size) {
    *e = Leaf(p, prot, kLarge);
    return Step::kDone;
  }
  return Split(e, size) ? Step::kDescend : Step::kSkip;
}

}  // namespace

bool Init(uint64_t root, uint64_t flush) {
  const uint64_t pml4e = *reinterpret_cast<const uint64_t*>(root);
  if ((pml4e & kPresent) == 0 || (pml4e & kLarge) != 0) return false;
  g_pdpt = TableOf(pml4e);
  g_flush = reinterpret_cast<FlushFn>(flush);
  return true;
}

void SetTablePageSource(PageSource source) { g_source = source; }

void ForEachTable(void (*fn)(uint64_t page)) {
  for (uint32_t i = 0; i < g_table_count; i++) fn(g_tables[i]);
}

void FlushAll() {
  if (g_flush != nullptr) g_flush(0, ~uint64_t{0});  // past 32 pages: a CR3 reload
}

void Protect(uint64_t lo, uint64_t hi, uint32_t prot, bool flush) {
  if (g_pdpt == nullptr) return;
  if (hi > kTop) hi = kTop;
  for (uint64_t p = lo; p < hi;) {
    // Down from the GiB's entry: a large page the range covers takes (prot)
    // whole; one it covers in part is split; then the 4 KiB entries.
    uint64_t* e = &g_pdpt[p / k1G];
    uint64_t size = k1G;
    Step step = Upper(e, size, p, hi, prot);
    if (step == Step::kDescend) {
      e = &TableOf(*e)[(p / k2M) % 512];
      size = k2M;
      step = Upper(e, size, p, hi, prot);
    }
    if (step != Step::kDescend) {  // done with, or nothing to do in, this large page
      p = (p / size + 1) * size;
      continue;
    }
    uint64_t* pt = TableOf(*e);
    const uint64_t end = (p / k2M + 1) * k2M;
    for (; p < hi && p < end; p += k4K) pt[(p / k4K) % 512] = Leaf(p, prot, 0);
  }
  if (flush && lo < hi) g_flush(lo, (hi - lo) / k4K);
}

}  // namespace hvrt::mm::page_tables
