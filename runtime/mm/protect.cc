// Page protection records and their backends: see protect.h.
#include "runtime/mm/protect.h"

#include "runtime/boot/boot_info.h"
#include "runtime/mm/page_tables.h"

namespace hvrt::mm::protect {
namespace {

struct Record {
  uint64_t lo, hi;
  uint32_t attr;
};

// Sorted by address, disjoint, none with attr kDefault; adjacent records
// with the same attr are merged.
constinit Record g_records[kMaxRanges] = {};
constinit int g_count = 0;

using ProtectFn = int64_t (*)(uint64_t addr, uint64_t len, uint64_t prot);
constinit ProtectFn g_host_protect = nullptr;  // sim
constinit bool g_page_tables = false;          // kvm

// What the CPU is told for (attr): a page past EOF is no access at all.
uint32_t Effective(uint32_t attr) { return (attr & kBus) != 0 ? 0 : attr & kDefault; }
// (Other bits, kDontFork, are the runtime's alone.)

// The first record that ends above (addr).
int Find(uint64_t addr) {
  int lo = 0, hi = g_count;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (g_records[mid].hi <= addr) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void InsertAt(int i, const Record& r) {
  for (int j = g_count; j > i; j--) g_records[j] = g_records[j - 1];
  g_records[i] = r;
  g_count++;
}

void EraseAt(int i, int n) {
  for (int j = i; j + n < g_count; j++) g_records[j] = g_records[j + n];
  g_count -= n;
}

// Takes [lo, hi) out of every record (one record may split in two: the
// caller makes sure there is room for one more).
void Cut(uint64_t lo, uint64_t hi) {
  int i = Find(lo);
  if (i < g_count && g_records[i].lo < lo && g_records[i].hi > hi) {  // split
    Record tail = {hi, g_records[i].hi, g_records[i].attr};
    g_records[i].hi = lo;
    InsertAt(i + 1, tail);
    return;
  }
  if (i < g_count && g_records[i].lo < lo) {  // keeps its head
    g_records[i].hi = lo;
    i++;
  }
  int first = i;
  while (i < g_count && g_records[i].hi <= hi) i++;  // wholly inside
  EraseAt(first, i - first);
  if (first < g_count && g_records[first].lo < hi) g_records[first].lo = hi;  // keeps its tail
}

// Applies each record's part inside [lo, hi) again: its own access, or
// (as_default) read/write/execute.
void ApplyRecords(uint64_t lo, uint64_t hi, bool as_default) {
  for (int i = Find(lo); i < g_count && g_records[i].lo < hi; i++) {
    const uint64_t a = g_records[i].lo > lo ? g_records[i].lo : lo;
    const uint64_t b = g_records[i].hi < hi ? g_records[i].hi : hi;
    Apply(a, b, as_default ? kDefault : Effective(g_records[i].attr));
  }
}

// Records [lo, hi) as (attr) where nothing is recorded now, merging with
// neighbours of the same attr.
void Insert(uint64_t lo, uint64_t hi, uint32_t attr) {
  if (attr == kDefault) return;
  int i = Find(lo);
  bool left = i > 0 && g_records[i - 1].hi == lo && g_records[i - 1].attr == attr;
  bool right = i < g_count && g_records[i].lo == hi && g_records[i].attr == attr;
  if (left && right) {
    g_records[i - 1].hi = g_records[i].hi;
    EraseAt(i, 1);
  } else if (left) {
    g_records[i - 1].hi = hi;
  } else if (right) {
    g_records[i].lo = lo;
  } else {
    InsertAt(i, {lo, hi, attr});
  }
}

}  // namespace

void Init() {
  g_count = 0;
  const hv_boot_info& bi = boot::Info();
  g_host_protect = reinterpret_cast<ProtectFn>(bi.protect_entry);
  g_page_tables = bi.page_table_root != 0 && bi.tlb_flush_entry != 0 &&
                  page_tables::Init(bi.page_table_root, bi.tlb_flush_entry);
}

bool Enforced() { return g_host_protect != nullptr || g_page_tables; }

void Apply(uint64_t lo, uint64_t hi, uint32_t prot) {
  if (lo >= hi) return;
  if (g_host_protect != nullptr) {
    g_host_protect(lo, hi - lo, prot & kDefault);
  } else if (g_page_tables) {
    page_tables::Protect(lo, hi, prot & kDefault);
  }
}

bool Set(uint64_t lo, uint64_t hi, uint32_t attr) {
  if (lo >= hi) return true;
  // Where execute permission is not enforced (kvm: no EFER.NXE; xen), a
  // readable page is executable, and plain read/write memory needs no
  // record (the table would otherwise hold every mapping).
  if (g_host_protect == nullptr && (attr & kDefault) != 0) attr |= kExec;
  if (g_count + 2 > kMaxRanges) return false;
  Cut(lo, hi);
  Insert(lo, hi, attr);
  Apply(lo, hi, Effective(attr));
  return true;
}

bool Change(uint64_t lo, uint64_t hi, uint32_t clear, uint32_t set) {
  for (uint64_t p = lo; p < hi;) {
    int i = Find(p);
    bool inside = i < g_count && g_records[i].lo <= p;
    uint64_t end = hi;
    if (i < g_count) {
      uint64_t edge = inside ? g_records[i].hi : g_records[i].lo;
      if (edge < end) end = edge;
    }
    const uint32_t attr = inside ? g_records[i].attr : kDefault;
    if (!Set(p, end, (attr & ~clear) | set)) return false;
    p = end;
  }
  return true;
}

bool SetProt(uint64_t lo, uint64_t hi, uint32_t prot) {
  return Change(lo, hi, kDefault, prot & kDefault);
}

void Forget(uint64_t lo, uint64_t hi) {
  if (lo >= hi || g_count == 0) return;
  // Forgetting never needs room unless it splits one record; a split of a
  // full table keeps the record whole (a stale record over unmapped pages
  // only makes RangeOk stricter there).
  if (g_count + 1 > kMaxRanges) {
    int i = Find(lo);
    if (i < g_count && g_records[i].lo < lo && g_records[i].hi > hi) return;
  }
  Cut(lo, hi);
}

bool Move(uint64_t from, uint64_t len, uint64_t to) {
  // By address, not index: Set on the target (disjoint from the source)
  // shifts the array but leaves the source's records as they are.
  for (uint64_t p = from; p < from + len;) {
    int i = Find(p);
    if (i >= g_count || g_records[i].lo >= from + len) break;
    uint64_t lo = g_records[i].lo > p ? g_records[i].lo : p;
    uint64_t hi = g_records[i].hi < from + len ? g_records[i].hi : from + len;
    if (!Set(lo - from + to, hi - from + to, g_records[i].attr)) return false;
    p = hi;
  }
  return true;
}

bool NextWith(uint64_t from, uint32_t bit, uint64_t* lo, uint64_t* hi) {
  for (int i = Find(from); i < g_count; i++) {
    if ((g_records[i].attr & bit) == 0) continue;
    *lo = g_records[i].lo > from ? g_records[i].lo : from;
    *hi = g_records[i].hi;
    // Adjacent records with the bit (different protections) join.
    while (i + 1 < g_count && g_records[i + 1].lo == *hi && (g_records[i + 1].attr & bit) != 0)
      *hi = g_records[++i].hi;
    return true;
  }
  return false;
}

uint64_t NextEdge(uint64_t addr) {
  int i = Find(addr + 1);
  if (i >= g_count) return ~uint64_t{0};
  return g_records[i].lo > addr ? g_records[i].lo : g_records[i].hi;
}

uint32_t At(uint64_t addr) {
  int i = Find(addr);
  return i < g_count && g_records[i].lo <= addr ? g_records[i].attr : kDefault;
}

bool Allows(uint64_t lo, uint64_t hi, uint32_t need) {
  for (int i = Find(lo); i < g_count && g_records[i].lo < hi; i++) {
    const uint32_t a = g_records[i].attr;
    if ((a & kBus) != 0 || (a & need) != need) return false;
  }
  return true;
}

bool UnmappedEnforced() { return g_host_protect != nullptr; }

void Unmapped(uint64_t lo, uint64_t hi) {
  if (lo >= hi) return;
  if (UnmappedEnforced()) {
    Forget(lo, hi);
    Apply(lo, hi, 0);
    return;
  }
  // Put back what records made different, so that fresh pages are always
  // read/write and mapping them needs nothing (see Mapped).
  ApplyRecords(lo, hi, /*as_default=*/true);
  Forget(lo, hi);
}

bool Mapped(uint64_t lo, uint64_t hi, uint32_t prot) {
  prot &= kDefault;
  if (!UnmappedEnforced() && prot == kDefault && Allows(lo, hi, kDefault)) return true;
  return Set(lo, hi, prot);
}

void Reapply(uint64_t lo, uint64_t hi) { ApplyRecords(lo, hi, /*as_default=*/false); }

void ApplyAll() {
  if (g_page_tables) {  // kvm: one flush for the lot (a fork's fresh tables)
    for (int i = 0; i < g_count; i++) {
      page_tables::Protect(g_records[i].lo, g_records[i].hi, Effective(g_records[i].attr),
                           /*flush=*/false);
    }
    page_tables::FlushAll();
    return;
  }
  ApplyRecords(0, ~uint64_t{0}, /*as_default=*/false);
}

void Reset() {
  ApplyRecords(0, ~uint64_t{0}, /*as_default=*/true);
  g_count = 0;
}

ScopedAccess::ScopedAccess(uint64_t lo, uint64_t hi)
    : lo_(lo & ~uint64_t{4095}), hi_((hi + 4095) & ~uint64_t{4095}), opened_(false) {
  if (lo_ < hi_ && !Allows(lo_, hi_, kRead | kWrite)) {
    Apply(lo_, hi_, kDefault);
    opened_ = true;
  }
}

ScopedAccess::~ScopedAccess() {
  if (opened_) Reapply(lo_, hi_);
}

int Count() { return g_count; }

}  // namespace hvrt::mm::protect
