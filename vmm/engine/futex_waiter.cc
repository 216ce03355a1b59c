// File: futex_waiter.cc
#include "vmm/engine/futex_waiter.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>

#include "vmm/base/stop_signals.h"
#include "vmm/engine/worker_threads.h"

namespace hvrun {

FutexWaiter::~FutexWaiter() {
  stopping_.store(true);
  std::lock_guard lock(mu_);
  for (auto& w : workers_) {
    // A thread not yet in its wait when woken would sleep out its slice:
    // wake again until it has ended.
    while (!w->finished.load()) {
      syscall(SYS_futex, w->wait.word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    w->thread.join();
  }
}

bool FutexWaiter::Start(const FutexWait& wait, const AsyncIo::Completion& where) {
  std::lock_guard lock(mu_);
  if (JoinFinished(workers_) >= kMaxWaiting) return false;
  auto w = std::make_unique<Worker>();
  w->wait = wait;
  Worker* raw = w.get();
  w->thread = StopSignals::StartThread([this, raw, where] { Run(raw, where); });
  workers_.push_back(std::move(w));
  return true;
}

void FutexWaiter::Run(Worker* self, const AsyncIo::Completion& where) {
  // FUTEX_WAIT_BITSET's timeout is absolute, on CLOCK_MONOTONIC.
  timespec until{};
  clock_gettime(CLOCK_MONOTONIC, &until);
  const int64_t end_ns = until.tv_nsec + self->wait.timeout_ns;
  until.tv_sec += end_ns / 1000000000;
  until.tv_nsec = end_ns % 1000000000;
  int64_t result = 0;
  if (!stopping_.load()) {
    const long r = syscall(SYS_futex, self->wait.word, FUTEX_WAIT_BITSET, self->wait.val, &until,
                           nullptr, self->wait.bitset);
    // EINTR (a host signal) is a spurious wake, which futex callers expect.
    if (r < 0 && (errno == EAGAIN || errno == ETIMEDOUT)) result = -errno;
  }
  if (!stopping_.load()) AsyncIo::Complete(memory_, where, result);
  self->finished.store(true);
}

}  // namespace hvrun
