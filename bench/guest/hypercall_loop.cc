// hypercall_loop: N hv::nop() hypercall round trips (no Linux syscall), timed
// with hv::monotonic_ns(). Run under hvrun by hv_bench (BM_Hypercall_*).
//
// Usage: hypercall_loop N
// Prints "iterations=N total_ns=T" on one line. Natively there is no
// hypercall to make: it says so and exits 2.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "hv/hv.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: hypercall_loop N\n");
    return 64;
  }
  if (!hv::in_guest()) {
    std::printf("hypercall_loop: not in a guest (run it under hvrun)\n");
    return 2;
  }
  unsigned long long n = std::strtoull(argv[1], nullptr, 10);
  if (int64_t r = hv::nop(); r != 0) {
    std::fprintf(stderr, "hypercall_loop: hv::nop() returned %lld on backend %s\n",
                 static_cast<long long>(r), std::string(hv::backend_name()).c_str());
    return 1;
  }
  uint64_t start = hv::monotonic_ns();
  for (unsigned long long i = 0; i < n; ++i) hv::nop();
  uint64_t total = hv::monotonic_ns() - start;
  std::printf("iterations=%llu total_ns=%llu\n", n, static_cast<unsigned long long>(total));
  return 0;
}
