// Timed waits: a raw FUTEX_WAIT with a 50 ms timeout ends with ETIMEDOUT no
// sooner; sleep_for(20 ms) sleeps at least 20 ms; std::async returns its
// result through a future (a thread and a futex wake).
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

int main() {
  using Clock = std::chrono::steady_clock;
  bool ok = true;

  unsigned int word = 0;
  timespec ts = {0, 50 * 1000 * 1000};
  auto t0 = Clock::now();
  long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, nullptr, 0);
  int err = errno;
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
  std::printf("futex wait: %s, >= 50 ms: %s\n", r == -1 && err == ETIMEDOUT ? "ETIMEDOUT" : "?",
              waited >= 50 ? "yes" : "no");
  ok = ok && r == -1 && err == ETIMEDOUT && waited >= 50;

  r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, &ts, nullptr, 0);
  err = errno;
  std::printf("futex wait on a changed value: %s\n", r == -1 && err == EAGAIN ? "EAGAIN" : "?");
  ok = ok && r == -1 && err == EAGAIN;

  t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto slept = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
  std::printf("sleep_for 20 ms: >= 20 ms: %s\n", slept >= 20000 ? "yes" : "no");
  ok = ok && slept >= 20000;

  auto fut = std::async(std::launch::async, [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return 6 * 7;
  });
  int v = fut.get();
  std::printf("async result: %d\n", v);
  ok = ok && v == 42;

  std::printf("futex_timeout: %s\n", ok ? "all ok" : "FAILED");
  return ok ? 0 : 1;
}
