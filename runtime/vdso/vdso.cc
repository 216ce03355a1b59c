// File: runtime/vdso/vdso.cc
//
// The runtime's vDSO: clock_gettime, gettimeofday, time and getcpu as plain
// calls in the app, with no syscall at all, the way Linux's vDSO serves
// them (glibc, static and dynamic, finds it through AT_SYSINFO_EHDR). Built
// as a shared object of its own (runtime/image/CMakeLists.txt, vdso.lds),
// embedded in the runtime image right after the page it reads the clock
// from (vdso_data.h), and never copied: the app calls into the runtime's
// own pages, which share its address space and privilege.
//
// The clock arithmetic is the runtime's own (runtime/hv/clock_math.h), so
// both read the same clock. What the vDSO cannot answer (the CPU-time
// clocks, a bad clock id, no usable TSC) it passes to the syscall, as
// Linux's does.
#include <stddef.h>
#include <stdint.h>

#include "runtime/hv/clock_math.h"
#include "runtime/vdso/vdso_data.h"

namespace {

// The page before the image, placed by vdso.lds.
extern "C" const volatile hvrt::vdso::Data hv_vdso_data __attribute__((visibility("hidden")));

struct Timespec {
  int64_t tv_sec, tv_nsec;
};
struct Timeval {
  int64_t tv_sec, tv_usec;
};
struct Timezone {
  int32_t tz_minuteswest, tz_dsttime;
};

constexpr int kCLOCK_REALTIME = 0, kCLOCK_MONOTONIC = 1, kCLOCK_MONOTONIC_RAW = 4,
              kCLOCK_REALTIME_COARSE = 5, kCLOCK_MONOTONIC_COARSE = 6, kCLOCK_BOOTTIME = 7,
              kCLOCK_TAI = 11;
constexpr long kNR_gettimeofday = 96, kNR_time = 201, kNR_clock_gettime = 228,
               kNR_clock_getres = 229;

long Syscall2(long nr, long a, long b) {
  long r;
  asm volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
  return r;
}

// Monotonic nanoseconds, or false where only the syscall knows.
bool Monotonic(uint64_t* ns) {
  const volatile hvrt::vdso::Data& d = hv_vdso_data;
  switch (d.mode) {
    case hvrt::vdso::kModeTsc: {
      hv_clock_calibration c;
      c.base_tsc = d.cal.base_tsc;
      c.base_ns = d.cal.base_ns;
      c.mult = d.cal.mult;
      c.shift = d.cal.shift;
      *ns = hvrt::clock::TscToNs(c, hvrt::clock::ReadTsc());
      return true;
    }
    case hvrt::vdso::kModePvclock:
      *ns = hvrt::clock::PvclockNow(reinterpret_cast<const volatile hv_pvclock*>(d.pvclock),
                                    d.pvclock_offset_ns, [] { return hvrt::clock::ReadTsc(); });
      return true;
    default:
      return false;
  }
}

// Linux's clock ids this clock answers, as the runtime does
// (runtime/hv/clock.cc): 1 monotonic, 2 realtime, 0 neither.
int Kind(int clock) {
  switch (clock) {
    case kCLOCK_MONOTONIC:
    case kCLOCK_MONOTONIC_RAW:
    case kCLOCK_MONOTONIC_COARSE:
    case kCLOCK_BOOTTIME:
      return 1;
    case kCLOCK_REALTIME:
    case kCLOCK_REALTIME_COARSE:
    case kCLOCK_TAI:
      return 2;
    default:
      return 0;
  }
}

bool Now(int kind, int64_t* ns) {
  uint64_t mono;
  if (kind == 0 || !Monotonic(&mono)) return false;
  *ns = static_cast<int64_t>(mono) + (kind == 2 ? hv_vdso_data.cal.realtime_offset_ns : 0);
  return true;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int __vdso_clock_gettime(int clock, Timespec* ts) {
  int64_t ns;
  if (!Now(Kind(clock), &ns)) {
    return static_cast<int>(Syscall2(kNR_clock_gettime, clock, reinterpret_cast<long>(ts)));
  }
  ts->tv_sec = ns / 1000000000;
  ts->tv_nsec = ns % 1000000000;
  return 0;
}

__attribute__((visibility("default"))) int __vdso_gettimeofday(Timeval* tv, Timezone* tz) {
  int64_t ns;
  if (!Now(2, &ns)) {
    return static_cast<int>(
        Syscall2(kNR_gettimeofday, reinterpret_cast<long>(tv), reinterpret_cast<long>(tz)));
  }
  if (tv != nullptr) {
    tv->tv_sec = ns / 1000000000;
    tv->tv_usec = ns % 1000000000 / 1000;
  }
  if (tz != nullptr) {
    tz->tz_minuteswest = 0;  // the guest's kernel keeps no timezone: UTC
    tz->tz_dsttime = 0;
  }
  return 0;
}

__attribute__((visibility("default"))) long __vdso_time(long* t) {
  int64_t ns;
  if (!Now(2, &ns)) return Syscall2(kNR_time, reinterpret_cast<long>(t), 0);
  const long s = static_cast<long>(ns / 1000000000);
  if (t != nullptr) *t = s;
  return s;
}

__attribute__((visibility("default"))) int __vdso_clock_getres(int clock, Timespec* res) {
  return static_cast<int>(Syscall2(kNR_clock_getres, clock, reinterpret_cast<long>(res)));
}

// One CPU, one node (the guest's vCPU).
__attribute__((visibility("default"))) long __vdso_getcpu(unsigned* cpu, unsigned* node,
                                                          void* unused) {
  (void)unused;
  if (cpu != nullptr) *cpu = 0;
  if (node != nullptr) *node = 0;
  return 0;
}

// Linux's vDSO exports each under its plain name too.
int clock_gettime(int, Timespec*)
    __attribute__((weak, alias("__vdso_clock_gettime"), visibility("default")));
int gettimeofday(Timeval*, Timezone*)
    __attribute__((weak, alias("__vdso_gettimeofday"), visibility("default")));
long time(long*) __attribute__((weak, alias("__vdso_time"), visibility("default")));
int clock_getres(int, Timespec*)
    __attribute__((weak, alias("__vdso_clock_getres"), visibility("default")));
long getcpu(unsigned*, unsigned*, void*)
    __attribute__((weak, alias("__vdso_getcpu"), visibility("default")));

}  // extern "C"
