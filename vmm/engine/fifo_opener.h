// File: fifo_opener.h
//
// FifoOpener finishes the FIFO opens that wait for the other end (Linux's
// open of a FIFO for reading only or writing only, without O_NONBLOCK): each
// on a host thread of its own, blocked in open(2) of the FIFO, so that the
// guest's other threads (one of which may be the peer that opens the other
// end) keep running. When the open returns, the fd fills the handle set
// aside for it (HostFiles::Reserve) and the request completes as a submitted
// transfer does (AsyncIo::Complete).
//
// Teardown: an open in flight is released by opening the same FIFO O_RDWR
// (a reader and a writer at once, for a moment): its thread then closes
// what it got and ends without touching the guest. The destructor does that
// and joins every thread, so it must run before the HostFiles and the
// GuestMemory it writes go away.
//
// Example:
//   FifoOpener opener(memory, files);
//   if (!opener.Start(std::move(wait), handle, token, {.request = arg, .counter = c})) { ... }
#ifndef VMM_ENGINE_FIFO_OPENER_H_
#define VMM_ENGINE_FIFO_OPENER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vmm/base/guest_memory.h"
#include "vmm/engine/async_io.h"
#include "vmm/services/host_files.h"
#include "vmm/services/services.h"

namespace hvrun {

class FifoOpener {
 public:
  static constexpr int kMaxWaiting = 64;

  FifoOpener(const GuestMemory& memory, HostFiles& files) : memory_(memory), files_(files) {}
  ~FifoOpener();
  FifoOpener(const FifoOpener&) = delete;
  FifoOpener& operator=(const FifoOpener&) = delete;

  // Opens (wait)'s FIFO on a thread into reserved (handle) ((token) from
  // Reserve); (where) receives the handle or -errno. False if kMaxWaiting
  // opens wait already.
  bool Start(FifoWait wait, uint32_t handle, uint64_t token, const AsyncIo::Completion& where);

 private:
  struct Worker {
    FifoWait wait;
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void Run(Worker* self, uint32_t handle, uint64_t token, const AsyncIo::Completion& where);

  const GuestMemory& memory_;
  HostFiles& files_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;  // guarded by mu_
};

}  // namespace hvrun

#endif  // VMM_ENGINE_FIFO_OPENER_H_
