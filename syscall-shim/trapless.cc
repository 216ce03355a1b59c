// Rewriting syscall sites to reach the runtime without a trap: see
// trapless.h.
#include "syscall-shim/trapless.h"

#include "runtime/boot/boot_info.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/user.h"
#include "runtime/mm/protect.h"
#include "runtime/mm/shared_anon.h"
#include "runtime/vfs/shared_maps.h"
#include "syscall-shim/dispatch.h"

namespace hvrt::shim::trapless {
namespace {

// Sites by address, open addressing: a site's word is its address with the
// low bit telling whether it is rewritten (kRewritten) or was seen trapping
// once. Programs have hundreds of syscall sites; past kMaxSites nothing
// more is rewritten (those keep trapping).
constexpr uint64_t kSlots = 4096;
constexpr uint64_t kMaxSites = kSlots * 3 / 4;
constexpr uint64_t kRewritten = 1ull << 63;  // addresses are below 2^47
constinit uint64_t g_sites[kSlots] = {};
constinit uint64_t g_count = 0;
constinit uint64_t g_rewritten = 0;

uint64_t* Slot(uint64_t site) {
  uint64_t i = (site * 0x9E3779B97F4A7C15ull) >> 52;  // 12 bits: kSlots
  for (;;) {
    uint64_t& s = g_sites[i];
    if (s == 0 || (s & ~kRewritten) == site) return &s;
    i = (i + 1) & (kSlots - 1);
  }
}

uint32_t Imm32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// Whether the instruction right before the syscall at (site) loads (nr)
// into rax as a constant: `mov $imm32, %eax`, `mov $imm32, %rax` or
// `xor %eax, %eax` (read's 0).
bool ConstantNumber(uint64_t site, uint64_t nr) {
  if (nr == 0 && user::RangeOk(site - 2, 4)) {
    const auto* p = reinterpret_cast<const uint8_t*>(site - 2);
    if (p[0] == 0x31 && p[1] == 0xc0) return true;
  }
  if (user::RangeOk(site - 5, 7)) {
    const auto* p = reinterpret_cast<const uint8_t*>(site - 5);
    if (p[0] == 0xb8 && Imm32(p + 1) == nr) return true;
  }
  if (user::RangeOk(site - 7, 9)) {
    const auto* p = reinterpret_cast<const uint8_t*>(site - 7);
    if (p[0] == 0x48 && p[1] == 0xc7 && p[2] == 0xc0 && Imm32(p + 3) == nr) return true;
  }
  return false;
}

// Whether (site) is the app's private code: above the runtime image, and in
// no mapping another process or a file shares.
bool Private(uint64_t site) {
  const hv_mem_region& rt = boot::Info().runtime;
  if (site < rt.start + rt.size || site - 7 < rt.start + rt.size) return false;
  if (mm::shared_anon::Contains(site) || mm::shared_anon::Contains(site + 1)) return false;
  uint64_t lo = 0, hi = 0;
  return !shared_maps::FirstCovered(site, site + 2, &lo, &hi);
}

}  // namespace

bool Enabled() { return (boot::Info().flags & HV_BOOT_TRAPLESS) != 0; }

void OnTrap(const hv_syscall_frame& f) {
  if (!Enabled() || f.nr >= HV_TRAPLESS_SLED_END || g_count >= kMaxSites) return;
  const uint64_t site = f.rip - 2;
  if (f.rip < 9 || !user::RangeOk(site, 2)) return;
  auto* code = reinterpret_cast<uint8_t*>(site);
  if (code[0] != 0x0f || code[1] != 0x05) return;
  uint64_t* slot = Slot(site);
  if (*slot == 0) {  // the first trap: remember it
    *slot = site;
    g_count++;
    return;
  }
  if ((*slot & kRewritten) != 0 || !ConstantNumber(site, f.nr) || !Private(site)) return;
  {
    // The page may be read-only (text): open it for the two bytes. One
    // thread runs at a time, so no other CPU can be executing them.
    mm::protect::ScopedAccess access(site, site + 2);
    code[0] = 0xff;  // call *%rax
    code[1] = 0xd0;
  }
  *slot = site | kRewritten;
  g_rewritten++;
}

bool IsRewritten(uint64_t site) { return *Slot(site) == (site | kRewritten); }

uint64_t Rewritten() { return g_rewritten; }

void Reset() {
  for (uint64_t& s : g_sites) {
    if (s != 0) s = 0;  // touches only the pages in use
  }
  g_count = 0;
  g_rewritten = 0;
}

}  // namespace hvrt::shim::trapless

namespace {

// Where a call that landed in the sled was going: the register of a
// `call *%reg` ([41] ff d0+r) right before (ret), where the frame still
// holds it; else rax if it points into the sled; else 0.
uint64_t CallTarget(const hv_syscall_frame& f, uint64_t ret) {
  uint64_t target = f.nr;
  if (ret >= 3 && hvrt::user::RangeOk(ret - 3, 3)) {
    const auto* p = reinterpret_cast<const uint8_t*>(ret - 3);
    const bool rex_b = p[0] == 0x41;
    if (p[1] == 0xff && (p[2] & 0xf8) == 0xd0) {
      const uint64_t low[8] = {f.nr, ~0ull, f.args[2], f.rbx, ~0ull, f.rbp, f.args[1], f.args[0]};
      const uint64_t high[8] = {f.args[4], f.args[5], f.args[3], ~0ull, f.r12, f.r13, f.r14, f.r15};
      target = (rex_b ? high : low)[p[2] & 7];
    }
  }
  return target < HV_TRAPLESS_SLED_END ? target : 0;
}

}  // namespace

// A call into page 0 that is not a rewritten site: a call through a null
// (or small) function pointer. Linux faults at the target (CallTarget: rcx
// and r11 are lost, the entry used them). The return address is on the
// stack, as the CPU leaves it.
static int64_t NullCall(hv_syscall_frame* f) {
  const uint64_t target = CallTarget(*f, f->rip);
  f->rip = target;
  f->rsp -= 8;
  f->flags = HV_FRAME_FULL;
  f->rcx = 0;
  f->r11 = f->rflags;
  // #PF, user mode instruction fetch of a page not present.
  const hv_fault fault = {
      .vector = 14, .signo = 0, .code = 0, .pad0 = 0, .error = 0x14, .address = target};
  if (hvrt::signals::DeliverFault(*f, fault, /*on_app_stack=*/true) == 0)
    return static_cast<int64_t>(f->nr);
  hvrt::process::Exit(hvrt::abi::kSIGSEGV, HV_EXIT_SIGNALED | HV_EXIT_CORE);
}

extern "C" int64_t hvrt_syscall_trapless(hv_syscall_frame* f) {
  if (!hvrt::shim::trapless::IsRewritten(f->rip - 2)) return NullCall(f);
  return hvrt_syscall_served(f);
}
