// File: thread_kick.cc
#include "vmm/base/thread_kick.h"

#include <signal.h>
#include <time.h>

#include <mutex>

namespace hvrun {
namespace {

void OnKick(int) {}  // the interruption is the point

}  // namespace

int ThreadKick::Signal() { return SIGRTMIN + 1; }

void ThreadKick::Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = OnKick;  // no SA_RESTART: the blocked call returns EINTR
    sigemptyset(&sa.sa_mask);
    sigaction(Signal(), &sa, nullptr);
    // Threads inherit the mask of their creator: make sure it is open here.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, Signal());
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  });
}

void ThreadKick::Kick(pthread_t thread) {
  Install();
  pthread_kill(thread, Signal());
}

void ThreadKick::KickUntilDone(std::thread& thread, const std::atomic<bool>& done) {
  if (!thread.joinable()) return;
  // A kick can land just before the thread enters its next blocking call,
  // and then interrupts nothing: so kick again until it says it is done.
  // A kick still pending when the thread exits dies with it.
  while (!done.load()) {
    Kick(thread.native_handle());
    const timespec pause{0, 5 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
  thread.join();
}

}  // namespace hvrun
