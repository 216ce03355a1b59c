// thread_ops: thread costs, timed with CLOCK_MONOTONIC. A static program run
// natively or under hvrun by hv_bench (BM_Thread*).
//
// Usage: thread_ops MODE N
//   spawn     N x (std::thread spawn of an empty function + join)
//   pingpong  N round trips between two threads handing a turn over with a
//             std::mutex and two std::condition_variables
// Prints "iterations=N total_ns=T" on one line.
#include <time.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "bench/guest/now_ns.h"

namespace {

void Spawn(unsigned long long n) {
  for (unsigned long long i = 0; i < n; ++i) {
    std::thread t([] {});
    t.join();
  }
}

void PingPong(unsigned long long n) {
  std::mutex mu;
  std::condition_variable ping, pong;
  bool ball_at_worker = false;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(mu);
    for (unsigned long long i = 0; i < n; ++i) {
      ping.wait(lock, [&] { return ball_at_worker; });
      ball_at_worker = false;
      pong.notify_one();
    }
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    for (unsigned long long i = 0; i < n; ++i) {
      ball_at_worker = true;
      ping.notify_one();
      pong.wait(lock, [&] { return !ball_at_worker; });
    }
  }
  worker.join();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "spawn") != 0 && std::strcmp(argv[1], "pingpong") != 0)) {
    std::fprintf(stderr, "usage: thread_ops spawn|pingpong N\n");
    return 64;
  }
  const unsigned long long n = std::strtoull(argv[2], nullptr, 10);
  // Warm up: the first thread pays for its stack mapping and TLS setup.
  Spawn(1);
  unsigned long long start = NowNs();
  if (std::strcmp(argv[1], "spawn") == 0) {
    Spawn(n);
  } else {
    PingPong(n);
  }
  unsigned long long total = NowNs() - start;
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return 0;
}
