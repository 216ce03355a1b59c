// The syscall entry and the unknown-call counter: see dispatch.h.
#include "syscall-shim/dispatch.h"

#include "runtime/boot/boot_info.h"
#include "runtime/hv/hypercall.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/process.h"
#include "runtime/linux/signals.h"
#include "runtime/linux/timers.h"
#include "runtime/sched/sched.h"
#include "syscall-shim/table.h"
#include "syscall-shim/trapless.h"

namespace hvrt::shim {
namespace {

// Linux x86-64 numbers end below 512; the last slot counts the rest (x32
// numbers, garbage).
constexpr uint64_t kTracked = 512;
constinit uint64_t g_unknown[kTracked + 1] = {};

// An unknown syscall: -ENOSYS, counted; named to the host with --verbose,
// with (note) saying why when the runtime refuses the call on purpose.
int64_t Unknown(const hv_syscall_frame& f, const char* note = "") {
  hv::Stats().unsupported_syscalls++;
  uint64_t& count = g_unknown[f.nr < kTracked ? f.nr : kTracked];
  count++;
  if ((boot::Info().flags & HV_BOOT_VERBOSE) != 0) {
    hv_unsupported u = {};
    u.nr = f.nr;
    Copy(u.args, f.args, sizeof u.args);
    u.count = count;
    u.note = reinterpret_cast<uint64_t>(note);
    u.note_len = StrLen(note);
    hv::Call(HV_CALL_UNSUPPORTED, &u);
  }
  return -abi::kENOSYS;
}

}  // namespace

int64_t ReportUnsupported(const hv_syscall_frame& f) {
  const Syscall* s = Lookup(f.nr);
  return Unknown(f, s != nullptr ? s->note : "");
}

void Reset() { Fill(g_unknown, 0, sizeof g_unknown); }

namespace {
// What hvrt_fault uses: DeliverFault builds a signal frame (the context,
// siginfo) in locals before copying it out.
alignas(16) constinit uint8_t g_fault_stack[32768] = {};
}  // namespace

uint64_t FaultStackTop() {
  return reinterpret_cast<uint64_t>(g_fault_stack + sizeof g_fault_stack);
}

uint64_t UnknownCount(uint64_t nr) { return g_unknown[nr < kTracked ? nr : kTracked]; }

hv_register Registration() {
  return {.syscall_entry = reinterpret_cast<uint64_t>(&hvrt_syscall),
          .fault_entry = reinterpret_cast<uint64_t>(&hvrt_fault),
          .fault_stack = FaultStackTop()};
}

}  // namespace hvrt::shim

extern "C" int64_t hvrt_fault(hv_syscall_frame* f, const hv_fault* fault) {
  return hvrt::signals::DeliverFault(*f, *fault);
}

extern "C" int64_t hvrt_syscall(hv_syscall_frame* f) {
  hvrt::shim::trapless::OnTrap(*f);
  return hvrt_syscall_served(f);
}

extern "C" int64_t hvrt_syscall_served(hv_syscall_frame* f) {
  hvrt::hv::Stats().syscalls++;
  hvrt::sched::Tick();  // fairness: may run other threads first
  const hvrt::shim::Syscall* s = hvrt::shim::Lookup(f->nr);
  int64_t r = s == nullptr ? hvrt::shim::Unknown(*f) : s->handler(*f);
  // Timers that expired and signals other processes sent while this one
  // ran (one comparison and one load if none); then a pending handler runs,
  // as the syscall returns into it.
  hvrt::timers::Poll();
  hvrt::process::TakeSignals();
  hvrt::signals::DeliverAtExit(*f, &r);
  return r;
}
