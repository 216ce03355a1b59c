// File: runtime/linux/process.h
//
// The one process the guest runs: its ids, resource limits, and how it
// ends. pid 1 (the main thread's tid), parent 0 (like init). Its threads,
// and their set_tid_address/set_robust_list registrations, are
// runtime/sched/'s.
//
// Example:
//   hvrt::process::Reset(boot_info);
//   hvrt::process::Exit(status & 0xff, 0);   // never returns
#ifndef HVRT_LINUX_PROCESS_H_
#define HVRT_LINUX_PROCESS_H_

#include <stdint.h>

#include "hv/abi.h"
#include "runtime/linux/abi/resource.h"

namespace hvrt::process {

// This process's pid (hvrun's process table numbers them; the first is 1),
// which is also its main thread's tid.
int32_t Pid();

// Sets the pid and the limits from (bi) (RLIMIT_STACK is the stack hvrun
// gave the app).
void Reset(const hv_boot_info& bi);
// After a fork: the child's pid (the rest was copied from the parent, but
// for the parent-death signal, which a child starts without).
void SetPid(int32_t pid);

// What prctl(2) sets for the process: PR_SET_PDEATHSIG's signal (hvrun
// sends it; kept here for PR_GET_PDEATHSIG), PR_SET_DUMPABLE (1 at start),
// PR_SET_CHILD_SUBREAPER (hvrun reparents orphans by it). (Per-thread
// settings, the name and no_new_privs, are sys_prctl.cc's.)
struct PrctlState {
  int32_t pdeath_sig;
  int32_t dumpable;
  int32_t child_subreaper;
};
PrctlState& Prctl();

// The words hvrun counts this process's events on and ORs signals other
// processes sent it into (hv_boot_info.events, .signals: in the boot page,
// where hvrun writes them).
uint32_t* EventsWord();
// Points those words at the boot page hvrun filled (not the runtime's copy).
void UseBootPage(hv_boot_info* page);
// The parent's pid, from the boot page, which hvrun rewrites to 1 when the
// parent ends (re-parenting): getppid(2) without a hypercall.
int32_t Ppid();
// Takes the signals other processes sent and generates each (signals::Send):
// cheap when there are none (one load). Call at syscall exit and when idle.
void TakeSignals();

// The current limit for (resource), or nullptr if it is not a Linux resource.
// Limits can be lowered and are reported back; the runtime does not enforce
// them (the stack and memory are bounded by what hvrun gave the guest).
abi::Rlimit* Limit(uint32_t resource);

// Whether (pid) names this process: 0 (the caller) or its pid.
inline bool IsSelf(int64_t pid) { return pid == 0 || pid == Pid(); }

// Ends the guest: HV_CALL_EXIT with (status), (flags) (HV_EXIT_*), the count
// of unknown syscalls and of failed memory requests. Never returns.
[[noreturn]] void Exit(int32_t status, uint32_t flags);
// Job control: stop signal (sig) with its default action. The process stops
// (hvrun tells its parent) until a SIGCONT; returns at once for init or
// where there is no process table.
void Stop(int sig);
// wait4/waitid reaped a child whose ru_maxrss (its own or its reaped
// children's, hv_proc.maxrss_kb) was (maxrss_kb).
void ReapedChild(uint64_t maxrss_kb);
// A forked child has reaped nobody yet.
void ForgetReapedChildren();
// getrusage's ru_maxrss, in KiB: this process's (mm::PeakBytes), or the
// largest of its reaped children's (children).
uint64_t MaxRssKb(bool children);

}  // namespace hvrt::process

#endif  // HVRT_LINUX_PROCESS_H_
