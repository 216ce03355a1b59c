// Rewriting syscall sites to call the runtime without a trap: see
// trapless.h.
#include "syscall-shim/trapless.h"

#include "runtime/boot/boot_info.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/mman.h"
#include "runtime/linux/user.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/shared_anon.h"
#include "runtime/mm/vm.h"
#include "runtime/vfs/shared_maps.h"

namespace hvrt::shim::trapless {
namespace {

// Sites by address, open addressing: a site's word is its address, with
// kRewritten once rewritten (else it trapped once). Programs have hundreds
// of syscall sites; past kMaxSites nothing more is rewritten.
constexpr uint64_t kSlots = 4096;
constexpr uint64_t kMaxSites = kSlots * 3 / 4;
constexpr uint64_t kRewritten = 1ull << 63;  // addresses are below 2^47
constinit uint64_t g_sites[kSlots] = {};
constinit uint64_t g_count = 0;
constinit uint64_t g_rewritten = 0;

// A stub table: the entry's address, then per number a 16-byte stub
//   b8 NN NN NN NN   mov $nr, %eax
//   ff 25 DD DD DD DD   jmp *entry(%rip)
// (padded with int3), so that a table works wherever it is mapped.
constexpr uint64_t kStubs = 512;
constexpr uint64_t kStubSize = 16;
constexpr uint64_t kHead = 16;
constexpr uint64_t kTableBytes = 3 * 4096;  // kHead + kStubs * kStubSize, in pages
constexpr int kMaxTables = 8;
constexpr int kMaxMisses = 4;  // tables mapped out of reach, then no more tries
static_assert(kHead + kStubs * kStubSize <= kTableBytes);

// The first table, in the runtime image (in reach of a static app, its
// heap, and ld.so); the runtime's pages are executable on every backend.
alignas(4096) constinit uint8_t g_image_table[kTableBytes] = {};
constinit uint64_t g_tables[kMaxTables] = {};
constinit int g_ntables = 0;
constinit int g_misses = 0;

uint64_t* Slot(uint64_t site) {
  uint64_t i = (site * 0x9E3779B97F4A7C15ull) >> 52;  // 12 bits: kSlots
  for (;;) {
    uint64_t& s = g_sites[i];
    if (s == 0 || (s & ~kRewritten) == site) return &s;
    i = (i + 1) & (kSlots - 1);
  }
}

void Put32(uint8_t* p, uint32_t v) { Copy(p, &v, 4); }

uint32_t Get32(const uint8_t* p) {
  uint32_t v;
  Copy(&v, p, 4);
  return v;
}

// stub[nr] of the table at (base).
uint64_t Stub(uint64_t base, uint64_t nr) { return base + kHead + nr * kStubSize; }

void FillTable(uint64_t base) {
  auto* p = reinterpret_cast<uint8_t*>(base);
  Fill(p, 0xcc, kTableBytes);  // int3
  const uint64_t entry = reinterpret_cast<uint64_t>(&hvrt_trapless_entry);
  Copy(p, &entry, sizeof entry);
  for (uint64_t nr = 0; nr < kStubs; ++nr) {
    auto* s = reinterpret_cast<uint8_t*>(Stub(base, nr));
    s[0] = 0xb8;
    Put32(s + 1, static_cast<uint32_t>(nr));
    s[5] = 0xff;
    s[6] = 0x25;
    Put32(s + 7, static_cast<uint32_t>(base - reinterpret_cast<uint64_t>(s + 11)));
  }
}

// A call at (next_ip - 5) reaches (target) with a rel32.
bool InReach(uint64_t next_ip, uint64_t target) {
  const int64_t rel = static_cast<int64_t>(target - next_ip);
  return rel >= INT32_MIN && rel <= INT32_MAX;
}

// stub[nr] of a table within a call's reach of (next_ip), mapping a new
// table if none is; 0 if none can be.
uint64_t StubFor(uint64_t next_ip, uint64_t nr) {
  if (g_ntables == 0) {
    FillTable(reinterpret_cast<uint64_t>(g_image_table));
    g_tables[g_ntables++] = reinterpret_cast<uint64_t>(g_image_table);
  }
  for (int i = 0; i < g_ntables; ++i) {
    const uint64_t stub = Stub(g_tables[i], nr);
    if (InReach(next_ip, stub)) return stub;
  }
  if (g_ntables == kMaxTables || g_misses >= kMaxMisses) return 0;
  // Mapped as the app's mmap would be (top-down, so beside the libraries
  // mapped last), readable, writable and executable like the image's.
  const int64_t at = mm::Mmap(0, kTableBytes, abi::kPROT_READ | abi::kPROT_WRITE | abi::kPROT_EXEC,
                              abi::kMAP_PRIVATE | abi::kMAP_ANONYMOUS, -1, 0);
  if (at < 0) {
    g_misses++;
    return 0;
  }
  const uint64_t base = static_cast<uint64_t>(at);
  if (!InReach(next_ip, Stub(base, nr))) {
    mm::Munmap(base, kTableBytes);
    g_misses++;
    return 0;
  }
  FillTable(base);
  g_tables[g_ntables++] = base;
  return Stub(base, nr);
}

// Whether [lo, hi) (a mov: at most two pages) is the app's private code:
// above the runtime image, and in no mapping another process or a file
// shares.
bool Private(uint64_t lo, uint64_t hi) {
  const hv_mem_region& rt = boot::Info().runtime;
  if (lo < rt.start + rt.size) return false;
  if (mm::shared_anon::Contains(lo) || mm::shared_anon::Contains(hi - 1)) return false;
  uint64_t s = 0, e = 0;
  return !shared_maps::FirstCovered(lo, hi, &s, &e);
}

// Rewrites the mov before the syscall at (site) if it loads (nr) as a
// constant (trapless.h): true if done.
bool Rewrite(uint64_t site, uint64_t nr) {
  uint64_t start = 0;  // where the mov begins
  if (user::RangeOk(site - 5, 5)) {
    const auto* p = reinterpret_cast<const uint8_t*>(site - 5);
    if (p[0] == 0xb8 && Get32(p + 1) == nr) start = site - 5;
  }
  if (start == 0 && user::RangeOk(site - 7, 7)) {
    const auto* p = reinterpret_cast<const uint8_t*>(site - 7);
    if (p[0] == 0x48 && p[1] == 0xc7 && p[2] == 0xc0 && Get32(p + 3) == nr) start = site - 7;
  }
  if (start == 0 || !Private(start, site)) return false;
  const uint64_t stub = StubFor(site, nr);
  if (stub == 0) return false;
  uint8_t code[7] = {0x66, 0x90};  // the 7-byte mov's first two become a nop
  uint8_t* call = code + (site - start - 5);
  call[0] = 0xe8;
  Put32(call + 1, static_cast<uint32_t>(stub - site));
  // The page may be read-only (text): open it for the moment. One thread
  // runs at a time, so no CPU is executing these bytes meanwhile.
  mm::protect::ScopedAccess access(start, site);
  Copy(reinterpret_cast<void*>(start), code, site - start);
  return true;
}

}  // namespace

bool Enabled() { return (boot::Info().flags & HV_BOOT_TRAPLESS) != 0; }

// rt_sigreturn's site is the signal restorer, whose exact bytes
// (mov $15, %rax; syscall) some unwinders match to step through a signal
// frame (gdb, libunwind; libgcc uses glibc's CFI): it stays as it is.
constexpr uint64_t kNrRtSigreturn = 15;

void OnTrap(const hv_syscall_frame& f) {
  if (f.nr >= kStubs || f.nr == kNrRtSigreturn || g_count >= kMaxSites || !Enabled()) return;
  const uint64_t site = f.rip - 2;
  if (f.rip < 9 || !user::RangeOk(site, 2)) return;
  const auto* code = reinterpret_cast<const uint8_t*>(site);
  if (code[0] != 0x0f || code[1] != 0x05) return;
  uint64_t* slot = Slot(site);
  if (*slot == 0) {  // the first trap: remember it
    *slot = site;
    g_count++;
    return;
  }
  if ((*slot & kRewritten) != 0) return;  // a restart or a jump to the syscall
  // Tried once either way: a site that does not qualify now never will.
  *slot = site | kRewritten;
  if (Rewrite(site, f.nr)) g_rewritten++;
}

uint64_t Rewritten() { return g_rewritten; }

void Reset() {
  for (uint64_t& s : g_sites) {
    if (s != 0) s = 0;  // touches only the pages in use
  }
  g_count = 0;
  g_rewritten = 0;
  // The image's table stays; the others went with the old program's memory.
  if (g_ntables > 1) g_ntables = 1;
  g_misses = 0;
}

}  // namespace hvrt::shim::trapless
