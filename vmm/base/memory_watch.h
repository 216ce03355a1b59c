// File: memory_watch.h
//
// MemoryWatch enforces --memory on backends whose guest memory is a memfd
// (sim, kvm): the guest's address space is large and costs only what it
// touches, so the limit is on that, the memfd's allocated pages (st_blocks,
// which the kernel keeps as pages are touched and as HV_CALL_MEM_DISCARD
// punches them out), as docker's --memory limits a container's resident
// memory. A thread looks every kInterval; once the guest is over the limit
// it stops the run (StopSignals::RequestStop, exit 137) with a report. The
// guest can overshoot by what it touches within one interval (at most a few
// hundred MiB at memory bandwidth), never more.
//
// Example:
//   MemoryWatch watch(memory.fd(), limit);   // stops with the run's scope
#ifndef VMM_BASE_MEMORY_WATCH_H_
#define VMM_BASE_MEMORY_WATCH_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace hvrun {

class MemoryWatch {
 public:
  static constexpr std::chrono::milliseconds kInterval{10};

  // Watches memfd (fd) against (limit) bytes; fd < 0 or limit 0: no watch.
  MemoryWatch(int fd, uint64_t limit);
  // Watches what (used)() says (bytes; every process's memfd together).
  MemoryWatch(std::function<uint64_t()> used, uint64_t limit);
  ~MemoryWatch();
  MemoryWatch(const MemoryWatch&) = delete;
  MemoryWatch& operator=(const MemoryWatch&) = delete;

  // The most the guest used, as last seen (bytes).
  uint64_t peak() const { return peak_.load(); }

  // Bytes of memfd (fd) in use now, or 0 if it cannot be told.
  static uint64_t Used(int fd);

 private:
  void Loop();

  std::function<uint64_t()> used_;
  uint64_t limit_;
  std::atomic<uint64_t> peak_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace hvrun

#endif  // VMM_BASE_MEMORY_WATCH_H_
