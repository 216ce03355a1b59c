// syscall_loop: N getppid syscalls, timed with clock_gettime(CLOCK_MONOTONIC).
// A static program run natively or under hvrun by hv_bench (BM_Syscall_*).
//
// Usage: syscall_loop N
// Prints "iterations=N total_ns=T" on one line.
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "bench/guest/now_ns.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: syscall_loop N\n");
    return 64;
  }
  unsigned long long n = std::strtoull(argv[1], nullptr, 10);
  long sink = 0;
  unsigned long long start = NowNs();
  for (unsigned long long i = 0; i < n; ++i) {
    // syscall(): a real trap every time (glibc caches nothing for it).
    sink += syscall(SYS_getppid);
  }
  unsigned long long total = NowNs() - start;
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return sink == -1 ? 1 : 0;
}
