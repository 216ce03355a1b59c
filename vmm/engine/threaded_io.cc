// File: threaded_io.cc
#include "vmm/engine/threaded_io.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "vmm/base/stop_signals.h"
#include "vmm/engine/worker_threads.h"

namespace hvrun {

ThreadedIo::~ThreadedIo() {
  stopping_.store(true);
  std::lock_guard lock(mu_);
  for (auto& w : workers_) w->thread.join();
}

bool ThreadedIo::Start(const HostIo& io, const AsyncIo::Completion& where) {
  std::lock_guard lock(mu_);
  if (JoinFinished(workers_) >= kMaxInFlight) return false;
  HostIo own = io;
  own.fd = dup(io.fd);
  if (own.fd < 0) return false;
  auto w = std::make_unique<Worker>();
  Worker* raw = w.get();
  w->thread = StopSignals::StartThread([this, raw, own, where] { Run(raw, own, where); });
  workers_.push_back(std::move(w));
  return true;
}

void ThreadedIo::Run(Worker* self, HostIo io, const AsyncIo::Completion& where) {
  int64_t r;
  for (;;) {
    r = TryHostIo(io);
    if (r == -EOPNOTSUPP) r = RunFileIo(io);  // cannot say: disk time, bounded
    if (r != -EAGAIN) break;
    if (stopping_.load()) break;
    pollfd p{io.fd, static_cast<short>(io.write ? POLLOUT : POLLIN), 0};
    poll(&p, 1, static_cast<int>(kStep.count()));
  }
  if (!stopping_.load()) AsyncIo::Complete(memory_, where, r);
  close(io.fd);
  self->finished.store(true);
}

}  // namespace hvrun
