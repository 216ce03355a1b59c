// File: clock_calibration.cc
#include "hvrun/clock_calibration.h"

#include <cpuid.h>
#include <linux/perf_event.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <cstdint>

#include "vmm/base/unique_fd.h"

namespace hvrun {
namespace {

int64_t ClockNs(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool InvariantTsc() {
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000007, &a, &b, &c, &d)) return false;
  return (d & (1u << 8)) != 0;
}

// Reads the kernel's TSC -> ns scaling from a self-monitoring perf event.
bool KernelScaling(uint32_t* mult, uint32_t* shift) {
  perf_event_attr attr{};
  attr.size = sizeof(attr);
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_DUMMY;
  attr.exclude_kernel = 1;
  UniqueFd fd(
      static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC)));
  if (!fd.valid()) return false;
  void* page = mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd.get(), 0);
  if (page == MAP_FAILED) return false;
  HostMapping map(page, 4096);
  const auto* pc = static_cast<const perf_event_mmap_page*>(page);
  if (!pc->cap_user_time || pc->time_mult == 0) return false;
  *mult = pc->time_mult;
  *shift = pc->time_shift;
  return true;
}

// Samples (tsc, monotonic) close together: the pair read fastest wins.
void Sample(uint64_t* tsc, int64_t* ns) {
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    const uint64_t t0 = __rdtsc();
    const int64_t n = ClockNs(CLOCK_MONOTONIC);
    const uint64_t t1 = __rdtsc();
    if (t1 - t0 < best) {
      best = t1 - t0;
      *tsc = t0 + (t1 - t0) / 2;
      *ns = n;
    }
  }
}

}  // namespace

hv_clock_calibration CalibrateClock() {
  hv_clock_calibration c{};
  // Set before any way out: a guest with kvmclock but no usable TSC still
  // derives realtime from its monotonic clock plus this offset (without it,
  // kvm guests on hosts without an invariant TSC said it was 1970).
  c.realtime_offset_ns = ClockNs(CLOCK_REALTIME) - ClockNs(CLOCK_MONOTONIC);
  if (!InvariantTsc()) return c;  // tsc_hz 0: the guest uses HV_CALL_CLOCK or kvmclock
  uint32_t mult = 0, shift = 0;
  if (!KernelScaling(&mult, &shift)) {
    uint64_t t0, t1;
    int64_t n0, n1;
    Sample(&t0, &n0);
    while (ClockNs(CLOCK_MONOTONIC) - n0 < 2000000) {
    }
    Sample(&t1, &n1);
    if (t1 <= t0) return c;
    shift = 24;
    mult = static_cast<uint32_t>((static_cast<unsigned __int128>(n1 - n0) << shift) / (t1 - t0));
  }
  int64_t ns;
  Sample(&c.base_tsc, &ns);
  c.base_ns = static_cast<uint64_t>(ns);
  c.mult = mult;
  c.shift = shift;
  c.tsc_hz = static_cast<uint64_t>((static_cast<unsigned __int128>(1000000000) << shift) / mult);
  return c;
}

}  // namespace hvrun
