// Clocks, from the calibrated TSC (runtime/hv/clock.h): no hypercall and no
// vDSO (the app has no AT_SYSINFO_EHDR, so libc makes these syscalls).
#include "runtime/hv/clock.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/time.h"
#include "runtime/linux/syscalls.h"
#include "runtime/linux/user.h"
#include "runtime/sched/sched.h"

namespace hvrt {
namespace {

// Sleeps the calling thread (others run; with none runnable the guest waits
// in hvrun) until the timespec at (req) has passed on (clock_id): relative,
// or (absolute) a time on that clock. Returns 0, -EINVAL, -EFAULT, or -EINTR
// when a signal's handler is to run (Linux never restarts a sleep after a
// handler); then a relative sleep writes the time left to (rem), if not 0.
int64_t Sleep(int32_t clock_id, bool absolute, uint64_t req, uint64_t rem) {
  abi::Timespec ts;
  if (int64_t r = user::CopyIn(&ts, req, sizeof ts); r < 0) return r;
  if (!abi::ValidTimespec(ts)) return -abi::kEINVAL;
  int64_t now;
  if (int64_t r = clock::Read(clock_id, &now); r < 0) return r;
  int64_t span = abi::SpanNs(ts);
  if (absolute) span -= now;  // the distance to that time, measured on its clock
  if (span <= 0) return 0;
  int64_t mono = static_cast<int64_t>(clock::MonotonicNs());
  if (sched::Block(0, 0, mono + span) != -abi::kEINTR) return 0;
  if (!absolute && rem != 0) {
    int64_t left = mono + span - static_cast<int64_t>(clock::MonotonicNs());
    abi::Timespec t = abi::ToTimespec(left > 0 ? left : 0);
    if (int64_t r = user::CopyOut(rem, &t, sizeof t); r < 0) return r;
  }
  return -abi::kEINTR;
}

}  // namespace

// Nanosleep implements Linux syscall nanosleep(2) on CLOCK_MONOTONIC.
int64_t sys_nanosleep(hv_syscall_frame& f) {
  return Sleep(abi::kCLOCK_MONOTONIC, false, f.args[0], f.args[1]);
}

// ClockNanosleep implements Linux syscall clock_nanosleep(2), TIMER_ABSTIME
// included, on CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME and
// CLOCK_TAI; other clocks are -EINVAL (CPU-time clocks: Linux too, mostly).
int64_t sys_clock_nanosleep(hv_syscall_frame& f) {
  int32_t id = Int(f.args[0]);
  if (id != abi::kCLOCK_REALTIME && id != abi::kCLOCK_MONOTONIC && id != abi::kCLOCK_BOOTTIME &&
      id != abi::kCLOCK_TAI) {
    return -abi::kEINVAL;
  }
  int32_t flags = Int(f.args[1]);
  if ((flags & ~abi::kTIMER_ABSTIME) != 0) return -abi::kEINVAL;
  return Sleep(id, (flags & abi::kTIMER_ABSTIME) != 0, f.args[2], f.args[3]);
}

// ClockGettime implements Linux syscall clock_gettime(2).
int64_t sys_clock_gettime(hv_syscall_frame& f) {
  int64_t ns;
  if (int64_t r = clock::Read(Int(f.args[0]), &ns); r < 0) return r;
  abi::Timespec ts = abi::ToTimespec(ns);
  return user::CopyOut(f.args[1], &ts, sizeof ts);
}

// ClockGetres implements Linux syscall clock_getres(2): 1 ns for every clock
// (the TSC resolves better; the coarse clocks here are the precise ones).
int64_t sys_clock_getres(hv_syscall_frame& f) {
  int64_t ns;
  if (int64_t r = clock::Read(Int(f.args[0]), &ns); r < 0) return r;
  if (f.args[1] == 0) return 0;
  abi::Timespec res = {0, 1};
  return user::CopyOut(f.args[1], &res, sizeof res);
}

// Gettimeofday implements Linux syscall gettimeofday(2). The timezone, if
// asked for, is UTC.
int64_t sys_gettimeofday(hv_syscall_frame& f) {
  if (f.args[0] != 0) {
    int64_t ns;
    clock::Read(abi::kCLOCK_REALTIME, &ns);
    abi::Timespec ts = abi::ToTimespec(ns);
    abi::Timeval tv = {ts.tv_sec, ts.tv_nsec / 1000};
    if (int64_t r = user::CopyOut(f.args[0], &tv, sizeof tv); r < 0) return r;
  }
  if (f.args[1] != 0) {
    abi::Timezone tz = {0, 0};
    if (int64_t r = user::CopyOut(f.args[1], &tz, sizeof tz); r < 0) return r;
  }
  return 0;
}

// Time implements Linux syscall time(2).
int64_t sys_time(hv_syscall_frame& f) {
  int64_t ns;
  clock::Read(abi::kCLOCK_REALTIME, &ns);
  int64_t sec = abi::ToTimespec(ns).tv_sec;
  if (f.args[0] != 0) {
    if (int64_t r = user::CopyOut(f.args[0], &sec, sizeof sec); r < 0) return r;
  }
  return sec;
}

}  // namespace hvrt
