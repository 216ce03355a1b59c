// File: host_signals.cc
#include "vmm/base/host_signals.h"

#include <csignal>

#include "vmm/base/thread_kick.h"

namespace hvrun {

void ShieldFromGuestSignals() {
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  ThreadKick::Install();
}

}  // namespace hvrun
