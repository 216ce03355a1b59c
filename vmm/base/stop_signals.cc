// File: stop_signals.cc
#include "vmm/base/stop_signals.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

namespace hvrun {
namespace {

volatile sig_atomic_t g_signal = 0;
std::atomic<volatile uint8_t*> g_kick{nullptr};
std::atomic<bool> g_ending{false};
std::atomic<int> g_forward_fd{-1};
std::atomic<uint64_t> g_forwarded{0};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "used in a signal handler");

void OnStop(int sig) {
  if (sig == SIGURG && g_signal == 0) return;  // a wake-up, not a reason (RequestStop)
  if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
    if (const int fd = g_forward_fd.load(); fd >= 0) {
      g_forwarded.fetch_or(1ull << (sig - 1));
      const int saved = errno;
      [[maybe_unused]] ssize_t n = write(fd, "", 1);
      errno = saved;
      return;
    }
  }
  if (g_signal == 0 && sig != SIGURG) g_signal = sig;
  if (volatile uint8_t* kick = g_kick.load()) *kick = 1;
}

std::mutex g_detail_mu;
std::string g_detail;

}  // namespace

StopSignals::StopSignals(volatile uint8_t* kick, absl::Duration timeout) {
  g_signal = 0;
  {
    std::lock_guard<std::mutex> lock(g_detail_mu);
    g_detail.clear();
  }
  g_ending.store(false);
  g_kick.store(kick);
  struct sigaction sa {};
  sa.sa_handler = OnStop;  // no SA_RESTART: blocking calls return EINTR
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &sa, &old_[i]);
  ArmTimeout(timeout);
}

void StopSignals::ArmTimeout(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return;
  itimerval t{};
  t.it_value = absl::ToTimeval(timeout);
  if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0) t.it_value.tv_usec = 1;
  setitimer(ITIMER_REAL, &t, nullptr);
}

StopSignals::~StopSignals() {
  itimerval zero{};
  setitimer(ITIMER_REAL, &zero, nullptr);
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old_[i], nullptr);
  g_kick.store(nullptr);
}

int StopSignals::Pending() { return g_signal; }

void StopSignals::RequestStop(int reason, std::string detail) {
  {
    std::lock_guard<std::mutex> lock(g_detail_mu);
    if (g_signal != 0) return;
    g_detail = std::move(detail);
    g_signal = reason;
  }
  if (volatile uint8_t* kick = g_kick.load()) *kick = 1;
  // A signal of our own wakes the thread running the guest from any blocking
  // call, KVM_RUN included (OnStop keeps the reason set above).
  kill(getpid(), SIGURG);
}

std::string StopSignals::StopDetail() {
  std::lock_guard<std::mutex> lock(g_detail_mu);
  return g_detail;
}

void StopSignals::SignalSet(sigset_t* set) {
  sigemptyset(set);
  for (int sig : kSignals) sigaddset(set, sig);
}

void StopSignals::ForwardTo(int fd) { g_forward_fd.store(fd); }

uint64_t StopSignals::TakeForwarded() { return g_forwarded.exchange(0); }

bool StopSignals::Stopping() { return g_signal != 0 || g_ending.load(); }
void StopSignals::MarkEnding() { g_ending.store(true); }

}  // namespace hvrun
