// File: runtime/hv/clock_math.h
//
// The clock arithmetic the runtime (runtime/hv/clock.cc) and its vDSO
// (runtime/vdso/vdso.cc) share, so that a time read in the app through the
// vDSO and one the runtime reads (timer deadlines, clock_gettime's
// fallback) are the same clock. Freestanding, header-only: the vDSO is
// built as a shared object of its own.
#ifndef HVRT_HV_CLOCK_MATH_H_
#define HVRT_HV_CLOCK_MATH_H_

#include <stdint.h>

#include "hv/abi.h"

namespace hvrt::clock {

inline uint64_t ReadTsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

// ns(tsc) = base_ns + (((tsc - base_tsc) * mult) >> shift), the product in
// 128 bits so that hours of uptime at GHz rates cannot overflow. A (tsc)
// below base_tsc counts as base_tsc, so time never runs backwards.
inline uint64_t TscToNs(const hv_clock_calibration& c, uint64_t tsc) {
  const uint64_t delta = tsc > c.base_tsc ? tsc - c.base_tsc : 0;
  const unsigned __int128 scaled = static_cast<unsigned __int128>(delta) * c.mult;
  return c.base_ns + static_cast<uint64_t>(scaled >> (c.shift & 127));
}

// ns from a kvmclock page read at (tsc): system_time plus the scaled TSC
// delta, the way Linux's pvclock_scale_delta does it.
inline uint64_t PvclockToNs(const hv_pvclock& p, uint64_t tsc) {
  uint64_t delta = tsc > p.tsc_timestamp ? tsc - p.tsc_timestamp : 0;
  if (p.tsc_shift < 0) {
    delta >>= -p.tsc_shift;
  } else {
    delta <<= p.tsc_shift;
  }
  const unsigned __int128 scaled = static_cast<unsigned __int128>(delta) * p.tsc_to_system_mul;
  return p.system_time + static_cast<uint64_t>(scaled >> 32);
}

// Reads the kvmclock page consistently: KVM makes version odd while it
// updates the page, so retry until an even version is the same before and
// after the reads. (tsc)() reads the TSC (the runtime's cpu::Rdtsc, which
// its unit tests fake).
template <typename Tsc>
uint64_t PvclockNow(const volatile hv_pvclock* page, int64_t offset_ns, Tsc tsc) {
  for (;;) {
    const uint32_t v = page->version;
    asm volatile("" ::: "memory");
    hv_pvclock copy;
    copy.tsc_timestamp = page->tsc_timestamp;
    copy.system_time = page->system_time;
    copy.tsc_to_system_mul = page->tsc_to_system_mul;
    copy.tsc_shift = page->tsc_shift;
    const uint64_t now = tsc();
    asm volatile("" ::: "memory");
    if ((v & 1) == 0 && v == page->version) {
      return static_cast<uint64_t>(static_cast<int64_t>(PvclockToNs(copy, now)) + offset_ns);
    }
    asm volatile("pause");
  }
}

}  // namespace hvrt::clock

#endif  // HVRT_HV_CLOCK_MATH_H_
