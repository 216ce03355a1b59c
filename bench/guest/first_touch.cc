// first_touch: maps N MiB of anonymous memory and writes one byte in every
// page, timed with clock_gettime(CLOCK_MONOTONIC): the cost of first-touch
// page faults (and, under hvrun, of whatever backs guest memory). A static
// program run natively or under hvrun by hv_bench (BM_FirstTouch_*).
//
// Usage: first_touch N   (N: benchmark iterations; each iteration touches 1 MiB)
// Prints "iterations=N total_ns=T" on one line.
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

#include "bench/guest/now_ns.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: first_touch N\n");
    return 64;
  }
  unsigned long long n = std::strtoull(argv[1], nullptr, 10);
  const unsigned long long bytes = n << 20;
  char* p = static_cast<char*>(
      mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED) {
    std::perror("first_touch: mmap");
    return 1;
  }
  unsigned long long start = NowNs();
  for (unsigned long long off = 0; off < bytes; off += 4096) p[off] = 1;
  unsigned long long total = NowNs() - start;
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return munmap(p, bytes) == 0 ? 0 : 1;
}
