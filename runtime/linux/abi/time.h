// File: runtime/linux/abi/time.h
//
// Clock ids (linux/time.h) and the x86-64 time structs, sizes asserted.
#ifndef HVRT_LINUX_ABI_TIME_H_
#define HVRT_LINUX_ABI_TIME_H_

#include <stdint.h>

namespace hvrt::abi {

inline constexpr int32_t kCLOCK_REALTIME = 0;
inline constexpr int32_t kCLOCK_MONOTONIC = 1;
inline constexpr int32_t kCLOCK_PROCESS_CPUTIME_ID = 2;
inline constexpr int32_t kCLOCK_THREAD_CPUTIME_ID = 3;
inline constexpr int32_t kCLOCK_MONOTONIC_RAW = 4;
inline constexpr int32_t kCLOCK_REALTIME_COARSE = 5;
inline constexpr int32_t kCLOCK_MONOTONIC_COARSE = 6;
inline constexpr int32_t kCLOCK_BOOTTIME = 7;
inline constexpr int32_t kCLOCK_REALTIME_ALARM = 8;
inline constexpr int32_t kCLOCK_BOOTTIME_ALARM = 9;
inline constexpr int32_t kCLOCK_TAI = 11;

struct Timespec {
  int64_t tv_sec;
  int64_t tv_nsec;
};
static_assert(sizeof(Timespec) == 16);

struct Timeval {
  int64_t tv_sec;
  int64_t tv_usec;
};
static_assert(sizeof(Timeval) == 16);

inline constexpr int64_t kNsPerSec = 1000000000;

// A timeout or sleep as the app gives it: no negative part, tv_nsec below
// a second (Linux's timespec64_valid; else -EINVAL for the caller).
constexpr bool ValidTimespec(const Timespec& ts) {
  return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < kNsPerSec;
}

// A valid (ts) in ns, saturated at INT64_MAX / 2 so that a clock reading
// plus it cannot overflow.
constexpr int64_t SpanNs(const Timespec& ts) {
  return ts.tv_sec > INT64_MAX / kNsPerSec - 1 ? INT64_MAX / 2 : ts.tv_sec * kNsPerSec + ts.tv_nsec;
}

// (ns) as seconds and nanoseconds, flooring for times before 1970.
constexpr Timespec ToTimespec(int64_t ns) {
  Timespec ts = {ns / kNsPerSec, ns % kNsPerSec};
  if (ts.tv_nsec < 0) {
    ts.tv_nsec += kNsPerSec;
    ts.tv_sec--;
  }
  return ts;
}

// setitimer(2)
inline constexpr int32_t kITIMER_REAL = 0;
inline constexpr int32_t kITIMER_VIRTUAL = 1;
inline constexpr int32_t kITIMER_PROF = 2;

struct Itimerval {
  Timeval it_interval;
  Timeval it_value;
};
static_assert(sizeof(Itimerval) == 32);

struct Itimerspec {
  Timespec it_interval;
  Timespec it_value;
};
static_assert(sizeof(Itimerspec) == 32);

// timer_create(2)'s struct sigevent (64 bytes; the thread id at offset 12).
inline constexpr int32_t kSIGEV_SIGNAL = 0;
inline constexpr int32_t kSIGEV_NONE = 1;
inline constexpr int32_t kSIGEV_THREAD_ID = 4;
struct SigEvent {
  uint64_t sigev_value;
  int32_t sigev_signo;
  int32_t sigev_notify;
  int32_t sigev_tid;
  uint8_t pad[44];
};
static_assert(sizeof(SigEvent) == 64);

struct Timezone {
  int32_t tz_minuteswest;
  int32_t tz_dsttime;
};
static_assert(sizeof(Timezone) == 8);

}  // namespace hvrt::abi

#endif  // HVRT_LINUX_ABI_TIME_H_
