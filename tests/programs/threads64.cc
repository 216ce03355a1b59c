// 64 threads, each summing its own range; joined; an exact total. The
// threads get glibc's default stacks (RLIMIT_STACK, 8 MiB each: 512 MiB of
// address space, of which only what they touch costs memory).
#include <pthread.h>

#include <cstdio>
#include <thread>
#include <vector>

int main() {
  constexpr int kThreads = 64;
  constexpr long kPer = 100000;
  std::vector<long> part(kThreads);
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; t++) {
    ts.emplace_back([t, &part] {
      long s = 0;
      for (long i = t * kPer; i < (t + 1) * kPer; i++) s += i;
      part[t] = s;
    });
  }
  for (auto& t : ts) t.join();
  long total = 0;
  for (long p : part) total += p;
  constexpr long n = kThreads * kPer;
  std::printf("total: %ld\n", total);
  bool ok = total == n * (n - 1) / 2;
  std::printf("threads64: %s\n", ok ? "all ok" : "FAILED");
  return ok ? 0 : 1;
}
