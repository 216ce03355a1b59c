// TSC clock: see clock.h.
#include "runtime/hv/clock.h"

#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/time.h"

namespace hvrt::clock {
namespace {

constinit hv_clock_calibration g_cal = {};
constinit uint64_t g_boot_ns = 0;
constinit const volatile hv_pvclock* g_pvclock = nullptr;
constinit int64_t g_pvclock_offset = 0;

// Reads the kvmclock page consistently: KVM makes version odd while it
// updates the page, so retry until an even version is the same before and
// after the reads.
uint64_t PvclockNow() {
  for (;;) {
    const uint32_t v = g_pvclock->version;
    asm volatile("" ::: "memory");
    hv_pvclock copy;
    copy.tsc_timestamp = g_pvclock->tsc_timestamp;
    copy.system_time = g_pvclock->system_time;
    copy.tsc_to_system_mul = g_pvclock->tsc_to_system_mul;
    copy.tsc_shift = g_pvclock->tsc_shift;
    const uint64_t tsc = cpu::Rdtsc();
    asm volatile("" ::: "memory");
    if ((v & 1) == 0 && v == g_pvclock->version) {
      return static_cast<uint64_t>(static_cast<int64_t>(PvclockToNs(copy, tsc)) + g_pvclock_offset);
    }
    cpu::Pause();
  }
}

// The slow path: ask the host (HV_CALL_CLOCK) for clock (id).
int64_t HostClock(uint32_t id) {
  hv_clock c = {id, 0, 0};
  int64_t r = hv::Call(HV_CALL_CLOCK, &c);
  return r < 0 ? 0 : c.ns;
}

}  // namespace

uint64_t TscToNs(const hv_clock_calibration& c, uint64_t tsc) {
  uint64_t delta = tsc > c.base_tsc ? tsc - c.base_tsc : 0;
  unsigned __int128 scaled = static_cast<unsigned __int128>(delta) * c.mult;
  return c.base_ns + static_cast<uint64_t>(scaled >> (c.shift & 127));
}

uint64_t PvclockToNs(const hv_pvclock& p, uint64_t tsc) {
  uint64_t delta = tsc > p.tsc_timestamp ? tsc - p.tsc_timestamp : 0;
  if (p.tsc_shift < 0) {
    delta >>= -p.tsc_shift;
  } else {
    delta <<= p.tsc_shift;
  }
  const unsigned __int128 scaled = static_cast<unsigned __int128>(delta) * p.tsc_to_system_mul;
  return p.system_time + static_cast<uint64_t>(scaled >> 32);
}

void Init(const hv_clock_calibration& c, uint64_t pvclock, int64_t pvclock_offset_ns) {
  g_cal = c;
  g_pvclock = reinterpret_cast<const volatile hv_pvclock*>(pvclock);
  g_pvclock_offset = pvclock_offset_ns;
  g_boot_ns = MonotonicNs();
}

void CalibratePvclock() {
  if (g_pvclock == nullptr) return;
  // The host's reading lies between the two pvclock readings: take their
  // midpoint. A failed call leaves the offset as it was.
  g_pvclock_offset = 0;
  const uint64_t before = PvclockNow();
  hv_clock c = {abi::kCLOCK_MONOTONIC, 0, 0};
  const int64_t r = hv::Call(HV_CALL_CLOCK, &c);
  const uint64_t after = PvclockNow();
  if (r < 0) return;
  g_pvclock_offset = c.ns - static_cast<int64_t>(before + (after - before) / 2);
  g_boot_ns = MonotonicNs();
}

uint64_t MonotonicNs() {
  if (g_pvclock != nullptr) return PvclockNow();
  if (g_cal.tsc_hz == 0) return static_cast<uint64_t>(HostClock(abi::kCLOCK_MONOTONIC));
  return TscToNs(g_cal, cpu::Rdtsc());
}

int64_t Read(int32_t id, int64_t* ns) {
  switch (id) {
    case abi::kCLOCK_MONOTONIC:
    case abi::kCLOCK_MONOTONIC_RAW:
    case abi::kCLOCK_MONOTONIC_COARSE:
    case abi::kCLOCK_BOOTTIME:  // the guest never suspends: boottime == monotonic
    case abi::kCLOCK_BOOTTIME_ALARM:
      *ns = static_cast<int64_t>(MonotonicNs());
      return 0;
    case abi::kCLOCK_REALTIME:
    case abi::kCLOCK_REALTIME_COARSE:
    case abi::kCLOCK_REALTIME_ALARM:
    case abi::kCLOCK_TAI:  // Linux's TAI offset is 0 unless NTP sets it
      if (g_cal.tsc_hz == 0 && g_pvclock == nullptr) {
        *ns = HostClock(abi::kCLOCK_REALTIME);
      } else {
        *ns = static_cast<int64_t>(MonotonicNs()) + g_cal.realtime_offset_ns;
      }
      return 0;
    case abi::kCLOCK_PROCESS_CPUTIME_ID:
    case abi::kCLOCK_THREAD_CPUTIME_ID: {
      uint64_t now = MonotonicNs();
      *ns = static_cast<int64_t>(now > g_boot_ns ? now - g_boot_ns : 0);
      return 0;
    }
    default:
      return -abi::kEINVAL;
  }
}

}  // namespace hvrt::clock
