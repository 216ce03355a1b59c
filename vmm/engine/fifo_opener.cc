// File: fifo_opener.cc
#include "vmm/engine/fifo_opener.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "vmm/base/stop_signals.h"
#include "vmm/engine/worker_threads.h"

namespace hvrun {
namespace {

std::string ProcFd(int fd) { return absl::StrCat("/proc/self/fd/", fd); }

}  // namespace

FifoOpener::~FifoOpener() {
  stopping_.store(true);
  std::lock_guard lock(mu_);
  for (auto& w : workers_) {
    // The thread may not be in open(2) yet when the peer comes and goes:
    // be the peer again until it has ended.
    while (!w->finished.load()) {
      UniqueFd peer(open(ProcFd(w->wait.path.get()).c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!peer.valid()) break;  // cannot release it: the join below waits
    }
    w->thread.join();
  }
}

bool FifoOpener::Start(FifoWait wait, uint32_t handle, uint64_t token,
                       const AsyncIo::Completion& where) {
  std::lock_guard lock(mu_);
  if (JoinFinished(workers_) >= kMaxWaiting) return false;
  auto w = std::make_unique<Worker>();
  w->wait = std::move(wait);
  Worker* raw = w.get();
  w->thread = StopSignals::StartThread(
      [this, raw, handle, token, where] { Run(raw, handle, token, where); });
  workers_.push_back(std::move(w));
  return true;
}

void FifoOpener::Run(Worker* self, uint32_t handle, uint64_t token,
                     const AsyncIo::Completion& where) {
  const std::string path = ProcFd(self->wait.path.get());
  int fd;
  do {
    fd = open(path.c_str(), self->wait.flags);
  } while (fd < 0 && errno == EINTR && !stopping_.load());
  const int64_t err = fd < 0 ? -errno : 0;
  UniqueFd got(fd);
  // O_NONBLOCK from now on, as every FIFO fd of the guest's (files.cc).
  if (got.valid()) fcntl(got.get(), F_SETFL, fcntl(got.get(), F_GETFL) | O_NONBLOCK);
  if (!stopping_.load()) {
    const bool opened = got.valid();
    const bool filled = files_.Fill(handle, token, std::move(got));
    const int64_t result = !opened ? err : (filled ? int64_t{handle} : -EBADF);
    AsyncIo::Complete(memory_, where, result);
  }
  self->finished.store(true);
}

}  // namespace hvrun
