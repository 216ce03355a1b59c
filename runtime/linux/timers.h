// File: runtime/linux/timers.h
//
// The process's timers: the three interval timers (setitimer, alarm) and
// POSIX timers (timer_create). Each is a deadline on the monotonic clock
// and, for a periodic one, an interval. The runtime looks at them whenever
// it runs: at the end of every syscall (Poll) and in the scheduler's idle
// loop, which sleeps in hvrun no later than the earliest deadline (Earliest).
// An expired timer sends its signal there, so a thread blocked in a sleep,
// a futex or sigsuspend wakes for its handler; a thread that computes
// without syscalls sees it at its next syscall (signals.h).
//
// ITIMER_VIRTUAL and ITIMER_PROF, and timers on the CPU-time clocks, count
// on the monotonic clock too, as this runtime's CPU-time clocks do.
//
// Not inherited by a forked child (AfterFork); POSIX timers end at execve,
// the interval timers stay (AtExec), as on Linux.
//
// Example:
//   int64_t deadline = hvrt::timers::Earliest();  // kNever: none armed
//   hvrt::timers::Poll();                          // sends what expired
#ifndef HVRT_LINUX_TIMERS_H_
#define HVRT_LINUX_TIMERS_H_

#include <stdint.h>

#include "runtime/linux/abi/time.h"

namespace hvrt::timers {

inline constexpr int64_t kNever = INT64_MAX;
// POSIX timers a process may have at once (Linux's limit is RLIMIT_SIGPENDING).
inline constexpr int kMaxPosixTimers = 32;

void Reset();
void AfterFork();
void AtExec();

// The earliest armed deadline (CLOCK_MONOTONIC ns), or kNever.
int64_t Earliest();
// Sends the signal of every timer whose deadline has passed and re-arms
// the periodic ones. One comparison when nothing is due.
void Poll();

// setitimer/getitimer: (which) is ITIMER_*; 0 or -EINVAL.
int64_t SetInterval(int32_t which, const abi::Itimerval* value, abi::Itimerval* old);
int64_t GetInterval(int32_t which, abi::Itimerval* out);

// timer_create and friends: ids are 0 .. kMaxPosixTimers-1. Return 0 (or the
// overrun count) or -errno (-EINVAL for a bad id or value, -EAGAIN: none left).
int64_t Create(int32_t clock_id, const abi::SigEvent* event, int32_t* id);
int64_t SetPosix(int32_t id, bool absolute, const abi::Itimerspec& value, abi::Itimerspec* old);
int64_t GetPosix(int32_t id, abi::Itimerspec* out);
int64_t Overrun(int32_t id);
int64_t Delete(int32_t id);

}  // namespace hvrt::timers

#endif  // HVRT_LINUX_TIMERS_H_
