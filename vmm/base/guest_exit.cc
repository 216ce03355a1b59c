// File: guest_exit.cc
//
// The ways every backend ends a run the same way (guest_exit.h).
#include "vmm/base/guest_exit.h"

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "vmm/base/signal_names.h"
#include "vmm/base/stop_signals.h"

namespace hvrun {

GuestExit GuestExit::FromGuest(const hv_exit& info) {
  GuestExit e;
  e.info = info;
  e.status = info.status;
  e.kind = (info.flags & HV_EXIT_SIGNALED) ? Kind::kSignaled : Kind::kExited;
  return e;
}

GuestExit GuestExit::FromStopSignal(int sig, absl::Duration timeout) {
  GuestExit e;
  if (sig == StopSignals::kMemoryLimit) {
    e.kind = Kind::kKilled;  // 137, as docker reports a container its memory limit killed
    e.status = SIGKILL;
    e.detail = StopSignals::StopDetail();
  } else if (sig == SIGALRM) {
    e.kind = Kind::kTimedOut;
    e.detail = absl::StrCat("guest timed out after ", absl::FormatDuration(timeout));
  } else {
    e.kind = Kind::kKilled;  // 128 + sig, as a native process killed by it
    e.status = sig;
    const std::string why = StopSignals::StopDetail();  // e.g. --stop-timeout ran out
    e.detail = absl::StrCat("stopped the guest on ", SignalName(sig),
                            sig == SIGXCPU ? ": the CPU time limit (ulimit -t) ran out" : "",
                            why.empty() ? "" : ": ", why);
  }
  return e;
}

}  // namespace hvrun
