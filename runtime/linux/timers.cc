// The process's timers: see timers.h.
#include "runtime/linux/timers.h"

#include "runtime/hv/clock.h"
#include "runtime/lib/string.h"
#include "runtime/linux/abi/errno.h"
#include "runtime/linux/abi/misc.h"
#include "runtime/linux/abi/signal.h"
#include "runtime/linux/signals.h"
#include "runtime/sched/sched.h"

namespace hvrt::timers {
namespace {

using abi::kNsPerSec;
using abi::SpanNs;
using abi::ValidTimespec;
constexpr int64_t kNsPerUs = 1000;
constexpr int kITimers = 3;

struct Timer {
  bool used;  // POSIX timers: created and not deleted
  bool armed;
  int32_t sig;       // 0: SIGEV_NONE
  int32_t tid;       // SIGEV_THREAD_ID's thread, else 0 (the process)
  int64_t next;      // CLOCK_MONOTONIC deadline while armed
  int64_t interval;  // 0: one shot
  int32_t overrun;   // expirations missed before the last one sent
  int32_t clock;     // POSIX timers: the clock created on (for TIMER_ABSTIME)
};

struct State {
  Timer itimers[kITimers];  // ITIMER_REAL, _VIRTUAL, _PROF
  Timer posix[kMaxPosixTimers];
  int64_t earliest;
};

constinit State g = {{}, {}, kNever};

constexpr int32_t kITimerSignal[kITimers] = {abi::kSIGALRM, abi::kSIGVTALRM, abi::kSIGPROF};

int64_t Now() { return static_cast<int64_t>(clock::MonotonicNs()); }

void Recompute() {
  int64_t e = kNever;
  for (const Timer& t : g.itimers) {
    if (t.armed && t.next < e) e = t.next;
  }
  for (const Timer& t : g.posix) {
    if (t.used && t.armed && t.next < e) e = t.next;
  }
  g.earliest = e;
}

// Sends (t)'s signal for an expiry at or before (now), and moves it on.
void Fire(Timer& t, int64_t now) {
  if (t.interval > 0) {
    const int64_t missed = (now - t.next) / t.interval;
    t.next += (missed + 1) * t.interval;
    t.overrun = missed > INT32_MAX ? INT32_MAX : static_cast<int32_t>(missed);
  } else {
    t.armed = false;
    t.overrun = 0;
  }
  if (t.sig == 0) return;
  if (t.tid != 0 && signals::SendToThread(t.tid, t.sig) == 0) return;
  signals::Send(t.sig);  // the process's (or its thread is gone)
}

// A valid (tv) in ns, saturated as abi::SpanNs saturates a timespec.
int64_t SpanNs(const abi::Timeval& tv) {
  if (tv.tv_sec > INT64_MAX / kNsPerSec - 1) return INT64_MAX / 2;
  return tv.tv_sec * kNsPerSec + tv.tv_usec * kNsPerUs;
}

abi::Timeval ToTimeval(int64_t ns) {
  // Linux rounds a remaining time up to the next microsecond, so that a
  // running timer never reads as 0 (disarmed).
  const int64_t us = (ns + kNsPerUs - 1) / kNsPerUs;
  return {us / 1000000, us % 1000000};
}

// What is left of (t) now (0: disarmed) and its interval.
void Remaining(const Timer& t, int64_t* value, int64_t* interval) {
  *interval = t.interval;
  *value = 0;
  if (!t.armed) return;
  const int64_t left = t.next - Now();
  *value = left > 0 ? left : 1;  // due, not yet sent: still armed
}

void Arm(Timer& t, int64_t deadline, int64_t interval) {
  t.armed = true;
  t.next = deadline;
  t.interval = interval;
  t.overrun = 0;
}

bool ValidTimeval(const abi::Timeval& tv) {
  return tv.tv_sec >= 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000;
}

// Which clock a POSIX timer counts on (all on the monotonic one here, with
// absolute times converted when set), or -errno.
int64_t CheckClock(int32_t id) {
  switch (id) {
    case abi::kCLOCK_REALTIME:
    case abi::kCLOCK_MONOTONIC:
    case abi::kCLOCK_PROCESS_CPUTIME_ID:
    case abi::kCLOCK_THREAD_CPUTIME_ID:
    case abi::kCLOCK_BOOTTIME:
    case abi::kCLOCK_REALTIME_ALARM:
    case abi::kCLOCK_BOOTTIME_ALARM:
    case abi::kCLOCK_TAI:
      return 0;
    case abi::kCLOCK_MONOTONIC_RAW:
    case abi::kCLOCK_REALTIME_COARSE:
    case abi::kCLOCK_MONOTONIC_COARSE:
      return -abi::kEOPNOTSUPP;  // Linux: these clocks have no timers
    default:
      return -abi::kEINVAL;
  }
}

// The clock a TIMER_ABSTIME time of a timer on (id) is read against: the
// alarm clocks are their plain ones; the CPU-time clocks count as the
// monotonic one here.
int32_t ReadableClock(int32_t id) {
  switch (id) {
    case abi::kCLOCK_REALTIME_ALARM:
      return abi::kCLOCK_REALTIME;
    case abi::kCLOCK_BOOTTIME_ALARM:
      return abi::kCLOCK_BOOTTIME;
    case abi::kCLOCK_PROCESS_CPUTIME_ID:
    case abi::kCLOCK_THREAD_CPUTIME_ID:
      return abi::kCLOCK_MONOTONIC;
    default:
      return id;
  }
}

Timer* PosixTimer(int32_t id) {
  if (id < 0 || id >= kMaxPosixTimers || !g.posix[id].used) return nullptr;
  return &g.posix[id];
}

}  // namespace

void Reset() {
  Fill(&g, 0, sizeof g);
  g.earliest = kNever;
}

void AfterFork() { Reset(); }

void AtExec() {
  for (Timer& t : g.posix) t = Timer{};
  Recompute();
}

int64_t Earliest() { return g.earliest; }

void Poll() {
  if (g.earliest == kNever) return;
  const int64_t now = Now();
  if (now < g.earliest) return;
  for (Timer& t : g.itimers) {
    if (t.armed && t.next <= now) Fire(t, now);
  }
  for (Timer& t : g.posix) {
    if (t.used && t.armed && t.next <= now) Fire(t, now);
  }
  Recompute();
}

int64_t SetInterval(int32_t which, const abi::Itimerval* value, abi::Itimerval* old) {
  if (which < 0 || which >= kITimers) return -abi::kEINVAL;
  if (value != nullptr && (!ValidTimeval(value->it_value) || !ValidTimeval(value->it_interval))) {
    return -abi::kEINVAL;
  }
  Timer& t = g.itimers[which];
  if (old != nullptr) GetInterval(which, old);
  const int64_t span = value != nullptr ? SpanNs(value->it_value) : 0;
  if (span == 0) {
    t = Timer{};
  } else {
    t.sig = kITimerSignal[which];
    t.tid = 0;
    Arm(t, Now() + span, SpanNs(value->it_interval));
  }
  Recompute();
  return 0;
}

int64_t GetInterval(int32_t which, abi::Itimerval* out) {
  if (which < 0 || which >= kITimers) return -abi::kEINVAL;
  int64_t value, interval;
  Remaining(g.itimers[which], &value, &interval);
  out->it_value = ToTimeval(value);
  out->it_interval = ToTimeval(interval);
  return 0;
}

int64_t Create(int32_t clock_id, const abi::SigEvent* event, int32_t* id) {
  if (int64_t r = CheckClock(clock_id); r < 0) return r;
  int32_t sig = abi::kSIGALRM, tid = 0;
  if (event != nullptr) {
    switch (event->sigev_notify) {
      case abi::kSIGEV_NONE:
        sig = 0;
        break;
      case abi::kSIGEV_THREAD_ID:
        if (!sched::Alive(event->sigev_tid)) return -abi::kEINVAL;
        tid = event->sigev_tid;
        [[fallthrough]];
      case abi::kSIGEV_SIGNAL:
        if (!signals::Valid(event->sigev_signo)) return -abi::kEINVAL;
        sig = event->sigev_signo;
        break;
      default:
        return -abi::kEINVAL;
    }
  }
  for (int32_t i = 0; i < kMaxPosixTimers; i++) {
    if (g.posix[i].used) continue;
    g.posix[i] = Timer{.used = true, .armed = false, .sig = sig, .tid = tid, .clock = clock_id};
    *id = i;
    return 0;
  }
  return -abi::kEAGAIN;
}

int64_t SetPosix(int32_t id, bool absolute, const abi::Itimerspec& value, abi::Itimerspec* old) {
  Timer* t = PosixTimer(id);
  if (t == nullptr) return -abi::kEINVAL;
  if (!ValidTimespec(value.it_value) || !ValidTimespec(value.it_interval)) return -abi::kEINVAL;
  if (old != nullptr) GetPosix(id, old);
  int64_t span = SpanNs(value.it_value);
  if (span == 0) {
    t->armed = false;
  } else {
    const int64_t now = Now();
    if (absolute) {
      // The same distance away on the monotonic clock (a later step of the
      // realtime clock does not move it).
      int64_t on_clock;
      clock::Read(ReadableClock(t->clock), &on_clock);
      span -= on_clock;
      if (span < 1) span = 1;  // already past: expires at once
    }
    Arm(*t, now + span, SpanNs(value.it_interval));
  }
  Recompute();
  return 0;
}

int64_t GetPosix(int32_t id, abi::Itimerspec* out) {
  Timer* t = PosixTimer(id);
  if (t == nullptr) return -abi::kEINVAL;
  int64_t value, interval;
  Remaining(*t, &value, &interval);
  out->it_value = abi::ToTimespec(value);
  out->it_interval = abi::ToTimespec(interval);
  return 0;
}

int64_t Overrun(int32_t id) {
  Timer* t = PosixTimer(id);
  return t == nullptr ? -abi::kEINVAL : t->overrun;
}

int64_t Delete(int32_t id) {
  Timer* t = PosixTimer(id);
  if (t == nullptr) return -abi::kEINVAL;
  *t = Timer{};
  Recompute();
  return 0;
}

}  // namespace hvrt::timers
