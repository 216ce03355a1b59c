// File: mailbox_server.h
//
// MailboxServer is hvrun's side of the hypercall mailbox (mailbox_abi.h),
// shared by the backends that use one: it waits for a request (spinning a
// little, then asleep on the state word's futex), hands it to the service
// engine, and publishes the reply, waking the guest only if it sleeps.
//
// Example (a backend's serve thread):
//   MailboxServer server(mailbox_span, memory, engine, [&](uint64_t entry) {...});
//   std::optional<HypercallOutcome> end = server.Serve([&] { return stopped; });
#ifndef HV_BACKENDS_MAILBOX_MAILBOX_SERVER_H_
#define HV_BACKENDS_MAILBOX_MAILBOX_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "hv-backends/backend.h"
#include "vmm/base/guest_memory.h"

namespace hvrun {

class MailboxServer {
 public:
  // (mailbox) is hvrun's view of the guest's mailbox (MB_SIZE bytes, 8-aligned).
  // HV_CALL_REGISTER is delivery, not a service: (on_register) gets the
  // runtime's syscall and fault entries and puts them where the backend's
  // stubs read them.
  MailboxServer(std::span<uint8_t> mailbox, const GuestMemory& memory, HypercallHandler& handler,
                std::function<void(const hv_register&)> on_register);

  // Serves requests until (should_stop)() is true (asked whenever the server
  // wakes up) or a hypercall ends the guest; returns that hypercall's
  // outcome (kExit or kFatal), or nullopt when stopped.
  std::optional<HypercallOutcome> Serve(const std::function<bool()>& should_stop);

  // How Serve() wakes a guest that said it sleeps (MB_GUEST_SLEEPING) once
  // its reply is published; by default a futex wake on the state word (the
  // sim guest's futex, the kvm vCPU thread's WaitForReply). Xen: an event
  // channel notification. Set before Serve().
  void SetGuestWaker(std::function<void()> wake) { wake_guest_ = std::move(wake); }

  // HV_CALL_MEM_BACK is delivery too: (back)(start, len), for a range
  // already checked to lie inside guest memory, returns 0 or -errno. Unset:
  // every range is usable already (sim, xen), 0. Set before Serve().
  void SetMemoryBacker(std::function<int64_t(uint64_t, uint64_t)> back) {
    back_memory_ = std::move(back);
  }

  // Wakes a sleeping Serve(), and an HV_CALL_WAIT sleep on the guest's wake
  // word (safe from any thread).
  void Kick();
  // Marks the mailbox dead (MB_STATE_DEAD) and wakes every sleeper: for when
  // the guest is gone. Serve() then returns once (should_stop)() says so.
  void Shutdown();

  // The state word, for a backend that blocks its guest until the reply
  // (the kvm vCPU thread): returns once the state is not REQUEST, or (stop)().
  void WaitForReply(const std::function<bool()>& stop);

 private:
  std::atomic_ref<uint32_t> Word(int offset);
  // HV_CALL_WAIT: sleeps until CLOCK_MONOTONIC reaches (sleep).sleep_until_ns
  // or its wake word changes. Returns false when stopped (or the mailbox
  // died) first.
  bool SleepUntil(const HypercallOutcome& sleep, const std::function<bool()>& should_stop);
  uint32_t* state_word_;
  std::atomic<uint32_t*> sleep_word_{nullptr};
  std::span<uint8_t> mailbox_;
  const GuestMemory& memory_;
  HypercallHandler& handler_;
  std::function<void(const hv_register&)> on_register_;
  std::function<void()> wake_guest_;
  std::function<int64_t(uint64_t, uint64_t)> back_memory_;
};

}  // namespace hvrun

#endif  // HV_BACKENDS_MAILBOX_MAILBOX_SERVER_H_
