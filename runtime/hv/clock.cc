// TSC clock: see clock.h.
#include "runtime/hv/clock.h"

#include "runtime/hv/cpu.h"
#include "runtime/hv/hypercall.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/time.h"
#include "runtime/vdso/vdso.h"

namespace hvrt::clock {
namespace {

constinit hv_clock_calibration g_cal = {};
constinit uint64_t g_boot_ns = 0;
constinit const volatile hv_pvclock* g_pvclock = nullptr;
constinit int64_t g_pvclock_offset = 0;

uint64_t PvclockRead() {
  return PvclockNow(g_pvclock, g_pvclock_offset, [] { return cpu::Rdtsc(); });
}

// Gives the vDSO the clock as the runtime now reads it.
void PublishToVdso() {
  vdso::Data d = {};
  d.mode = g_pvclock != nullptr ? vdso::kModePvclock
           : g_cal.tsc_hz != 0  ? vdso::kModeTsc
                                : vdso::kModeSyscall;
  d.cal = g_cal;
  d.pvclock = reinterpret_cast<uint64_t>(g_pvclock);
  d.pvclock_offset_ns = g_pvclock_offset;
  vdso::Publish(d);
}

// The slow path: ask the host (HV_CALL_CLOCK) for clock (id).
int64_t HostClock(uint32_t id) {
  hv_clock c = {id, 0, 0};
  int64_t r = hv::Call(HV_CALL_CLOCK, &c);
  return r < 0 ? 0 : c.ns;
}

}  // namespace

void Init(const hv_clock_calibration& c, uint64_t pvclock, int64_t pvclock_offset_ns) {
  g_cal = c;
  g_pvclock = reinterpret_cast<const volatile hv_pvclock*>(pvclock);
  g_pvclock_offset = pvclock_offset_ns;
  g_boot_ns = MonotonicNs();
  PublishToVdso();
}

void CalibratePvclock() {
  if (g_pvclock == nullptr) return;
  // The host's reading lies between the two pvclock readings: take their
  // midpoint. A failed call leaves the offset as it was.
  g_pvclock_offset = 0;
  const uint64_t before = PvclockRead();
  hv_clock c = {abi::kCLOCK_MONOTONIC, 0, 0};
  const int64_t r = hv::Call(HV_CALL_CLOCK, &c);
  const uint64_t after = PvclockRead();
  if (r < 0) return;
  g_pvclock_offset = c.ns - static_cast<int64_t>(before + (after - before) / 2);
  g_boot_ns = MonotonicNs();
  PublishToVdso();
}

uint64_t MonotonicNs() {
  if (g_pvclock != nullptr) return PvclockRead();
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
