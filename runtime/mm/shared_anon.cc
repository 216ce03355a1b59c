// MAP_SHARED|MAP_ANONYMOUS memory between processes: see shared_anon.h.
#include "runtime/mm/shared_anon.h"

#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"

namespace hvrt::mm::shared_anon {
namespace {

enum Kind : uint8_t { kFree = 0, kOwn, kExported, kInherited, kPinned };

struct Range {
  uint64_t addr, len;
  Kind kind;
};

constinit Range g_ranges[kMaxRanges] = {};
// Slots [0, g_high) have ever been used: Release and Discard ask Pinned and
// Contains once per page, so with no shared memory they must cost nothing.
constinit int g_high = 0;

int64_t Tell(uint32_t op, uint64_t addr, uint64_t len) {
  hv_mem_share s = {op, 0, addr, len, 0};
  return hv::Call(HV_CALL_MEM_SHARE, &s);
}

Range* FreeSlot() {
  for (int i = 0; i < kMaxRanges; i++) {
    if (g_ranges[i].kind != kFree) continue;
    if (i + 1 > g_high) g_high = i + 1;
    return &g_ranges[i];
  }
  return nullptr;
}

bool HasFreeSlot() {
  for (const Range& r : g_ranges) {
    if (r.kind == kFree) return true;
  }
  return false;
}

}  // namespace

void Reset() {
  Fill(g_ranges, 0, sizeof g_ranges);
  g_high = 0;
}

int64_t Add(uint64_t addr, uint64_t len) {
  Range* slot = FreeSlot();
  if (slot == nullptr) return -abi::kENOMEM;
  const int64_t r = Tell(HV_SHARE_ADD, addr, len);
  if (r == -abi::kENOSYS) return 0;  // no processes: plain memory
  if (r < 0) return r;
  *slot = Range{addr, len, kOwn};
  return 0;
}

int64_t AddFile(uint64_t addr, uint64_t len, uint32_t handle, uint64_t offset) {
  if (!HasFreeSlot()) return -abi::kENOMEM;
  hv_mem_share s = {HV_SHARE_MAP_FILE, handle, addr, len, offset};
  if (int64_t r = hv::Call(HV_CALL_MEM_SHARE, &s); r < 0) return r;
  return AdoptFile(addr, len, offset);
}

int64_t AdoptFile(uint64_t addr, uint64_t len, uint64_t offset) {
  Range* slot = FreeSlot();
  if (slot == nullptr) {
    Tell(HV_SHARE_REMOVE, addr, len);
    return -abi::kENOMEM;
  }
  // On sim the child process maps the file too: hvrun passed it the fd just
  // now (the runtime's threads take turns, so no other map comes between).
  using MapFn = int64_t (*)(uint64_t, uint64_t, uint64_t);
  const auto map = reinterpret_cast<MapFn>(boot::Info().map_file_entry);
  if (boot::Info().backend == HV_BACKEND_SIM) {
    const int64_t r = map == nullptr ? -abi::kENOSYS : map(addr, len, offset);
    if (r < 0) {
      Tell(HV_SHARE_REMOVE, addr, len);
      return r == -abi::kENOSYS ? -abi::kENODEV : r;
    }
  }
  *slot = Range{addr, len, kInherited};
  return 0;
}

void Remove(uint64_t addr, uint64_t len) {
  const uint64_t end = addr + len;
  for (int i = 0; i < g_high; i++) {
    Range& r = g_ranges[i];
    if (r.kind == kFree || r.kind == kPinned) continue;
    const uint64_t r_end = r.addr + r.len;
    if (r_end <= addr || r.addr >= end) continue;
    const uint64_t lo = r.addr > addr ? r.addr : addr;
    const uint64_t hi = r_end < end ? r_end : end;
    const Range whole = r;
    // A sim child maps a parent's pages in its own process, where hvrun
    // cannot reach: the child maps its own pages back itself. Should that
    // fail, the parent's pages stay there, shared with hvrun too, and
    // pinned: never zeroed, never handed out again (a store there would
    // land in the parent's memory).
    bool stays = false;
    if (whole.kind == kInherited && boot::Info().backend == HV_BACKEND_SIM) {
      using RemapFn = int64_t (*)(uint64_t, uint64_t);
      const auto remap = reinterpret_cast<RemapFn>(boot::Info().remap_own_entry);
      stays = remap == nullptr || remap(lo, hi - lo) < 0;
    }
    if (!stays) Tell(HV_SHARE_REMOVE, lo, hi - lo);
    r.kind = kFree;
    // What is left of it on either side stays as it was; the middle of an
    // exported range stays, pinned. (No room: the rest stays shared with
    // hvrun but is forgotten here, so it is freed like private memory.)
    auto keep = [](uint64_t a, uint64_t n, Kind k) {
      if (n == 0) return;
      if (Range* s = FreeSlot()) *s = Range{a, n, k};
    };
    keep(whole.addr, lo - whole.addr, whole.kind);
    keep(hi, r_end - hi, whole.kind);
    if (whole.kind == kExported || stays) keep(lo, hi - lo, kPinned);
  }
}

bool Pinned(uint64_t addr) {
  for (int i = 0; i < g_high; i++) {
    const Range& r = g_ranges[i];
    if (r.kind == kPinned && addr >= r.addr && addr - r.addr < r.len) return true;
  }
  return false;
}

bool PinnedIn(uint64_t lo, uint64_t hi) {
  for (int i = 0; i < g_high; i++) {
    const Range& r = g_ranges[i];
    if (r.kind == kPinned && r.addr < hi && lo < r.addr + r.len) return true;
  }
  return false;
}

bool Contains(uint64_t addr) {
  for (int i = 0; i < g_high; i++) {
    const Range& r = g_ranges[i];
    if (r.kind != kFree && r.kind != kPinned && addr >= r.addr && addr - r.addr < r.len) {
      return true;
    }
  }
  return false;
}

void AfterForkParent() {
  for (int i = 0; i < g_high; i++) {
    Range& r = g_ranges[i];
    if (r.kind == kOwn) r.kind = kExported;
  }
}

void AfterForkChild() {
  for (int i = 0; i < g_high; i++) {
    Range& r = g_ranges[i];
    if (r.kind == kPinned) {
      r.kind = kFree;
    } else if (r.kind != kFree) {
      r.kind = kInherited;
    }
  }
}

}  // namespace hvrt::mm::shared_anon
