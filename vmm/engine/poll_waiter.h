// File: poll_waiter.h
//
// PollWaiter finishes the guest's HV_CALL_POLL waits (submitted, nothing
// ready yet): each on a host thread of its own, in the host's poll(2) on
// dups of the handles' fds (the guest closing a handle meanwhile changes
// nothing) plus one eventfd of the waiter's, written at teardown, so that a
// wait never outlives hvrun's end. The guest waits in slices (abi.h), so a
// wait is short; at most kMaxWaiting at once (-EBUSY beyond: the guest
// sleeps in its own steps instead).
//
// Example:
//   PollWaiter waiter(memory);
//   if (!waiter.Start(std::move(wait), {.request = arg, .counter = c})) { /* -EBUSY */ }
#ifndef VMM_ENGINE_POLL_WAITER_H_
#define VMM_ENGINE_POLL_WAITER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vmm/base/guest_memory.h"
#include "vmm/base/unique_fd.h"
#include "vmm/engine/async_io.h"
#include "vmm/services/services.h"

namespace hvrun {

class PollWaiter {
 public:
  static constexpr int kMaxWaiting = 128;

  explicit PollWaiter(const GuestMemory& memory);
  ~PollWaiter();
  PollWaiter(const PollWaiter&) = delete;
  PollWaiter& operator=(const PollWaiter&) = delete;

  // Waits (wait) on a thread; (where) receives how many items are ready (0
  // at the timeout). False if kMaxWaiting waits are in flight or no thread
  // could start.
  bool Start(PollWait wait, const AsyncIo::Completion& where);

 private:
  struct Worker {
    PollWait wait;
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void Run(Worker* self, const AsyncIo::Completion& where);

  const GuestMemory& memory_;
  UniqueFd stop_;  // an eventfd: readable once teardown began
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;  // guarded by mu_
};

}  // namespace hvrun

#endif  // VMM_ENGINE_POLL_WAITER_H_
