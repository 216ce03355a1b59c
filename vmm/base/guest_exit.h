// File: vmm/base/guest_exit.h
//
// How a guest run ended (GuestExit) and what a backend saw of a guest fault
// (CrashReport): what every backend returns and the launcher and the process
// table read. guest_exit.cc holds the ways every backend ends a run alike.
#ifndef VMM_BASE_GUEST_EXIT_H_
#define VMM_BASE_GUEST_EXIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "hv/abi.h"

namespace hvrun {

// A guest fault, as the backend saw it. Formatting and symbols: crash_report.h.
struct CrashReport {
  std::string what;  // "SIGSEGV (segmentation fault)", "#PF page fault", ...
  int signo = 0;     // the Linux signal a native run would die of
  uint64_t rip = 0;
  std::optional<uint64_t> fault_address;
  std::vector<std::pair<std::string, uint64_t>> registers;  // in display order
};

// How a guest run ended.
struct GuestExit {
  enum class Kind {
    kExited,    // the guest called HV_CALL_EXIT; status is its exit status
    kSignaled,  // the guest ended itself by a signal (abort); status is signo
    kCrashed,   // a fault; status is the signal a native run would die of
    kTimedOut,  // --timeout ran out
    kKilled,    // the guest died without a report; status is signo or -1
  };
  Kind kind = Kind::kExited;
  int status = 0;
  hv_exit info{};  // the guest's own exit report, when it made one
  std::optional<CrashReport> crash;
  std::string detail;  // one line for kKilled and kTimedOut

  // The guest reported its own end (HV_CALL_EXIT).
  static GuestExit FromGuest(const hv_exit& info);
  // hvrun stopped the guest on stop signal (sig): SIGALRM means (timeout) ran out.
  static GuestExit FromStopSignal(int sig, absl::Duration timeout);
};

}  // namespace hvrun

#endif  // VMM_BASE_GUEST_EXIT_H_
