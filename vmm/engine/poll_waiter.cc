// File: poll_waiter.cc
#include "vmm/engine/poll_waiter.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "vmm/base/stop_signals.h"
#include "vmm/engine/worker_threads.h"

namespace hvrun {
namespace {

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

}  // namespace

PollWaiter::PollWaiter(const GuestMemory& memory)
    : memory_(memory), stop_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

PollWaiter::~PollWaiter() {
  stopping_.store(true);
  if (stop_.valid()) {
    const uint64_t one = 1;
    (void)!write(stop_.get(), &one, sizeof one);
  }
  std::lock_guard lock(mu_);
  for (auto& w : workers_) w->thread.join();
}

bool PollWaiter::Start(PollWait wait, const AsyncIo::Completion& where) {
  if (!stop_.valid()) return false;
  std::lock_guard lock(mu_);
  if (JoinFinished(workers_) >= kMaxWaiting) return false;
  auto w = std::make_unique<Worker>();
  w->wait = std::move(wait);
  Worker* raw = w.get();
  w->thread = StopSignals::StartThread([this, raw, where] { Run(raw, where); });
  workers_.push_back(std::move(w));
  return true;
}

void PollWaiter::Run(Worker* self, const AsyncIo::Completion& where) {
  const PollWait& wait = self->wait;
  std::vector<pollfd> fds(wait.fds.size() + 1);
  for (size_t i = 0; i < wait.fds.size(); ++i) fds[i] = {wait.fds[i].get(), wait.events[i], 0};
  fds.back() = {stop_.get(), POLLIN, 0};
  // PreparePoll bounds timeout_ns; the clamp keeps the sum defined anyway.
  const int64_t end = NowNs() + std::clamp<int64_t>(wait.timeout_ns, 0, HV_POLL_MAX_WAIT_NS);
  int64_t result = 0;
  for (;;) {
    const int64_t left = end - NowNs();
    if (left <= 0) break;
    timespec ts{left / 1000000000, left % 1000000000};
    const int n = ppoll(fds.data(), fds.size(), &ts, nullptr);
    if (n < 0 && errno == EINTR) continue;  // a host signal: StopSignals decides
    if (n < 0) {
      result = -errno;
      break;
    }
    if (fds.back().revents != 0 || stopping_.load()) break;
    if (n > 0) {
      std::vector<short> ready(wait.fds.size());
      for (size_t i = 0; i < ready.size(); ++i) ready[i] = fds[i].revents;
      result = FinishPoll(memory_, wait.items, ready);
      break;
    }
  }
  // The dups go now, not when the worker is joined: a socket the guest
  // closes must not stay open (listening, bound) in hvrun meanwhile.
  self->wait.fds.clear();
  if (!stopping_.load()) AsyncIo::Complete(memory_, where, result);
  self->finished.store(true);
}

}  // namespace hvrun
