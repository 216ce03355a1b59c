// Process-wide state and exit: see process.h.
#include "runtime/linux/process.h"

#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/signals.h"
#include "runtime/mm/vm.h"
#include "runtime/sched/sched.h"
#include "runtime/vfs/shared_maps.h"
#include "syscall-shim/trapless.h"

namespace hvrt::process {
namespace {

constexpr uint64_t kInf = abi::kRLIM_INFINITY;

constinit abi::Rlimit g_limits[abi::kRLIM_NLIMITS] = {};
constinit int32_t g_pid = 1;
constinit PrctlState g_prctl = {0, 1, 0};
// The boot page's words (hvrun's); a runtime-owned stand-in until Reset
// (host unit tests).
constinit uint32_t g_events_fallback = 0;
constinit uint64_t g_signals_fallback = 0;
constinit int32_t g_ppid_fallback = 0;
constinit uint32_t* g_events = &g_events_fallback;
constinit uint64_t* g_signals = &g_signals_fallback;
constinit int32_t* g_ppid = &g_ppid_fallback;

}  // namespace

int32_t Pid() { return g_pid; }
void SetPid(int32_t pid) {
  g_pid = pid;
  g_prctl.pdeath_sig = 0;
}

PrctlState& Prctl() { return g_prctl; }
uint32_t* EventsWord() { return g_events; }

void UseBootPage(hv_boot_info* page) {
  g_events = &page->events;
  g_signals = &page->signals;
  g_ppid = &page->ppid;
}

int32_t Ppid() { return __atomic_load_n(g_ppid, __ATOMIC_RELAXED); }

void TakeSignals() {
  if (__atomic_load_n(g_signals, __ATOMIC_RELAXED) == 0) return;
  uint64_t set = __atomic_exchange_n(g_signals, 0, __ATOMIC_ACQ_REL);
  for (int sig = 1; sig <= 64; sig++) {
    if ((set & (1ull << (sig - 1))) != 0) signals::Send(sig);
  }
}

void Reset(const hv_boot_info& bi) {
  g_pid = bi.pid > 0 ? bi.pid : 1;
  g_prctl = PrctlState{0, 1, 0};
  // Linux's defaults (INIT_RLIMITS) except where hvrun fixes the answer.
  g_limits[abi::kRLIMIT_CPU] = {kInf, kInf};
  g_limits[abi::kRLIMIT_FSIZE] = {kInf, kInf};
  g_limits[abi::kRLIMIT_DATA] = {kInf, kInf};
  g_limits[abi::kRLIMIT_STACK] = {bi.stack_size, bi.stack_size};  // it cannot grow
  g_limits[abi::kRLIMIT_CORE] = {0, kInf};
  g_limits[abi::kRLIMIT_RSS] = {kInf, kInf};
  // Linux counts threads against RLIMIT_NPROC: the thread table's size.
  g_limits[abi::kRLIMIT_NPROC] = {sched::kMaxThreads, sched::kMaxThreads};
  g_limits[abi::kRLIMIT_NOFILE] = {1024, 1024};
  g_limits[abi::kRLIMIT_MEMLOCK] = {8 << 20, 8 << 20};
  g_limits[abi::kRLIMIT_AS] = {kInf, kInf};
  g_limits[abi::kRLIMIT_LOCKS] = {kInf, kInf};
  g_limits[abi::kRLIMIT_SIGPENDING] = {64, 64};
  g_limits[abi::kRLIMIT_MSGQUEUE] = {819200, 819200};
  g_limits[abi::kRLIMIT_NICE] = {0, 0};
  g_limits[abi::kRLIMIT_RTPRIO] = {0, 0};
  g_limits[abi::kRLIMIT_RTTIME] = {kInf, kInf};
}

abi::Rlimit* Limit(uint32_t resource) {
  return resource < abi::kRLIM_NLIMITS ? &g_limits[resource] : nullptr;
}

namespace {
constinit uint64_t g_children_maxrss_kb = 0;
}  // namespace

void ForgetReapedChildren() { g_children_maxrss_kb = 0; }

void ReapedChild(uint64_t maxrss_kb) {
  if (maxrss_kb > g_children_maxrss_kb) g_children_maxrss_kb = maxrss_kb;
}

uint64_t MaxRssKb(bool children) {
  return children ? g_children_maxrss_kb : mm::PeakBytes() / 1024;
}

void Stop(int sig) {
  hv_proc p = {HV_PROC_STOP, 0, sig, 0, 0, 0};
  if (hv::Call(HV_CALL_PROC, &p) != 0) return;  // init, no table (xen), or continued already
  // Stopped: the whole process, this thread included, waits in hvrun (no
  // other thread runs: the scheduler is not entered) until the SIGCONT bit
  // is there. (SIGKILL ends the guest from outside.) The bit stays for
  // TakeSignals, so a SIGCONT handler still runs.
  const uint64_t cont = abi::SigBit(abi::kSIGCONT);
  for (;;) {
    const uint32_t seen = __atomic_load_n(g_events, __ATOMIC_ACQUIRE);
    if ((__atomic_load_n(g_signals, __ATOMIC_ACQUIRE) & cont) != 0) return;
    hv_wait w = {INT64_MAX, reinterpret_cast<uint64_t>(g_events), seen, 0};
    hv::Call(HV_CALL_WAIT, &w);
  }
}

void Exit(int32_t status, uint32_t flags) {
  // Stores through shared file mappings reach their files, as the kernel
  // writes back dirty pages after a process ends.
  shared_maps::WriteBackAll();
  const uint64_t own = MaxRssKb(/*children=*/false), children = MaxRssKb(/*children=*/true);
  hv_exit e = {.status = status,
               .flags = flags,
               .unsupported = hv::Stats().unsupported_syscalls,
               .out_of_memory = mm::OutOfMemoryCount(),
               .maxrss_kb = own > children ? own : children,
               .syscalls = hv::Stats().syscalls,
               .trapless_sites = shim::trapless::Rewritten()};
  hv::Call(HV_CALL_EXIT, &e);
  for (;;) cpu::Pause();
}

}  // namespace hvrt::process
