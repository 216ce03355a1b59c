// syscall_loop: N getppid syscalls, timed with clock_gettime(CLOCK_MONOTONIC).
// A static program run natively or under hvrun by hv_bench (BM_Syscall_*).
//
// Usage: syscall_loop N [generic]
// Calls glibc's getppid(), whose `mov $110, %eax; syscall` hvrun rewrites
// under --syscall-path=auto; with "generic", syscall(SYS_getppid), whose
// number comes from a register, so that its site always traps.
// Prints "iterations=N total_ns=T" on one line.
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "bench/guest/now_ns.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: syscall_loop N [generic]\n");
    return 64;
  }
  unsigned long long n = std::strtoull(argv[1], nullptr, 10);
  const bool generic = argc == 3;
  long sink = 0;
  unsigned long long start = NowNs();
  if (generic) {
    for (unsigned long long i = 0; i < n; ++i) sink += syscall(SYS_getppid);
  } else {
    // glibc caches nothing for getppid: a real syscall every time.
    for (unsigned long long i = 0; i < n; ++i) sink += getppid();
  }
  unsigned long long total = NowNs() - start;
  std::printf("iterations=%llu total_ns=%llu\n", n, total);
  return sink == -1 ? 1 : 0;
}
