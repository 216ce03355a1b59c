// File: stop_forwarder.cc
#include "hvrun/stop_forwarder.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "vmm/base/signal_names.h"
#include "vmm/base/stop_signals.h"

namespace hvrun {

StopForwarder::StopForwarder(std::function<void(int)> deliver, absl::Duration stop_timeout)
    : deliver_(std::move(deliver)), stop_timeout_(stop_timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;  // no forwarding: signals stop at once
  read_ = UniqueFd(fds[0]);
  write_ = UniqueFd(fds[1]);
  StopSignals::ForwardTo(write_.get());
  thread_ = StopSignals::StartThread([this] { Loop(); });
}

StopForwarder::~StopForwarder() {
  StopSignals::ForwardTo(-1);
  done_.store(true);
  if (write_.get() >= 0) {
    [[maybe_unused]] ssize_t n = write(write_.get(), "", 1);
  }
  if (thread_.joinable()) thread_.join();
}

void StopForwarder::Loop() {
  absl::Time deadline = absl::InfiniteFuture();
  int first = 0;
  while (!done_.load()) {
    int wait_ms = -1;
    if (deadline != absl::InfiniteFuture()) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        StopSignals::RequestStop(
            first, absl::StrCat("the guest did not exit within --stop-timeout=",
                                absl::FormatDuration(stop_timeout_), " of ", SignalName(first)));
        return;
      }
      wait_ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    }
    pollfd p = {read_.get(), POLLIN, 0};
    if (poll(&p, 1, wait_ms) < 0 && errno != EINTR) return;
    char buf[64];
    while (read(read_.get(), buf, sizeof buf) > 0) {
    }
    const uint64_t sigs = StopSignals::TakeForwarded();
    for (int sig = 1; sig <= 64; ++sig) {
      if ((sigs & (1ull << (sig - 1))) == 0) continue;
      deliver_(sig);
      if (first == 0) {
        first = sig;
        deadline = absl::Now() + stop_timeout_;
      }
    }
  }
}

}  // namespace hvrun
