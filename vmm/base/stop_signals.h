// File: stop_signals.h
//
// StopSignals turns SIGINT, SIGTERM, SIGHUP, the --timeout alarm (SIGALRM) and
// SIGXCPU (the CPU time limit, `ulimit -t`: on kvm the guest's CPU time is
// hvrun's own) into a request to stop the guest, while a backend runs it. The handlers only
// record the signal and poke (kick), a byte the backend's blocking call
// watches (KVM's kvm_run.immediate_exit); any blocking syscall in the
// backend's thread also returns EINTR. The old handlers come back when the
// StopSignals goes out of scope.
//
// Example:
//   StopSignals stop(&run->immediate_exit, start.timeout);
//   ... if (int sig = StopSignals::Pending()) { /* SIGALRM: timed out */ }
#ifndef VMM_BASE_STOP_SIGNALS_H_
#define VMM_BASE_STOP_SIGNALS_H_

#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <thread>
#include <utility>

#include "absl/time/time.h"

namespace hvrun {

class StopSignals {
 public:
  // (kick) may be null. (timeout) may be absl::InfiniteDuration().
  StopSignals(volatile uint8_t* kick, absl::Duration timeout);
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Starts the --timeout alarm now (for a StopSignals made with an infinite
  // timeout before the guest's run starts).
  void ArmTimeout(absl::Duration timeout);

  // The first stop signal received (SIGALRM means the timeout ran out), or
  // kMemoryLimit, or 0.
  static int Pending();

  // A stop hvrun decides itself: the guest used more memory than --memory
  // allows (memory_watch.h). Not a signal number.
  static constexpr int kMemoryLimit = 0x100;
  // Requests the stop (reason) from any thread, as a stop signal would, with
  // (detail) for the report (GuestExit::FromStopSignal).
  static void RequestStop(int reason, std::string detail);
  static std::string StopDetail();

  // Starts a helper thread with the stop signals blocked from its first
  // instruction, so they always go to the thread running the guest (blocking
  // them inside the new thread would leave a window).
  template <typename F>
  static std::thread StartThread(F&& f) {
    sigset_t set, old;
    SignalSet(&set);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    std::thread t(std::forward<F>(f));
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return t;
  }

  // Forwarding (stop_forwarder.h): with (fd) >= 0, SIGINT, SIGTERM and
  // SIGHUP are not stops but are recorded for TakeForwarded and announced by
  // a byte written to (fd); -1 ends it.
  static void ForwardTo(int fd);
  // The forwarded signals since the last call, as a mask (bit sig - 1).
  static uint64_t TakeForwarded();

  // True once a stop signal came or the run is being torn down (MarkEnding):
  // services that block on host I/O check it and give up.
  static bool Stopping();
  static void MarkEnding();

 private:
  static void SignalSet(sigset_t* set);
  // SIGURG only wakes the thread running the guest for RequestStop: it is
  // never a reason to stop by itself, and its default action is to ignore
  // it, so one that arrives after the handlers are restored does nothing.
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGXCPU, SIGURG};
  struct sigaction old_[std::size(kSignals)];
};

}  // namespace hvrun

#endif  // VMM_BASE_STOP_SIGNALS_H_
