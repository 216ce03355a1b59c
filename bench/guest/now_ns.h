// File: bench/guest/now_ns.h
//
// NowNs(): CLOCK_MONOTONIC in nanoseconds, the one clock every guest
// benchmark program times itself with (natively and under hvrun alike).
#ifndef BENCH_GUEST_NOW_NS_H_
#define BENCH_GUEST_NOW_NS_H_

#include <time.h>

inline unsigned long long NowNs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<unsigned long long>(t.tv_sec) * 1000000000ull +
         static_cast<unsigned long long>(t.tv_nsec);
}

#endif  // BENCH_GUEST_NOW_NS_H_
