// File: threaded_io.h
//
// ThreadedIo finishes the host transfers that would block when io_uring
// cannot take them (AsyncIo unavailable: kernel.io_uring_disabled, a seccomp
// profile, an old dom0 kernel; or every io_uring slot busy): each on a host
// thread of its own, which waits for its fd (poll, in kStep steps so that
// teardown is prompt), moves the bytes without blocking and completes the
// request as AsyncIo does. Without it such a transfer would run in line and
// hold up every guest thread: a guest whose reader thread waits on a pipe its
// writer thread fills would deadlock.
//
// The thread uses its own dup of the fd, so the guest closing the handle
// meanwhile changes nothing. Lifetime: as AsyncIo, it must die before the
// GuestMemory it writes; its destructor ends every waiting transfer (none
// completes after it) and joins the threads.
//
// Example:
//   ThreadedIo threads(memory);
//   if (!threads.Start(io, {.request = arg, .counter = req.counter})) { /* in line */ }
#ifndef VMM_ENGINE_THREADED_IO_H_
#define VMM_ENGINE_THREADED_IO_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vmm/base/guest_memory.h"
#include "vmm/engine/async_io.h"
#include "vmm/services/services.h"

namespace hvrun {

class ThreadedIo {
 public:
  static constexpr int kMaxInFlight = 64;
  static constexpr std::chrono::milliseconds kStep{100};

  explicit ThreadedIo(const GuestMemory& memory) : memory_(memory) {}
  ~ThreadedIo();
  ThreadedIo(const ThreadedIo&) = delete;
  ThreadedIo& operator=(const ThreadedIo&) = delete;

  // Starts (io) on a thread; (where) receives the result. False if it could
  // not (kMaxInFlight already, or no fd to dup): the caller does it in line.
  bool Start(const HostIo& io, const AsyncIo::Completion& where);

 private:
  struct Worker {
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void Run(Worker* self, HostIo io, const AsyncIo::Completion& where);

  const GuestMemory& memory_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;  // guarded by mu_
};

}  // namespace hvrun

#endif  // VMM_ENGINE_THREADED_IO_H_
