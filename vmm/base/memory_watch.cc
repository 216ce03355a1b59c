// File: memory_watch.cc
#include "vmm/base/memory_watch.h"

#include <sys/stat.h>

#include "absl/strings/str_format.h"
#include "vmm/base/stop_signals.h"

namespace hvrun {

uint64_t MemoryWatch::Used(int fd) {
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_blocks) * 512;
}

MemoryWatch::MemoryWatch(int fd, uint64_t limit)
    : MemoryWatch(
          fd < 0 ? std::function<uint64_t()>() : [fd] { return Used(fd); }, limit) {}

MemoryWatch::MemoryWatch(std::function<uint64_t()> used, uint64_t limit)
    : used_(std::move(used)), limit_(limit) {
  if (!used_ || limit_ == 0) return;
  thread_ = StopSignals::StartThread([this] { Loop(); });
}

MemoryWatch::~MemoryWatch() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MemoryWatch::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!done_) {
    const uint64_t used = used_();
    if (used > peak_.load()) peak_.store(used);
    // Asked again while over: a request made before the backend installed
    // its stop handlers (which start from no stop) must not be lost.
    if (used > limit_ && StopSignals::Pending() == 0) {
      StopSignals::RequestStop(
          StopSignals::kMemoryLimit,
          absl::StrFormat("guest ran out of memory: it used %.1f MiB, more than its limit "
                          "(--memory=%.1f MiB); stopped it",
                          used / 1048576.0, limit_ / 1048576.0));
    }
    cv_.wait_for(lock, kInterval);
  }
}

}  // namespace hvrun
