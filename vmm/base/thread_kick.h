// File: thread_kick.h
//
// ThreadKick interrupts whatever blocking system call another hvrun thread
// is in: a write(2) to a pipe nobody drains, a poll, a futex wait, KVM_RUN.
// It sends that thread a signal whose handler does nothing and is installed
// without SA_RESTART, so the call returns EINTR (or a short count) and the
// thread gets to look at its stop flags again.
//
// This is what keeps shutdown bounded whatever the guest does: a thread that
// shutdown waits for is kicked until it has finished (KickUntilDone), so no
// host call that the guest drives can hold a join forever. (A call the kernel
// does not interrupt, such as a write to a regular file on a hung NFS mount,
// still can; see docs/SECURITY.md.)
//
// Example:
//   std::atomic<bool> done{false};
//   std::thread t = StopSignals::StartThread([&] { Serve(); done.store(true); });
//   ...
//   ThreadKick::KickUntilDone(t, done);  // then t.join() returns promptly
#ifndef VMM_BASE_THREAD_KICK_H_
#define VMM_BASE_THREAD_KICK_H_

#include <pthread.h>

#include <atomic>
#include <thread>

namespace hvrun {

class ThreadKick {
 public:
  // The signal used (a real-time signal that glibc leaves to programs).
  static int Signal();
  // Installs the empty handler (once per process; safe to call again).
  static void Install();
  // Interrupts (thread)'s current or next blocking system call. Installs the
  // handler first if needed. Harmless when the thread is not blocked.
  static void Kick(pthread_t thread);
  // Kicks (thread) every few milliseconds until (done) is true, then joins
  // it. (done) must be set by the thread as the last thing it does.
  static void KickUntilDone(std::thread& thread, const std::atomic<bool>& done);
};

}  // namespace hvrun

#endif  // VMM_BASE_THREAD_KICK_H_
