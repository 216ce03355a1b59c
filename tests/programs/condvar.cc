// Producer/consumer over a bounded queue with std::condition_variable: one
// producer, two consumers, 1000 items, a deterministic checksum.
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

namespace {

constexpr int kItems = 1000;
constexpr size_t kCapacity = 8;

std::mutex g_mu;
std::condition_variable g_not_full, g_not_empty;
std::deque<int> g_queue;
bool g_done = false;

void Consume(unsigned long* sum, int* count) {
  for (;;) {
    std::unique_lock<std::mutex> lock(g_mu);
    g_not_empty.wait(lock, [] { return !g_queue.empty() || g_done; });
    if (g_queue.empty()) return;
    int v = g_queue.front();
    g_queue.pop_front();
    g_not_full.notify_one();
    lock.unlock();
    *sum += static_cast<unsigned long>(v) * static_cast<unsigned long>(v);
    (*count)++;
  }
}

}  // namespace

int main() {
  unsigned long sums[2] = {};
  int counts[2] = {};
  std::thread c0(Consume, &sums[0], &counts[0]);
  std::thread c1(Consume, &sums[1], &counts[1]);
  std::thread producer([] {
    for (int i = 1; i <= kItems; i++) {
      std::unique_lock<std::mutex> lock(g_mu);
      g_not_full.wait(lock, [] { return g_queue.size() < kCapacity; });
      g_queue.push_back(i);
      g_not_empty.notify_one();
    }
    std::lock_guard<std::mutex> lock(g_mu);
    g_done = true;
    g_not_empty.notify_all();
  });
  producer.join();
  c0.join();
  c1.join();
  unsigned long total = sums[0] + sums[1];
  int n = counts[0] + counts[1];
  std::printf("items: %d checksum: %lu\n", n, total);
  bool ok = n == kItems && total == 333833500ul;  // sum of i^2, i = 1..1000
  std::printf("condvar: %s\n", ok ? "all ok" : "FAILED");
  return ok ? 0 : 1;
}
