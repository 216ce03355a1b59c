// Threads: std::thread create/join with results, thread_local values, and a
// std::mutex-protected counter from 8 threads (exact total). Run natively
// and under hvrun (tests/e2e/differential_test.cc): the output must match.
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {

thread_local int tl_value = 7;  // each thread starts with its own 7
std::mutex g_mu;
long g_counter = 0;

long Work(int id) {
  tl_value += id;  // only this thread's copy changes
  long sum = 0;
  for (int i = 0; i <= 1000 * (id + 1); i++) sum += i;
  return sum + tl_value;
}

}  // namespace

int main() {
  long results[4] = {};
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; i++) ts.emplace_back([i, &results] { results[i] = Work(i); });
  for (auto& t : ts) t.join();
  for (int i = 0; i < 4; i++) std::printf("thread %d: %ld\n", i, results[i]);
  std::printf("main thread_local still %d\n", tl_value);

  std::vector<std::thread> incs;
  for (int i = 0; i < 8; i++) {
    incs.emplace_back([] {
      for (int k = 0; k < 10000; k++) {
        std::lock_guard<std::mutex> lock(g_mu);
        g_counter++;
        if (k % 1000 == 0) std::this_thread::yield();  // let the others contend
      }
    });
  }
  for (auto& t : incs) t.join();
  std::printf("counter: %ld (expected 80000)\n", g_counter);
  bool ok = g_counter == 80000 && tl_value == 7;
  std::printf("threads_basic: %s\n", ok ? "all ok" : "FAILED");
  return ok ? 0 : 1;
}
