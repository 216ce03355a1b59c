// File: futex_waiter.h
//
// FutexWaiter finishes the guest's waits on futex words in memory other
// processes share (HV_CALL_FUTEX's HV_FUTEX_WAIT, submitted): each on a host
// thread of its own, blocked in the host's futex wait on hvrun's view of the
// word, so that another process's HV_FUTEX_WAKE, a host futex wake of the
// same page, ends it (and is counted), while the guest's other threads run.
// A wait lasts at most HV_FUTEX_SLICE_NS: the guest waits again for longer,
// and looks for signals in between, so no wait outlives a slice unasked.
// (A pool of kept threads measured no faster here: a cross-process round
// trip is three hypercalls a side, which dominate.)
//
// Teardown: the destructor wakes every wait (a host futex wake of its word)
// until its thread has ended, and joins them all; it must run before the
// GuestMemory the words live in goes away.
//
// Example:
//   FutexWaiter waiter(memory);
//   if (!waiter.Start(wait, {.request = arg, .counter = c})) { /* -EBUSY */ }
#ifndef VMM_ENGINE_FUTEX_WAITER_H_
#define VMM_ENGINE_FUTEX_WAITER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vmm/base/guest_memory.h"
#include "vmm/engine/async_io.h"
#include "vmm/services/services.h"

namespace hvrun {

class FutexWaiter {
 public:
  static constexpr int kMaxWaiting = 128;

  explicit FutexWaiter(const GuestMemory& memory) : memory_(memory) {}
  ~FutexWaiter();
  FutexWaiter(const FutexWaiter&) = delete;
  FutexWaiter& operator=(const FutexWaiter&) = delete;

  // Waits (wait) on a thread; (where) receives 0 (woken), -EAGAIN (the word
  // was not the value) or -ETIMEDOUT. False if kMaxWaiting waits are in
  // flight.
  bool Start(const FutexWait& wait, const AsyncIo::Completion& where);

 private:
  struct Worker {
    FutexWait wait;
    std::thread thread;
    std::atomic<bool> finished{false};
  };
  void Run(Worker* self, const AsyncIo::Completion& where);

  const GuestMemory& memory_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::unique_ptr<Worker>> workers_;  // guarded by mu_
};

}  // namespace hvrun

#endif  // VMM_ENGINE_FUTEX_WAITER_H_
